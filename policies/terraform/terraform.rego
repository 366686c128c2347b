# Terraform: object storage holding data is encrypted with a customer-managed
# key, never public, versioned; IAM policies grant no wildcard actions on it.
#
# Works on HCL as aigis loads it (resource.<type>.<name> objects, nested
# blocks as arrays) and on `terraform show -json` plans (planned_values).
package aigis.terraform

import rego.v1

import data.aigis.lib.params.as_array
import data.aigis.lib.params.params
import data.aigis.lib.params.present

# Every managed resource: {type, name, config, key}. `key` points at the
# resource in an HCL file; plan resources carry their address.
resources contains {"type": t, "name": n, "config": c, "key": ["resource", t, n]} if {
	some t, by_name in input.resource
	is_object(by_name)
	some n, c in by_name
	is_object(c)
}

resources contains {"type": r.type, "name": r.name, "config": r.values, "key": ["planned_values"], "address": r.address} if {
	is_object(input.planned_values)
	walk(input.planned_values, [_, r])
	is_object(r)
	r.mode == "managed"
	is_string(r.type)
	is_object(r.values)
}

of_type(t) := [r | some r in resources; r.type == t]

label(r) := r.address if present(r.address)

label(r) := sprintf("%s.%s", [r.type, r.name]) if not has_address(r)

has_address(r) if present(r.address)

# `ref` (an attribute of another resource) names bucket resource `b`:
# an HCL reference (aws_s3_bucket.raw.id / .arn / .bucket) or its name.
refers_to(ref, b) if {
	is_string(ref)
	contains(ref, sprintf("%s.%s.", [b.type, b.name]))
}

refers_to(ref, b) if {
	is_string(ref)
	present(b.config.bucket)
	ref == b.config.bucket
}

refers_to(ref, b) if {
	is_string(ref)
	present(b.config.name)
	ref == b.config.name
}

# --- S3 -------------------------------------------------------------------

cmk_algorithms := {"aws:kms", "aws:kms:dsse"}

cmk_rule(rule) if {
	some d in as_array(rule.apply_server_side_encryption_by_default)
	d.sse_algorithm in cmk_algorithms
	present(d.kms_master_key_id)
	not startswith(d.kms_master_key_id, "alias/aws/")
}

s3_cmk(b) if {
	some c in of_type("aws_s3_bucket_server_side_encryption_configuration")
	refers_to(c.config.bucket, b)
	some rule in as_array(c.config.rule)
	cmk_rule(rule)
}

s3_cmk(b) if {
	some sse in as_array(b.config.server_side_encryption_configuration)
	some rule in as_array(sse.rule)
	cmk_rule(rule)
}

deny contains {
	"msg": sprintf("%s: bucket must be encrypted with a customer-managed KMS key (sse_algorithm aws:kms and kms_master_key_id)", [label(b)]),
	"rule": "terraform.s3_encryption_cmk",
	"key": b.key,
} if {
	some b in of_type("aws_s3_bucket")
	not s3_cmk(b)
}

public_access_flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

s3_public_blocked(b) if {
	some p in of_type("aws_s3_bucket_public_access_block")
	refers_to(p.config.bucket, b)
	every flag in public_access_flags {
		p.config[flag] == true
	}
}

deny contains {
	"msg": sprintf("%s: public access must be blocked (aws_s3_bucket_public_access_block with all four settings true)", [label(b)]),
	"rule": "terraform.s3_public_access",
	"key": b.key,
} if {
	some b in of_type("aws_s3_bucket")
	not s3_public_blocked(b)
}

public_acls := {"public-read", "public-read-write", "authenticated-read"}

deny contains {
	"msg": sprintf("%s: ACL %s makes the bucket public", [label(b), b.config.acl]),
	"rule": "terraform.s3_public_access",
	"key": array.concat(b.key, ["acl"]),
} if {
	some b in of_type("aws_s3_bucket")
	b.config.acl in public_acls
}

deny contains {
	"msg": sprintf("%s: ACL %s makes bucket %s public", [label(a), a.config.acl, label(b)]),
	"rule": "terraform.s3_public_access",
	"key": a.key,
} if {
	some a in of_type("aws_s3_bucket_acl")
	a.config.acl in public_acls
	some b in of_type("aws_s3_bucket")
	refers_to(a.config.bucket, b)
}

s3_versioned(b) if {
	some v in of_type("aws_s3_bucket_versioning")
	refers_to(v.config.bucket, b)
	some vc in as_array(v.config.versioning_configuration)
	vc.status == "Enabled"
}

s3_versioned(b) if {
	some v in as_array(b.config.versioning)
	v.enabled == true
}

