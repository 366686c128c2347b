package conf.misc
import rego.v1
semver_cmp := semver.compare(input.version, input.other)
semver_ok := [semver.is_valid(input.version), semver.is_valid("1.2")]
uuid_parsed := uuid.parse("00000000-0000-1000-8000-000000000000")
uuid_valid := uuid.parse("not-a-uuid")
sprintf_set := sprintf("%v", [{"b", "a"}])
json_sorted := json.marshal({"z": 1, "a": {"y": [3, {"b": 1, "a": 2}]}})
cmp := [1 < 1.5, "a" < "b", [1, 2] < [1, 3], null < false]
equal_num := 1 == 1.0
object_key_num := {1: "a", 1.0: "b"}
trace_ok if {
	print("debug", input.version)
	true
}
