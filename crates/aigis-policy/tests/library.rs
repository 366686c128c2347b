//! The built-in library's own Rego tests pass under aigis, and (except the
//! package that uses aigis.secrets, which OPA does not have) give the same
//! results under the real OPA engine.

mod common;

use aigis_policy::{Engine, EngineOptions, PolicyBundle, TestFiles, TestOutcome, run_tests};
use serde_json::Value;

#[test]
fn every_library_test_passes_under_aigis() {
    // The default options carry aigis-detect's secret recognizers, which
    // policies/secrets tests rely on.
    let options = EngineOptions {
        coverage: true,
        ..EngineOptions::default()
    };
    let engine = Engine::new(
        &PolicyBundle::builtin(TestFiles::Include),
        &Value::Null,
        &options,
    )
    .expect("library compiles");
    let report = run_tests(&engine, None);
    assert!(
        report.tests.len() >= 40,
        "only {} tests",
        report.tests.len()
    );
    let bad: Vec<String> = report
        .tests
        .iter()
        .filter(|t| t.outcome != TestOutcome::Pass)
        .map(|t| format!("{}.{}: {:?} {:?}", t.package, t.name, t.outcome, t.error))
        .collect();
    assert!(bad.is_empty(), "failing library tests:\n{}", bad.join("\n"));
    // Every rule file is exercised by its tests.
    for c in &report.coverage {
        assert!(
            c.percent >= 80.0,
            "{} only {:.1}% covered",
            c.file,
            c.percent
        );
    }
}

#[test]
fn library_tests_give_the_same_results_under_opa() {
    let Some(interop) = common::interop() else {
        return;
    };
    let root = common::repo_root();
    // aigis.secrets is aigis-only: policies/secrets is left out here.
    let dirs = ["lib", "endpoint", "model", "data", "terraform", "pipeline"];
    let mut cmd = interop.python();
    cmd.arg(root.join("crates/aigis-policy/tests/conformance/opa_tests.py"));
    for d in dirs {
        cmd.arg(root.join("policies").join(d));
    }
    let out = cmd.output().expect("run opa_tests.py");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let opa: serde_json::Map<String, Value> =
        serde_json::from_slice(&out.stdout).expect("opa_tests.py prints JSON");
    assert!(opa.len() >= 35, "OPA ran only {} tests", opa.len());

    let mut bundle = PolicyBundle::new();
    for d in dirs {
        bundle
            .add_path(&root.join("policies").join(d), TestFiles::Include)
            .unwrap();
    }
    let engine = Engine::new(&bundle, &Value::Null, &EngineOptions::default()).unwrap();
    for (rule, want) in &opa {
        let mut e = engine.clone();
        let got = match e.eval_rule(rule) {
            Ok(Some(v)) => v,
            Ok(None) => Value::String("undefined".into()),
            Err(err) => Value::String(format!("error: {err}")),
        };
        assert_eq!(&got, want, "{rule}: aigis {got} vs OPA {want}");
    }
}
