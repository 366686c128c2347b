# Datasets (aigis Dataset manifests, kind: Dataset): every dataset has an
# owner, a classification and a retention period, and is not kept past it.
package aigis.dataset

import rego.v1

import data.aigis.lib.params.now_ns
import data.aigis.lib.params.params
import data.aigis.lib.params.present

is_dataset if {
	input.kind == "Dataset"
	startswith(input.apiVersion, "aigis.dev/")
}

default name := "<unnamed>"

name := input.metadata.name if present(input.metadata.name)

deny contains {
	"msg": sprintf("dataset %s: an owner must be set (metadata.owner)", [name]),
	"rule": "dataset.owner",
	"key": ["metadata"],
} if {
	is_dataset
	not owned
}

deny contains {
	"msg": sprintf("dataset %s: classification must be one of %v", [name, params.classifications]),
	"rule": "dataset.classification",
	"key": ["spec", "classification"],
} if {
	is_dataset
	not classified
}

retention_days := input.spec.retention.days

deny contains {
	"msg": sprintf("dataset %s: a retention period must be set (spec.retention.days > 0)", [name]),
	"rule": "dataset.retention",
	"key": ["spec", "retention"],
} if {
	is_dataset
	not valid_retention
}

valid_retention if {
	is_number(retention_days)
	retention_days > 0
}

day_ns := (24 * 3600) * 1000000000

age_days := (now_ns - time.parse_rfc3339_ns(input.spec.created)) / day_ns

deny contains {
	"msg": sprintf("dataset %s: created %s, kept %d days, past its %d-day retention", [name, input.spec.created, floor(age_days), retention_days]),
	"rule": "dataset.retention_exceeded",
	"key": ["spec", "created"],
} if {
	is_dataset
	valid_retention
	age_days > retention_days
}

warn contains {
	"msg": sprintf("dataset %s: no creation time (spec.created), retention cannot be checked", [name]),
	"rule": "dataset.retention_exceeded",
	"key": ["spec"],
} if {
	is_dataset
	valid_retention
	not has_created
}

# OPA makes `not f(x.missing)` undefined rather than true, so tests of
# possibly missing fields are rules of their own.
owned if present(input.metadata.owner)

classified if input.spec.classification in params.classifications

has_created if present(input.spec.created)

allow if {
	is_dataset
	count(deny) == 0
}
