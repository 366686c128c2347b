# Pipelines (Airflow DAG files as aigis summarises them): storage only under
# approved prefixes, and no credentials written into the code.
#
# The approved prefixes come from data (aigis.toml [policy.params]
# allowed_storage_prefixes), never from the policy itself. Secret values
# found by aigis.secrets are checked in package aigis.secrets.
package aigis.pipeline

import rego.v1

import data.aigis.lib.params.params

is_dag_file if {
	is_array(input.dags)
	is_array(input.tasks)
	is_array(input.storage_paths)
}

allowed(path) if {
	some prefix in params.allowed_storage_prefixes
	startswith(path, prefix)
}

deny contains {
	"msg": sprintf("storage path %s is outside the approved prefixes %v (set [policy.params] allowed_storage_prefixes)", [p.path, params.allowed_storage_prefixes]),
	"rule": "pipeline.storage_prefix",
	"line": p.line,
} if {
	is_dag_file
	some p in input.storage_paths
	not allowed(p.path)
}

deny contains {
	"msg": sprintf("%s is bound to a hardcoded credential; read it from an Airflow connection, variable or secrets backend", [c.name]),
	"rule": "pipeline.hardcoded_credential",
	"line": c.line,
} if {
	is_dag_file
	some c in input.credentials
	c.templated == false
}

warn contains {
	"msg": sprintf("task %v uses the default connection %s; give pipelines their own connection", [t.task_id, conn.conn_id]),
	"rule": "pipeline.default_connection",
	"line": conn.line,
} if {
	is_dag_file
	some conn in input.connections
	endswith(conn.conn_id, "_default")
	some t in input.tasks
	t.line <= conn.line
	not later_task_before(t, conn)
}

# The task whose call contains the connection argument is the last task
# starting at or before it.
later_task_before(t, conn) if {
	some u in input.tasks
	u.line > t.line
	u.line <= conn.line
}

deny contains {
	"msg": "no DAG found in this Python file; aigis checks Airflow DAG files (use --parser to read other Python)",
	"rule": "pipeline.dag_found",
	"line": 1,
} if {
	is_dag_file
	count(input.dags) == 0
	count(input.tasks) == 0
}
