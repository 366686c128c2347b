//! SARIF 2.1.0 for code-scanning dashboards: one result per failure or
//! warning, located at file and line when known.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::check::{CheckReport, Severity};

/// The check report as a SARIF 2.1.0 log.
pub fn check_sarif(report: &CheckReport) -> Value {
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    let mut results = Vec::new();
    for doc in &report.documents {
        for v in &doc.results {
            let rule_id =
                v.id.clone()
                    .unwrap_or_else(|| format!("{}.{}", v.namespace, v.rule));
            rules.entry(rule_id.clone()).or_insert_with(|| {
                json!({
                    "id": rule_id,
                    "shortDescription": {"text": format!("{} {} rule", v.namespace, v.rule)},
                })
            });
            let level = match v.severity {
                Severity::Failure | Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut region = serde_json::Map::new();
            if let Some(line) = v.line {
                region.insert("startLine".into(), json!(line));
            }
            let mut physical = json!({"artifactLocation": {"uri": uri(&doc.path)}});
            if !region.is_empty()
                && let Some(obj) = physical.as_object_mut()
            {
                obj.insert("region".into(), Value::Object(region));
            }
            results.push(json!({
                "ruleId": rule_id,
                "level": level,
                "message": {"text": v.message},
                "locations": [{"physicalLocation": physical}],
            }));
        }
    }
    for f in &report.load_failures {
        results.push(json!({
            "ruleId": "aigis.load_error",
            "level": "error",
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&f.path)}}}],
        }));
        rules.entry("aigis.load_error".into()).or_insert_with(|| {
            json!({"id": "aigis.load_error", "shortDescription": {"text": "input file did not parse"}})
        });
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "aigis",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.into_values().collect::<Vec<_>>(),
            }},
            "results": results,
        }],
    })
}

/// Relative paths stay relative (SARIF resolves them against the checkout);
/// separators become `/`.
fn uri(path: &str) -> String {
    path.replace('\\', "/")
}
