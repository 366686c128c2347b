package conf.sprintf
import rego.v1
padded := sprintf("%05.2f|%-5s|%5d", [3.14159, "ab", 42])
exp := sprintf("%e %g", [255.5, 255.5])
