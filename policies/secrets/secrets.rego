# Secrets written into pipeline code and container configuration, found with
# the aigis.secrets(text) builtin (aigis's secret recognizers). Messages give
# the kind and line, never the value.
#
# OPA has no aigis.secrets builtin, so this package is evaluated by aigis
# only (the OPA conformance tests leave it out).
package aigis.secrets

import rego.v1

kinds(text) := {f.kind | some f in aigis.secrets(text)}

deny contains {
	"msg": sprintf("string literal holds a secret (%s); move it to a secrets backend", [concat(", ", sort(ks))]),
	"rule": "secrets.dag_literal",
	"line": s.line,
} if {
	is_array(input.dags)
	is_array(input.strings)
	some s in input.strings
	ks := kinds(s.value)
	count(ks) > 0
}

deny contains {
	"msg": sprintf("%s %s holds a secret (%s); pass it at run time (build secrets, env at deploy)", [upper(e.cmd), e.name, concat(", ", sort(ks))]),
	"rule": "secrets.dockerfile",
	"line": e.line,
} if {
	is_array(input.instructions)
	some e in input.env
	is_string(e.value)
	ks := kinds(e.value)
	count(ks) > 0
}

deny contains {
	"msg": sprintf("%s holds a secret (%s); keep .env files with real secrets out of the repository", [v.name, concat(", ", sort(ks))]),
	"rule": "secrets.env_file",
	"line": v.line,
} if {
	is_array(input.variables)
	some v in input.variables
	ks := kinds(sprintf("%s=%s", [v.name, v.value]))
	count(ks) > 0
}
