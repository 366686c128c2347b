# A team's own rules, loaded next to the built-in library through
# [policy] paths in aigis.toml. They reuse the library's parameters.
package acme.kserve

import rego.v1

import data.aigis.lib.params.params

is_inference_service if input.kind == "InferenceService"

storage_uri := input.spec.predictor.model.storageUri

approved(uri) if {
	some prefix in params.allowed_storage_prefixes
	startswith(uri, prefix)
}

deny contains {
	"msg": sprintf("InferenceService %s loads its model from %s, outside the approved storage", [input.metadata.name, storage_uri]),
	"rule": "acme.kserve.storage",
	"key": ["spec", "predictor", "model", "storageUri"],
} if {
	is_inference_service
	not approved(storage_uri)
}

deny contains {
	"msg": sprintf("InferenceService %s has no owner label", [input.metadata.name]),
	"rule": "acme.kserve.owner",
	"key": ["metadata"],
} if {
	is_inference_service
	not has_owner
}

has_owner if input.metadata.labels.owner
