package aigis.dataset_test

import rego.v1

import data.aigis.dataset

good := {
	"apiVersion": "aigis.dev/v1",
	"kind": "Dataset",
	"metadata": {"name": "claims", "owner": "risk"},
	"spec": {
		"classification": "restricted",
		"retention": {"days": 365},
		"created": "2026-01-01T00:00:00Z",
		"location": "s3://acme-curated/claims/",
	},
}

at(now) := {"now": now}

rules(doc, now) := r if {
	r := {v.rule | some v in dataset.deny} with input as doc
		with data.aigis_params as at(now)
}

test_good_dataset_is_allowed if {
	rules(good, "2026-06-01T00:00:00Z") == set()
	dataset.allow with input as good with data.aigis_params as at("2026-06-01T00:00:00Z")
}

test_owner_required if {
	rules(json.patch(good, [{"op": "remove", "path": "/metadata/owner"}]), "2026-06-01T00:00:00Z") == {"dataset.owner"}
}

test_classification_required if {
	rules(json.patch(good, [{"op": "remove", "path": "/spec/classification"}]), "2026-06-01T00:00:00Z") == {"dataset.classification"}
	rules(json.patch(good, [{"op": "replace", "path": "/spec/classification", "value": "top"}]), "2026-06-01T00:00:00Z") == {"dataset.classification"}
}

test_classification_levels_from_params if {
	r := {v.rule | some v in dataset.deny} with input as good
		with data.aigis_params as {"now": "2026-06-01T00:00:00Z", "classifications": ["public", "internal"]}
	r == {"dataset.classification"}
}

test_retention_required if {
	rules(json.patch(good, [{"op": "remove", "path": "/spec/retention"}]), "2026-06-01T00:00:00Z") == {"dataset.retention"}
	rules(json.patch(good, [{"op": "replace", "path": "/spec/retention/days", "value": -1}]), "2026-06-01T00:00:00Z") == {"dataset.retention"}
}

test_retention_exceeded_depends_on_now if {
	rules(good, "2026-12-31T00:00:00Z") == set()
	rules(good, "2027-01-02T00:00:00Z") == {"dataset.retention_exceeded"}
	msgs := {v.msg | some v in dataset.deny} with input as good with data.aigis_params as at("2027-03-01T00:00:00Z")
	msgs == {"dataset claims: created 2026-01-01T00:00:00Z, kept 424 days, past its 365-day retention"}
}

test_missing_creation_time_warns if {
	doc := json.patch(good, [{"op": "remove", "path": "/spec/created"}])
	w := {v.rule | some v in dataset.warn} with input as doc with data.aigis_params as at("2026-06-01T00:00:00Z")
	w == {"dataset.retention_exceeded"}
}
