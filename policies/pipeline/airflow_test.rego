package aigis.pipeline_test

import rego.v1

import data.aigis.pipeline

dag := {
	"dags": [{"dag_id": "etl", "line": 5, "kwargs": {}}],
	"dag_ids": ["etl"],
	"tasks": [{"task_id": "extract", "operator": "S3ToRedshiftOperator", "line": 8, "kwargs": {}}],
	"storage_paths": [{"path": "s3://acme-curated/events/", "scheme": "s3", "line": 9}],
	"connections": [{"conn_id": "redshift_etl", "kwarg": "redshift_conn_id", "line": 10}],
	"credentials": [{"name": "db_password", "value": "{{ var.value.db_password }}", "templated": true, "line": 3}],
	"strings": [],
	"imports": ["airflow"],
}

approved := {"allowed_storage_prefixes": ["s3://acme-curated/", "gs://acme-features/"]}

rules(doc) := r if {
	r := {v.rule | some v in pipeline.deny} with input as doc with data.aigis_params as approved
}

test_clean_dag_passes if {
	rules(dag) == set()
	count(pipeline.warn) == 0 with input as dag with data.aigis_params as approved
}

test_other_inputs_are_ignored if {
	rules({"kind": "Endpoint"}) == set()
}

test_storage_outside_prefixes if {
	doc := json.patch(dag, [{"op": "add", "path": "/storage_paths/-", "value": {"path": "s3://acme-raw/x", "scheme": "s3", "line": 12}}])
	rules(doc) == {"pipeline.storage_prefix"}
	lines := {v.line | some v in pipeline.deny} with input as doc with data.aigis_params as approved
	lines == {12}
}

test_no_prefixes_configured_denies_all_storage if {
	r := {v.rule | some v in pipeline.deny} with input as dag
	r == {"pipeline.storage_prefix"}
}

test_hardcoded_credentials if {
	doc := json.patch(dag, [{"op": "add", "path": "/credentials/-", "value": {"name": "api_token", "value": "x", "templated": false, "line": 4}}])
	rules(doc) == {"pipeline.hardcoded_credential"}
	msgs := {v.msg | some v in pipeline.deny} with input as doc with data.aigis_params as approved
	msgs == {"api_token is bound to a hardcoded credential; read it from an Airflow connection, variable or secrets backend"}
}

test_default_connection_warns if {
	doc := json.patch(dag, [{"op": "replace", "path": "/connections/0/conn_id", "value": "aws_default"}])
	w := {v.msg | some v in pipeline.warn} with input as doc with data.aigis_params as approved
	w == {"task extract uses the default connection aws_default; give pipelines their own connection"}
}

test_python_without_dag if {
	doc := json.patch(dag, [{"op": "replace", "path": "/dags", "value": []}, {"op": "replace", "path": "/tasks", "value": []}])
	rules(doc) == {"pipeline.dag_found"}
}
