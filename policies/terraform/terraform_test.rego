package aigis.terraform_test

import rego.v1

import data.aigis.terraform

# The shape aigis gives a .tf file: labelled blocks as objects, unlabelled
# nested blocks as arrays, references as "${...}" strings.
good := {"resource": {
	"aws_kms_key": {"data": {"enable_key_rotation": true}},
	"aws_s3_bucket": {"raw": {"bucket": "acme-raw"}},
	"aws_s3_bucket_server_side_encryption_configuration": {"raw": {
		"bucket": "${aws_s3_bucket.raw.id}",
		"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms", "kms_master_key_id": "${aws_kms_key.data.arn}"}]}],
	}},
	"aws_s3_bucket_public_access_block": {"raw": {
		"bucket": "${aws_s3_bucket.raw.id}",
		"block_public_acls": true,
		"block_public_policy": true,
		"ignore_public_acls": true,
		"restrict_public_buckets": true,
	}},
	"aws_s3_bucket_versioning": {"raw": {
		"bucket": "${aws_s3_bucket.raw.id}",
		"versioning_configuration": [{"status": "Enabled"}],
	}},
	"google_storage_bucket": {"features": {
		"name": "acme-features",
		"public_access_prevention": "enforced",
		"encryption": [{"default_kms_key_name": "${google_kms_crypto_key.data.id}"}],
		"versioning": [{"enabled": true}],
	}},
	"aws_iam_policy": {"reader": {"policy": {"Version": "2012-10-17", "Statement": [{
		"Effect": "Allow",
		"Action": ["s3:GetObject", "s3:ListBucket"],
		"Resource": ["${aws_s3_bucket.raw.arn}", "${aws_s3_bucket.raw.arn}/*"],
	}]}}},
}}

rules(doc) := {v.rule | some v in terraform.deny with input as doc}

test_good_config_passes if {
	rules(good) == set()
}

test_non_terraform_input_is_ignored if {
	rules({"kind": "Endpoint"}) == set()
}

test_s3_needs_customer_managed_key if {
	rules(json.patch(good, [{"op": "remove", "path": "/resource/aws_s3_bucket_server_side_encryption_configuration"}])) == {"terraform.s3_encryption_cmk"}
	aes := json.patch(good, [{"op": "replace", "path": "/resource/aws_s3_bucket_server_side_encryption_configuration/raw/rule/0/apply_server_side_encryption_by_default/0", "value": {"sse_algorithm": "AES256"}}])
	rules(aes) == {"terraform.s3_encryption_cmk"}
	aws_key := json.patch(good, [{"op": "replace", "path": "/resource/aws_s3_bucket_server_side_encryption_configuration/raw/rule/0/apply_server_side_encryption_by_default/0/kms_master_key_id", "value": "alias/aws/s3"}])
	rules(aws_key) == {"terraform.s3_encryption_cmk"}
}

test_s3_inline_encryption_counts if {
	doc := json.patch(good, [
		{"op": "remove", "path": "/resource/aws_s3_bucket_server_side_encryption_configuration"},
		{"op": "add", "path": "/resource/aws_s3_bucket/raw/server_side_encryption_configuration", "value": [{"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms", "kms_master_key_id": "arn:aws:kms:eu-west-1:1:key/k"}]}]}]},
	])
	rules(doc) == set()
}

test_s3_public_access_blocked if {
	rules(json.patch(good, [{"op": "remove", "path": "/resource/aws_s3_bucket_public_access_block"}])) == {"terraform.s3_public_access"}
	rules(json.patch(good, [{"op": "replace", "path": "/resource/aws_s3_bucket_public_access_block/raw/restrict_public_buckets", "value": false}])) == {"terraform.s3_public_access"}
	rules(json.patch(good, [{"op": "add", "path": "/resource/aws_s3_bucket/raw/acl", "value": "public-read"}])) == {"terraform.s3_public_access"}
}

