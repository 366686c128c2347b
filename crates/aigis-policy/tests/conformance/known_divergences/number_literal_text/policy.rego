package div.numtext

import rego.v1

# OPA keeps the literal text of numbers (1.0 stays "1.0") and prints large
# floats in exponent form; regorus writes 1 and all digits.
marshalled := json.marshal([1.0, 2.5])

formatted := sprintf("%v", [1e21])