deny contains {
	"msg": sprintf("%s: versioning must be enabled (aws_s3_bucket_versioning status Enabled)", [label(b)]),
	"rule": "terraform.s3_versioning",
	"key": b.key,
} if {
	some b in of_type("aws_s3_bucket")
	not s3_versioned(b)
}

# --- GCS ------------------------------------------------------------------

gcs_cmk(g) if {
	some e in as_array(g.config.encryption)
	present(e.default_kms_key_name)
}

deny contains {
	"msg": sprintf("%s: bucket must be encrypted with a customer-managed key (encryption.default_kms_key_name)", [label(g)]),
	"rule": "terraform.gcs_encryption_cmk",
	"key": g.key,
} if {
	some g in of_type("google_storage_bucket")
	not gcs_cmk(g)
}

deny contains {
	"msg": sprintf("%s: public access must be prevented (public_access_prevention = \"enforced\")", [label(g)]),
	"rule": "terraform.gcs_public_access",
	"key": g.key,
} if {
	some g in of_type("google_storage_bucket")
	not g.config.public_access_prevention == "enforced"
}

public_members := {"allUsers", "allAuthenticatedUsers"}

iam_members(r) := {r.config.member} if is_string(r.config.member)

iam_members(r) := {m | some m in r.config.members} if is_array(r.config.members)

deny contains {
	"msg": sprintf("%s: grants %s on bucket %s", [label(r), m, label(g)]),
	"rule": "terraform.gcs_public_access",
	"key": r.key,
} if {
	some r in resources
	r.type in {"google_storage_bucket_iam_member", "google_storage_bucket_iam_binding"}
	some m in iam_members(r)
	m in public_members
	some g in of_type("google_storage_bucket")
	refers_to(r.config.bucket, g)
}

gcs_versioned(g) if {
	some v in as_array(g.config.versioning)
	v.enabled == true
}

deny contains {
	"msg": sprintf("%s: versioning must be enabled (versioning { enabled = true })", [label(g)]),
	"rule": "terraform.gcs_versioning",
	"key": g.key,
} if {
	some g in of_type("google_storage_bucket")
	not gcs_versioned(g)
}

# --- IAM ------------------------------------------------------------------

policy_resource_types := {"aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_s3_bucket_policy"}

# A policy document as an object: jsonencode() in HCL gives one already,
# heredocs and plans give JSON text.
document(p) := p if is_object(p)

document(p) := json.unmarshal(p) if {
	is_string(p)
	json.is_valid(p)
}

# Statements: {actions, resources, effect, key} from policy documents and
# from `data "aws_iam_policy_document"` blocks.
statements contains {"actions": as_list(s.Action), "resources": as_list(s.Resource), "effect": object.get(s, "Effect", "Allow"), "where": label(r), "key": array.concat(r.key, ["policy"])} if {
	some r in resources
	r.type in policy_resource_types
	doc := document(r.config.policy)
	some s in as_array(doc.Statement)
}

statements contains {"actions": as_list(s.actions), "resources": as_list(s.resources), "effect": object.get(s, "effect", "Allow"), "where": sprintf("data.aws_iam_policy_document.%s", [n]), "key": ["data", "aws_iam_policy_document", n]} if {
	some n, d in input.data.aws_iam_policy_document
	some s in as_array(d.statement)
}

as_list(x) := x if is_array(x)

as_list(x) := [x] if is_string(x)

as_list(x) := [] if {
	not is_array(x)
	not is_string(x)
}

wildcard_action(a) if a == "*"

wildcard_action(a) if endswith(a, ":*")

data_bucket_name(name) if {
	some pattern in params.data_bucket_patterns
	glob.match(pattern, ["/"], name)
}

# The resource reaches a data bucket: everything ("*"), an S3 ARN whose
# bucket matches data_bucket_patterns, or a reference to a bucket resource.
on_data_bucket(res) if res == "*"

on_data_bucket(res) if {
	startswith(res, "arn:aws:s3:::")
	bucket := split(trim_prefix(res, "arn:aws:s3:::"), "/")[0]
	data_bucket_name(bucket)
}

on_data_bucket(res) if {
	some b in of_type("aws_s3_bucket")
	refers_to(res, b)
	data_bucket_name(object.get(b.config, "bucket", b.name))
}

deny contains {
	"msg": sprintf("%s: allows wildcard action %s on data bucket resource %s", [s.where, a, res]),
	"rule": "terraform.iam_wildcard_action",
	"key": s.key,
} if {
	some s in statements
	s.effect == "Allow"
	some a in s.actions
	wildcard_action(a)
	some res in s.resources
	on_data_bucket(res)
}
