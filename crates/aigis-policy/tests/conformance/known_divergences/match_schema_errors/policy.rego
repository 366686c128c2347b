package div.schema

import rego.v1

# OPA returns gojsonschema error objects; regorus returns message strings.
result := json.match_schema(input.doc, {"type": "object", "properties": {"a": {"type": "string"}}})
