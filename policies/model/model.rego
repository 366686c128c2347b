# Models (aigis Model manifests, kind: Model): trained only on datasets that
# are classified and vetted (not quarantined, owner set), with evaluation
# and fairness reports attached.
package aigis.model

import rego.v1

import data.aigis.lib.params.params
import data.aigis.lib.params.present

is_model if {
	input.kind == "Model"
	startswith(input.apiVersion, "aigis.dev/")
}

default name := "<unnamed>"

name := input.metadata.name if present(input.metadata.name)

datasets := object.get(input.spec, "trainedOn", [])

deny contains {
	"msg": sprintf("model %s: the datasets it was trained on must be listed (spec.trainedOn)", [name]),
	"rule": "model.training_data_declared",
	"key": ["spec", "trainedOn"],
} if {
	is_model
	count(datasets) == 0
}

ds_name(ds) := ds.name if present(ds.name)

ds_name(ds) := sprintf("#%d", [i]) if {
	not named(ds)
	some i, d in datasets
	d == ds
}

deny contains {
	"msg": sprintf("model %s: dataset %s has no classification among %v", [name, ds_name(ds), params.classifications]),
	"rule": "model.dataset_classified",
	"key": ["spec", "trainedOn", i, "classification"],
} if {
	is_model
	some i, ds in datasets
	not classified(ds)
}

deny contains {
	"msg": sprintf("model %s: dataset %s is not vetted (vetted: true)", [name, ds_name(ds)]),
	"rule": "model.dataset_vetted",
	"key": ["spec", "trainedOn", i, "vetted"],
} if {
	is_model
	some i, ds in datasets
	not ds.vetted == true
}

deny contains {
	"msg": sprintf("model %s: dataset %s is quarantined", [name, ds_name(ds)]),
	"rule": "model.dataset_vetted",
	"key": ["spec", "trainedOn", i, "quarantined"],
} if {
	is_model
	some i, ds in datasets
	ds.quarantined == true
}

deny contains {
	"msg": sprintf("model %s: dataset %s has no owner", [name, ds_name(ds)]),
	"rule": "model.dataset_owner",
	"key": ["spec", "trainedOn", i],
} if {
	is_model
	some i, ds in datasets
	not owned(ds)
}

deny contains {
	"msg": sprintf("model %s: an evaluation report must be attached (spec.reports.evaluation)", [name]),
	"rule": "model.evaluation_report",
	"key": ["spec", "reports"],
} if {
	is_model
	not has_report("evaluation")
}

deny contains {
	"msg": sprintf("model %s: a fairness report must be attached (spec.reports.fairness)", [name]),
	"rule": "model.fairness_report",
	"key": ["spec", "reports"],
} if {
	is_model
	not has_report("fairness")
}

# OPA makes `not f(x.missing)` undefined rather than true, so tests of
# possibly missing fields go through helpers that take the whole object.
named(ds) if present(ds.name)

classified(ds) if ds.classification in params.classifications

owned(ds) if present(ds.owner)

has_report(kind) if present(input.spec.reports[kind])

allow if {
	is_model
	count(deny) == 0
}
