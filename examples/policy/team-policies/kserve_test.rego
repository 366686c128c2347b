package acme.kserve_test

import rego.v1

import data.acme.kserve

svc(uri) := {
	"kind": "InferenceService",
	"metadata": {"name": "churn", "labels": {"owner": "growth"}},
	"spec": {"predictor": {"model": {"storageUri": uri}}},
}

params := {"allowed_storage_prefixes": ["s3://acme-curated/"]}

test_approved_storage_passes if {
	count(kserve.deny) == 0 with input as svc("s3://acme-curated/models/x/") with data.aigis_params as params
}

test_other_storage_is_denied if {
	r := {v.rule | some v in kserve.deny} with input as svc("s3://acme-scratch/x/") with data.aigis_params as params
	r == {"acme.kserve.storage"}
}

test_owner_label_required if {
	doc := json.remove(svc("s3://acme-curated/x/"), ["metadata/labels"])
	r := {v.rule | some v in kserve.deny} with input as doc with data.aigis_params as params
	r == {"acme.kserve.owner"}
}
