# Parameters of the built-in library, with their defaults.
#
# Teams override them in aigis.toml under [policy.params]; the binary
# passes that table to policies as data.aigis_params. Rules read
# data.aigis.lib.params.params, never data.aigis_params directly.
package aigis.lib.params

import rego.v1

defaults := {
	# Storage URLs DAGs may read or write: a path passes when it starts
	# with one of these. Empty means no storage is approved yet.
	"allowed_storage_prefixes": [],
	# Classification levels a dataset may carry.
	"classifications": ["public", "internal", "confidential", "restricted"],
	# Glob patterns (bucket names) of data buckets; "*" means every bucket.
	"data_bucket_patterns": ["*"],
	# Highest requests-per-minute an endpoint may allow; 0 means no bound.
	"max_requests_per_minute": 0,
	# RFC 3339 time used as "now" (tests, reproducible runs); "" means the
	# clock.
	"now": "",
}

params := object.union(defaults, data.aigis_params) if has_user_params

params := defaults if not has_user_params

# (OPA treats `not is_object(<undefined>)` as undefined, not true, so the
# test is kept in a rule of its own.)
has_user_params if is_object(data.aigis_params)

# Nanoseconds since the epoch, from params.now when set.
now_ns := time.parse_rfc3339_ns(params.now) if params.now != ""

now_ns := time.now_ns() if params.now == ""

# A value as an array: arrays as they are, objects as one-element arrays
# (HCL blocks are arrays, hand-written JSON often objects), else empty.
as_array(x) := x if is_array(x)

as_array(x) := [x] if is_object(x)

as_array(x) := [] if {
	not is_array(x)
	not is_object(x)
}

# True for a non-empty string.
present(x) if {
	is_string(x)
	trim_space(x) != ""
}
