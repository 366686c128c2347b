package aigis.endpoint_test

import rego.v1

import data.aigis.endpoint

good := {
	"apiVersion": "aigis.dev/v1",
	"kind": "Endpoint",
	"metadata": {"name": "fraud-v2", "owner": "risk"},
	"spec": {
		"url": "https://fraud.internal/v2",
		"auth": {"required": true, "methods": ["jwt"]},
		"tls": {"enabled": true},
		"rateLimit": {"requestsPerMinute": 600},
		"logging": {"enabled": true, "maskPII": true},
		"models": [{
			"name": "fraud",
			"version": "3",
			"stage": "production",
			"signature": {"format": "aigis", "status": "valid"},
		}],
	},
}

rules(doc) := {v.rule | some v in endpoint.deny with input as doc}

test_good_endpoint_is_allowed if {
	count(endpoint.deny) == 0 with input as good
	endpoint.allow with input as good
	count(endpoint.warn) == 0 with input as good
}

test_other_kinds_are_ignored if {
	count(endpoint.deny) == 0 with input as {"kind": "Deployment", "apiVersion": "apps/v1"}
}

test_auth_required if {
	rules(json.patch(good, [{"op": "replace", "path": "/spec/auth/required", "value": false}])) == {"endpoint.auth_required"}
	rules(json.patch(good, [{"op": "remove", "path": "/spec/auth"}])) == {"endpoint.auth_required"}
}

test_tls_only if {
	rules(json.patch(good, [{"op": "replace", "path": "/spec/tls", "value": {"enabled": false}}])) == {"endpoint.tls"}
	rules(json.patch(good, [{"op": "replace", "path": "/spec/tls", "value": true}])) == set()
	rules(json.patch(good, [{"op": "replace", "path": "/spec/url", "value": "http://fraud.internal"}])) == {"endpoint.tls"}
}

test_rate_limit_set if {
	rules(json.patch(good, [{"op": "remove", "path": "/spec/rateLimit"}])) == {"endpoint.rate_limit"}
	rules(json.patch(good, [{"op": "replace", "path": "/spec/rateLimit/requestsPerMinute", "value": 0}])) == {"endpoint.rate_limit"}
}

test_rate_limit_bound_from_params if {
	r := rules(good) with data.aigis_params as {"max_requests_per_minute": 100}
	r == {"endpoint.rate_limit"}
}

test_only_production_models if {
	doc := json.patch(good, [{"op": "replace", "path": "/spec/models/0/stage", "value": "staging"}])
	rules(doc) == {"endpoint.production_models"}
	msgs := {v.msg | some v in endpoint.deny with input as doc}
	msgs == {"endpoint fraud-v2: model fraud@3 is in stage staging, only production models may be served"}
}

test_no_models if {
	rules(json.patch(good, [{"op": "replace", "path": "/spec/models", "value": []}])) == {"endpoint.production_models"}
}

test_models_must_be_signed if {
	rules(json.patch(good, [{"op": "replace", "path": "/spec/models/0/signature/status", "value": "invalid"}])) == {"endpoint.signed_models"}
	rules(json.patch(good, [{"op": "remove", "path": "/spec/models/0/signature"}])) == {"endpoint.signed_models"}
	rules(json.patch(good, [{"op": "replace", "path": "/spec/models/0/signature/format", "value": "cosign"}])) == {"endpoint.signed_models"}
}

test_logging_on if {
	rules(json.patch(good, [{"op": "remove", "path": "/spec/logging"}])) == {"endpoint.logging"}
	w := {v.rule | some v in endpoint.warn} with input as json.patch(good, [{"op": "replace", "path": "/spec/logging/maskPII", "value": false}])
	w == {"endpoint.logging_masked"}
}

test_violations_point_at_keys if {
	some v in endpoint.deny with input as json.patch(good, [{"op": "replace", "path": "/spec/auth/required", "value": false}])
	v.key == ["spec", "auth", "required"]
}
