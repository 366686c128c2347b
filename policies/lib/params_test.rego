package aigis.lib.params_test

import rego.v1

import data.aigis.lib.params

test_defaults_without_data if {
	params.params.allowed_storage_prefixes == []
	params.params.max_requests_per_minute == 0
}

test_data_overrides_defaults if {
	p := params.params with data.aigis_params as {"allowed_storage_prefixes": ["s3://a/"]}
	p.allowed_storage_prefixes == ["s3://a/"]
	p.classifications == ["public", "internal", "confidential", "restricted"]
}

test_now_from_params if {
	n := params.now_ns with data.aigis_params as {"now": "2026-01-01T00:00:00Z"}
	n == 1767225600000000000
}

test_as_array if {
	params.as_array([1]) == [1]
	params.as_array({"a": 1}) == [{"a": 1}]
	params.as_array("x") == []
}

test_present if {
	params.present("x")
	not params.present("  ")
	not params.present(1)
}
