package conf.rules
import rego.v1
insecure contains s.name if {
	some s in input.servers
	s.proto == "http"
}
ports[s.name] := s.port if some s in input.servers
port_list := [p | some s in input.servers; p := s.port]
by_proto[proto] := names if {
	some s in input.servers
	proto := s.proto
	names := {n | some t in input.servers; t.proto == proto; n := t.name}
}
first_https := s.name if {
	some s in input.servers
	s.proto == "https"
}
double(x) := x * 2
doubled := [double(s.port) | some s in input.servers]
undefined_rule if input.nothing
negated if not input.nothing
count_insecure := count(insecure)
multi.level.value := 1
multi.level.other := 2
str_keys := {"a-b": 1, "c d": 2}
lookup := str_keys["a-b"]
nested_some := [[x, y] | some x in [1, 2]; some y in ["a"]]
