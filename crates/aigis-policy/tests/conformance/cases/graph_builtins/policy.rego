package conf.graph
import rego.v1
g := {k: {x | some x in v} | some k, v in input.deps}
from_raw := graph.reachable(g, {"raw"})
from_clean := graph.reachable(g, ["clean"])
paths := graph.reachable_paths(g, {"clean"})
walked := [[p, v] | walk({"a": [1, {"b": 2}]}, [p, v])]
cyclic := graph.reachable({"a": {"b"}, "b": {"c"}, "c": {"a"}}, {"a"})
