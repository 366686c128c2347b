package aigis.secrets_test

import rego.v1

import data.aigis.secrets

# These tests need the secret recognizers aigis runs with; the strings are
# well-known documentation examples, not real credentials.
aws_key_id := concat("", ["AKIA", "IOSFODNN7EXAMPLE"])

test_dag_literal_with_secret if {
	doc := {"dags": [], "tasks": [], "strings": [{"value": sprintf("key=%s", [aws_key_id]), "line": 7}, {"value": "s3://acme/x", "line": 8}]}
	r := {[v.rule, v.line] | some v in secrets.deny with input as doc}
	r == {["secrets.dag_literal", 7]}
}

test_messages_never_hold_the_secret if {
	doc := {"dags": [], "tasks": [], "strings": [{"value": aws_key_id, "line": 1}]}
	msgs := {v.msg | some v in secrets.deny} with input as doc
	count(msgs) == 1
	every m in msgs {
		not contains(m, aws_key_id)
	}
}

test_dockerfile_env if {
	doc := {"instructions": [], "env": [{"name": "AWS_ACCESS_KEY_ID", "value": aws_key_id, "cmd": "env", "line": 3}, {"name": "PORT", "value": "8080", "cmd": "env", "line": 4}]}
	r := {[v.rule, v.line] | some v in secrets.deny with input as doc}
	r == {["secrets.dockerfile", 3]}
}

test_env_file if {
	doc := {"variables": [{"name": "AWS_ACCESS_KEY_ID", "value": aws_key_id, "line": 2}, {"name": "REGION", "value": "eu-west-1", "line": 3}]}
	r := {[v.rule, v.line] | some v in secrets.deny with input as doc}
	r == {["secrets.env_file", 2]}
}

test_clean_inputs_pass if {
	count(secrets.deny) == 0 with input as {"dags": [], "tasks": [], "strings": [{"value": "hello", "line": 1}]}
}
