package conf.yaml11
import rego.v1
doc := yaml.unmarshal("a: y\nb: on\nc: 'yes'\nd: no\n")
