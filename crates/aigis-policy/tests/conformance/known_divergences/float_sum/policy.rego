package conf.floats
import rego.v1
float_cmp := 0.1 + 0.2 == 0.3
