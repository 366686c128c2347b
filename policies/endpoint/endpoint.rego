# Model endpoints (aigis Endpoint manifests, kind: Endpoint): who may
# call them, how, how often, what they serve, and that calls are logged.
package aigis.endpoint

import rego.v1

import data.aigis.lib.params.params
import data.aigis.lib.params.present

is_endpoint if {
	input.kind == "Endpoint"
	startswith(input.apiVersion, "aigis.dev/")
}

default name := "<unnamed>"

name := input.metadata.name if present(input.metadata.name)

deny contains {
	"msg": sprintf("endpoint %s: authentication must be required (spec.auth.required: true)", [name]),
	"rule": "endpoint.auth_required",
	"key": ["spec", "auth", "required"],
} if {
	is_endpoint
	not input.spec.auth.required == true
}

tls_on if input.spec.tls == true

tls_on if input.spec.tls.enabled == true

deny contains {
	"msg": sprintf("endpoint %s: TLS must be on (spec.tls.enabled: true)", [name]),
	"rule": "endpoint.tls",
	"key": ["spec", "tls"],
} if {
	is_endpoint
	not tls_on
}

deny contains {
	"msg": sprintf("endpoint %s: url %s is not https", [name, input.spec.url]),
	"rule": "endpoint.tls",
	"key": ["spec", "url"],
} if {
	is_endpoint
	is_string(input.spec.url)
	not startswith(lower(input.spec.url), "https://")
}

rate_limit := input.spec.rateLimit.requestsPerMinute

deny contains {
	"msg": sprintf("endpoint %s: a rate limit must be set (spec.rateLimit.requestsPerMinute > 0)", [name]),
	"rule": "endpoint.rate_limit",
	"key": ["spec", "rateLimit"],
} if {
	is_endpoint
	not rate_limit_set
}

rate_limit_set if {
	is_number(rate_limit)
	rate_limit > 0
}

deny contains {
	"msg": sprintf("endpoint %s: rate limit %v per minute is above the allowed %v", [name, rate_limit, params.max_requests_per_minute]),
	"rule": "endpoint.rate_limit",
	"key": ["spec", "rateLimit", "requestsPerMinute"],
} if {
	is_endpoint
	rate_limit_set
	params.max_requests_per_minute > 0
	rate_limit > params.max_requests_per_minute
}

deny contains {
	"msg": sprintf("endpoint %s: serves no models (spec.models is empty)", [name]),
	"rule": "endpoint.production_models",
	"key": ["spec", "models"],
} if {
	is_endpoint
	count(object.get(input.spec, "models", [])) == 0
}

deny contains {
	"msg": sprintf("endpoint %s: model %s is in stage %v, only production models may be served", [name, model_name(m), object.get(m, "stage", "<none>")]),
	"rule": "endpoint.production_models",
	"key": ["spec", "models", i, "stage"],
} if {
	is_endpoint
	some i, m in input.spec.models
	not m.stage == "production"
}

deny contains {
	"msg": sprintf("endpoint %s: model %s has no valid aigis signature (signature.status: %v)", [name, model_name(m), object.get(object.get(m, "signature", {}), "status", "<missing>")]),
	"rule": "endpoint.signed_models",
	"key": ["spec", "models", i, "signature"],
} if {
	is_endpoint
	some i, m in input.spec.models
	not signed(m)
}

signed(m) if {
	m.signature.status == "valid"
	m.signature.format == "aigis"
}

model_name(m) := sprintf("%s@%v", [m.name, m.version]) if {
	present(m.name)
	m.version
}

model_name(m) := m.name if {
	present(m.name)
	not versioned(m)
}

model_name(m) := "<unnamed>" if not named(m)

# OPA makes `not f(x.missing)` undefined rather than true, so tests of
# possibly missing fields go through helpers that take the whole object.
named(m) if present(m.name)

versioned(m) if m.version

deny contains {
	"msg": sprintf("endpoint %s: request logging must be on (spec.logging.enabled: true)", [name]),
	"rule": "endpoint.logging",
	"key": ["spec", "logging"],
} if {
	is_endpoint
	not input.spec.logging.enabled == true
}

warn contains {
	"msg": sprintf("endpoint %s: logged prompts and responses are not masked (spec.logging.maskPII: true)", [name]),
	"rule": "endpoint.logging_masked",
	"key": ["spec", "logging"],
} if {
	is_endpoint
	input.spec.logging.enabled == true
	not input.spec.logging.maskPII == true
}

allow if {
	is_endpoint
	count(deny) == 0
}
