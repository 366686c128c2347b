package conf.net
import rego.v1
contains_ip := net.cidr_contains("10.20.0.0/16", input.ip)
contains_cidr := net.cidr_contains("10.0.0.0/8", "10.20.0.0/16")
intersects := net.cidr_intersects("10.0.0.0/8", "10.20.0.0/16")
no_intersect := net.cidr_intersects("10.0.0.0/8", "192.168.0.0/16")
v6 := net.cidr_contains("2001:db8::/32", input.v6)
expand := net.cidr_expand("192.168.1.0/30")
is_valid := [net.cidr_is_valid("10.0.0.0/8"), net.cidr_is_valid("10.0.0.0/33"), net.cidr_is_valid("nope")]
matches := net.cidr_contains_matches(input.cidrs, ["10.1.2.3", "192.168.1.9", "8.8.8.8"])
merged := net.cidr_merge(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/23"])
