//! Decisions per second: the built-in library compiled once, the endpoint
//! policy evaluated over one endpoint manifest per decision, on one core.
//! `compiled/*` is the bytecode hot path ([`CompiledDecision::decide`]),
//! each decision including the conversion of the JSON input and of the
//! result; `compiled_value/*` converts an owned copy of the input with
//! regorus' serde conversion instead; `interpreter/*` is the tree-walking
//! engine `policy check` uses.
//!
//! `cargo bench -p aigis-policy --bench decisions`

use std::path::Path;

use aigis_policy::{
    CompiledDecision, Engine, EngineOptions, Parser, PolicyBundle, Selection, TestFiles,
    check_document, load_str,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const GOOD: &str = include_str!("../../../examples/policy/good/endpoints.yaml");
const BAD: &str = include_str!("../../../examples/policy/bad/endpoint.yaml");

fn decisions(c: &mut Criterion) {
    let bundle = PolicyBundle::builtin(TestFiles::Exclude);
    let engine = Engine::new(&bundle, &serde_json::Value::Null, &EngineOptions::default())
        .expect("library compiles");
    let good = load_str(Path::new("endpoints.yaml"), GOOD, Parser::Yaml)
        .unwrap()
        .remove(0);
    let bad = load_str(Path::new("endpoint.yaml"), BAD, Parser::Yaml)
        .unwrap()
        .remove(0);

    let mut group = c.benchmark_group("endpoint_policy");
    group.throughput(Throughput::Elements(1));
    let compiled = CompiledDecision::new(&engine, "data.aigis.endpoint.deny").unwrap();
    for (name, doc) in [("allowed", &good), ("denied", &bad)] {
        let mut d = compiled.clone();
        group.bench_function(format!("compiled/{name}"), |b| {
            b.iter(|| d.decide(&doc.input).unwrap())
        });
    }
    // The same decisions through regorus' serde conversion of an owned
    // copy of the input.
    for (name, doc) in [("allowed", &good), ("denied", &bad)] {
        let mut d = compiled.clone();
        group.bench_function(format!("compiled_value/{name}"), |b| {
            b.iter(|| {
                d.decide_value(regorus::Value::from(doc.input.clone()))
                    .unwrap()
            })
        });
    }
    for (name, doc) in [("allowed", &good), ("denied", &bad)] {
        let mut e = engine.clone();
        group.bench_function(format!("interpreter/{name}"), |b| {
            b.iter(|| {
                e.set_input(&doc.input);
                e.eval_rule("data.aigis.endpoint.deny").unwrap()
            })
        });
    }
    let selection = Selection {
        namespaces: vec!["aigis.endpoint".into()],
        ..Selection::default()
    };
    let mut e = engine.clone();
    group.bench_function("check_document/denied", |b| {
        b.iter(|| check_document(&mut e, &bad, &selection))
    });
    group.finish();

    let mut group = c.benchmark_group("whole_library");
    group.throughput(Throughput::Elements(1));
    let all = Selection::default();
    let mut e = engine.clone();
    group.bench_function("check_document/endpoint", |b| {
        b.iter(|| check_document(&mut e, &bad, &all))
    });
    group.finish();
}

criterion_group!(benches, decisions);
criterion_main!(benches);
