package conf.control
import rego.v1
default role_level := 0
role_level := 3 if "admin" in input.user.roles
else := 2 if "editor" in input.user.roles
else := 1 if "viewer" in input.user.roles
all_ok if {
	every item in input.items {
		item.ok == true
	}
}
mixed_ok if {
	every item in input.mixed {
		item.ok
	}
}
empty_every if {
	every x in [] {
		x == 1
	}
}
every_kv if {
	every k, v in {"a": 1, "b": 2} {
		is_string(k)
		v > 0
	}
}
allow if input.user.name == "admin"
as_admin if {
	allow with input.user.name as "admin"
}
as_data := x if {
	x := limit with data.conf.control.config as {"max": 99}
}
config := {"max": 10}
limit := config.max
admin_level := x if {
	x := role_level with input.user.roles as ["admin", "viewer"]
}
mocked := x if {
	x := count("abc") with count as mock_count
}
mock_count(_) := 100
grade(n) := "high" if n >= 90
else := "mid" if n >= 50
else := "low"
grades := [grade(95), grade(50), grade(3)]
