package conf.collections
import rego.v1
obj_union := object.union(input.a, input.b)
union_n := object.union_n([input.a, input.b, {"x": 9}])
removed := object.remove(input.a, ["x"])
filtered := object.filter(input.a, ["y"])
got := object.get(input.a, ["y", "z"], "none")
got_default := object.get(input.a, "missing", "none")
keys := object.keys(input.a)
subset := object.subset(input.a, {"y": {"z": 2}})
s1 := {x | some x in input.s1}
s2 := {x | some x in input.s2}
inter := s1 & s2
uni := s1 | s2
diff := s1 - s2
inter_all := intersection({s1, s2, {"c"}})
union_all := union({s1, s2})
arr_concat := array.concat(input.list, [9])
arr_slice := array.slice(input.list, 1, 3)
arr_rev := array.reverse(input.list)
sorted := sort(input.list)
set_of := {x | some x in input.list}
comprehension_obj := {k: y | some k, v in input.b; is_number(v); y := v * 10}
nested := [[i, x] | some i, x in input.list; x > 1]
is_types := [is_set(s1), is_array(input.list), is_object(input.a), is_string("s"), is_number(1), is_boolean(false), is_null(null)]
type_names := [type_name(s1), type_name(input.list), type_name(input.a), type_name(1.5), type_name(null)]
walked := [p | walk(input.a, [p, v]); is_number(v)]
