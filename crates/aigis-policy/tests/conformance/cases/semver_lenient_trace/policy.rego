package conformance.semver

import rego.v1

# OPA's semver is go-semver: a leading "v", leading zeros and an empty
# pre-release are accepted; pre-release identifiers compare as numbers
# when both are integers.
candidates := [
	"v1.2.3", "V1.2.3", "1.2", "01.2.3", "1.2.3-01", "1.2.3+build",
	"v1.2.3-alpha", "vv1.2.3", " 1.2.3", "1.2.3 ", "v", "1.2.3-alpha.1+b.2",
	"1.2.3-", "1.2.3-a..b", "1.2.3.4", 7,
]

valid := [semver.is_valid(v) | some v in candidates]

ordered := ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "v1.0.0", "1.0.0+b", "10.0.0", "1.0.0--1", "1.0.0-a-b"]

compared := [[a, b, semver.compare(a, b)] |
	some a in ordered
	some b in ordered
]

newest := max({v | some v in input.versions; semver.is_valid(v)})

traced if trace(sprintf("checked %d versions", [count(input.versions)]))
