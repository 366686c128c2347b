package aigis.model_test

import rego.v1

import data.aigis.model

good := {
	"apiVersion": "aigis.dev/v1",
	"kind": "Model",
	"metadata": {"name": "churn", "version": "3", "owner": "ml"},
	"spec": {
		"stage": "production",
		"trainedOn": [
			{"name": "features", "classification": "internal", "vetted": true, "quarantined": false, "owner": "data"},
			{"name": "labels", "classification": "confidential", "vetted": true, "owner": "data"},
		],
		"reports": {"evaluation": "reports/eval.json", "fairness": "reports/fairness.json"},
	},
}

rules(doc) := {v.rule | some v in model.deny with input as doc}

test_good_model_is_allowed if {
	rules(good) == set()
	model.allow with input as good
}

test_other_kinds_are_ignored if {
	rules({"kind": "Endpoint", "apiVersion": "aigis.dev/v1"}) == set()
}

test_training_data_must_be_declared if {
	rules(json.patch(good, [{"op": "remove", "path": "/spec/trainedOn"}])) == {"model.training_data_declared"}
}

test_unclassified_dataset if {
	rules(json.patch(good, [{"op": "remove", "path": "/spec/trainedOn/0/classification"}])) == {"model.dataset_classified"}
	rules(json.patch(good, [{"op": "replace", "path": "/spec/trainedOn/0/classification", "value": "secret-ish"}])) == {"model.dataset_classified"}
}

test_unvetted_or_quarantined_dataset if {
	rules(json.patch(good, [{"op": "replace", "path": "/spec/trainedOn/1/vetted", "value": false}])) == {"model.dataset_vetted"}
	rules(json.patch(good, [{"op": "replace", "path": "/spec/trainedOn/0/quarantined", "value": true}])) == {"model.dataset_vetted"}
}

test_dataset_owner if {
	rules(json.patch(good, [{"op": "remove", "path": "/spec/trainedOn/1/owner"}])) == {"model.dataset_owner"}
}

test_reports_attached if {
	rules(json.patch(good, [{"op": "remove", "path": "/spec/reports/fairness"}])) == {"model.fairness_report"}
	rules(json.patch(good, [{"op": "remove", "path": "/spec/reports"}])) == {"model.evaluation_report", "model.fairness_report"}
}

test_message_names_the_dataset if {
	msgs := {v.msg | some v in model.deny} with input as json.patch(good, [{"op": "replace", "path": "/spec/trainedOn/1/vetted", "value": false}])
	msgs == {"model churn: dataset labels is not vetted (vetted: true)"}
}
