package conf.negation
import rego.v1
present_fn(x) if is_string(x)
not_builtin_missing if not is_string(input.missing)
not_fn_missing if not present_fn(input.missing)
not_ref_missing if not input.missing
not_cmp_missing if not input.missing == 1
not_false_flag if not input.flag
not_builtin_present if not is_number(input.present)
not_in_missing if not input.missing in {"a"}
helper if is_string(input.missing)
not_helper if not helper
