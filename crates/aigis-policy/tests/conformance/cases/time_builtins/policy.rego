package conf.time
import rego.v1
ns := time.parse_rfc3339_ns(input.ts)
created_ns := time.parse_rfc3339_ns(input.created)
date := time.date(ns)
clock := time.clock(ns)
weekday := time.weekday(ns)
date_tz := time.date([ns, "Europe/Berlin"])
clock_tz := time.clock([ns, "America/New_York"])
weekday_tz := time.weekday([ns, "Asia/Tokyo"])
added := time.add_date(created_ns, 1, 0, 0)
added_date := time.date(added)
diff := time.diff(ns, created_ns)
dur := time.parse_duration_ns(input.dur)
parsed := time.parse_ns("2006-01-02", "2025-12-31")
formatted := time.format([ns, "UTC", "2006-01-02 15:04"])
formatted_rfc := time.format(ns)
is_after := ns > created_ns