test_s3_versioning if {
	rules(json.patch(good, [{"op": "remove", "path": "/resource/aws_s3_bucket_versioning"}])) == {"terraform.s3_versioning"}
	rules(json.patch(good, [{"op": "replace", "path": "/resource/aws_s3_bucket_versioning/raw/versioning_configuration/0/status", "value": "Suspended"}])) == {"terraform.s3_versioning"}
}

test_gcs_rules if {
	rules(json.patch(good, [{"op": "remove", "path": "/resource/google_storage_bucket/features/encryption"}])) == {"terraform.gcs_encryption_cmk"}
	rules(json.patch(good, [{"op": "replace", "path": "/resource/google_storage_bucket/features/public_access_prevention", "value": "inherited"}])) == {"terraform.gcs_public_access"}
	rules(json.patch(good, [{"op": "remove", "path": "/resource/google_storage_bucket/features/versioning"}])) == {"terraform.gcs_versioning"}
	public := json.patch(good, [{"op": "add", "path": "/resource/google_storage_bucket_iam_member", "value": {"pub": {"bucket": "${google_storage_bucket.features.name}", "role": "roles/storage.objectViewer", "member": "allUsers"}}}])
	rules(public) == {"terraform.gcs_public_access"}
}

test_iam_wildcard_actions_on_data_buckets if {
	star := json.patch(good, [{"op": "replace", "path": "/resource/aws_iam_policy/reader/policy/Statement/0/Action", "value": "s3:*"}])
	rules(star) == {"terraform.iam_wildcard_action"}
	everything := json.patch(good, [{"op": "replace", "path": "/resource/aws_iam_policy/reader/policy/Statement/0", "value": {"Effect": "Allow", "Action": "*", "Resource": "*"}}])
	rules(everything) == {"terraform.iam_wildcard_action"}
	denied := json.patch(star, [{"op": "replace", "path": "/resource/aws_iam_policy/reader/policy/Statement/0/Effect", "value": "Deny"}])
	rules(denied) == set()
}

test_iam_policy_as_json_text if {
	text := json.marshal({"Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "arn:aws:s3:::acme-raw/*"}]})
	doc := json.patch(good, [{"op": "replace", "path": "/resource/aws_iam_policy/reader/policy", "value": text}])
	rules(doc) == {"terraform.iam_wildcard_action"}
}

test_iam_data_bucket_patterns if {
	text := json.marshal({"Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "arn:aws:s3:::scratch-tmp/*"}]})
	doc := json.patch(good, [{"op": "replace", "path": "/resource/aws_iam_policy/reader/policy", "value": text}])
	r := {v.rule | some v in terraform.deny} with input as doc with data.aigis_params as {"data_bucket_patterns": ["acme-*"]}
	r == set()
}

test_iam_policy_document_blocks if {
	doc := object.union(good, {"data": {"aws_iam_policy_document": {"rw": {"statement": [{"actions": ["s3:*"], "resources": ["${aws_s3_bucket.raw.arn}/*"]}]}}}})
	rules(doc) == {"terraform.iam_wildcard_action"}
}

plan := {
	"format_version": "1.2",
	"terraform_version": "1.9.5",
	"planned_values": {"root_module": {"resources": [
		{"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs", "values": {"bucket": "acme-logs"}},
		{"address": "aws_s3_bucket_versioning.logs", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "logs", "values": {"bucket": "acme-logs", "versioning_configuration": [{"status": "Enabled"}]}},
	]}},
}

test_plans_are_checked if {
	r := {v.rule | some v in terraform.deny} with input as plan
	r == {"terraform.s3_encryption_cmk", "terraform.s3_public_access"}
	msgs := {v.msg | some v in terraform.deny; v.rule == "terraform.s3_public_access"} with input as plan
	msgs == {"aws_s3_bucket.logs: public access must be blocked (aws_s3_bucket_public_access_block with all four settings true)"}
}
