//! Operator throughput: values per second for each operator on realistic
//! values, and bytes per second for `apply_field` on a text with findings.
//!
//! `cargo bench -p aigis-redact --bench operators`

use std::hint::black_box;

use aigis_detect::{Entity, Finding};
use aigis_redact::{
    BuildContext, CharMaskConfig, DateShiftConfig, EmptyConfig, EncryptConfig, FieldContext,
    GeneralizeConfig, HashConfig, KeySet, MaskConfig, OperatorConfig, ReplaceConfig, RuleSet,
    TokenizeConfig, ValueContext,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const N: usize = 1000;

fn keys() -> KeySet {
    KeySet::with(&[("pseudonym", 1, &[7; 32]), ("mask", 1, &[9; 32])])
}

/// `N` distinct values of an entity, shaped like the dev set's.
fn values(entity: &Entity) -> Vec<String> {
    (0..N)
        .map(|i| match entity.as_str() {
            "EMAIL_ADDRESS" => format!("user.{i}@example.com"),
            "PERSON" => format!("Jane{i} Doe"),
            "CREDIT_CARD" => {
                // 15 digits plus a Luhn check digit
                let body = format!("4{:014}", 10_000_000_000_000u64 + i as u64 * 7919);
                let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
                let mut sum = 0;
                for (k, d) in digits.iter().rev().enumerate() {
                    let d = u32::from(*d);
                    sum += if k % 2 == 0 {
                        if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
                    } else {
                        d
                    };
                }
                format!("{body}{}", (10 - sum % 10) % 10)
            }
            "US_SSN" => format!("{:03}-{:02}-{:04}", 100 + i % 600, 10 + i % 80, 1000 + i),
            "IBAN_CODE" => "GB45QRSR57010154112059".to_string(),
            "IP_ADDRESS" => format!("10.{}.{}.{}", i % 256, (i / 7) % 256, (i / 3) % 256),
            "DATE_TIME" => format!("October {}, {}", 1 + i % 28, 1950 + i % 70),
            _ => format!("value-{i}"),
        })
        .collect()
}

fn bench_operators(c: &mut Criterion) {
    let keys = keys();
    let cx = BuildContext::new(&keys);
    let cases: Vec<(&str, OperatorConfig, Entity)> = vec![
        (
            "redact",
            OperatorConfig::Redact(EmptyConfig {}),
            Entity::PERSON,
        ),
        (
            "replace",
            OperatorConfig::Replace(ReplaceConfig::default()),
            Entity::PERSON,
        ),
        (
            "mask",
            OperatorConfig::Mask(CharMaskConfig::default()),
            Entity::EMAIL_ADDRESS,
        ),
        (
            "hash/email",
            OperatorConfig::Hash(HashConfig::default()),
            Entity::EMAIL_ADDRESS,
        ),
        (
            "hash/person",
            OperatorConfig::Hash(HashConfig::default()),
            Entity::PERSON,
        ),
        (
            "encrypt",
            OperatorConfig::Encrypt(EncryptConfig::default()),
            Entity::EMAIL_ADDRESS,
        ),
        (
            "tokenize/card",
            OperatorConfig::Tokenize(TokenizeConfig::default()),
            Entity::CREDIT_CARD,
        ),
        (
            "tokenize/ssn",
            OperatorConfig::Tokenize(TokenizeConfig::default()),
            Entity::US_SSN,
        ),
        (
            "tokenize/iban",
            OperatorConfig::Tokenize(TokenizeConfig::default()),
            Entity::IBAN_CODE,
        ),
        (
            "generalize/ip",
            OperatorConfig::Generalize(GeneralizeConfig::default()),
            Entity::IP_ADDRESS,
        ),
        (
            "generalize/date",
            OperatorConfig::Generalize(GeneralizeConfig::default()),
            Entity::DATE_TIME,
        ),
        (
            "date_shift",
            OperatorConfig::DateShift(DateShiftConfig::default()),
            Entity::DATE_TIME,
        ),
    ];
    let mut group = c.benchmark_group("operator");
    group.throughput(Throughput::Elements(N as u64));
    for (name, config, entity) in cases {
        let op = config.build(&cx).expect("operator builds");
        let vals = values(&entity);
        let mut out = String::with_capacity(256);
        group.bench_function(name, |b| {
            b.iter(|| {
                for (i, v) in vals.iter().enumerate() {
                    out.clear();
                    let subject = if i % 2 == 0 { "subject-a" } else { "subject-b" };
                    let vcx = ValueContext {
                        entity: &entity,
                        subject: Some(subject),
                    };
                    black_box(op.apply(v, &vcx, &mut out));
                }
            })
        });
    }
    group.finish();
}

fn bench_apply_field(c: &mut Criterion) {
    let keys = keys();
    let rules = RuleSet::build(&MaskConfig::defaults(), &keys).expect("defaults build");
    // A support-ticket-like line with four findings, repeated N times.
    let line = "Customer Jane Doe (jane.doe@example.com, card 4111 1111 1111 1111) wrote from 10.1.2.3 about order ORD-2023-172804.";
    let f = |e: Entity, s: &str| {
        let start = line.find(s).expect("in line");
        Finding {
            entity: e,
            start,
            end: start + s.len(),
            score: 0.9,
            recognizer: "bench",
        }
    };
    let findings = vec![
        f(Entity::PERSON, "Jane Doe"),
        f(Entity::EMAIL_ADDRESS, "jane.doe@example.com"),
        f(Entity::CREDIT_CARD, "4111 1111 1111 1111"),
        f(Entity::IP_ADDRESS, "10.1.2.3"),
    ];
    let mut group = c.benchmark_group("apply_field");
    group.throughput(Throughput::Bytes((line.len() * N) as u64));
    let mut out = String::with_capacity(512);
    let mut actions = Vec::with_capacity(8);
    group.bench_function("defaults/4_findings_per_line", |b| {
        b.iter(|| {
            for _ in 0..N {
                out.clear();
                actions.clear();
                black_box(rules.apply_field(
                    line,
                    &findings,
                    &FieldContext::default(),
                    &mut out,
                    &mut actions,
                ));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_operators, bench_apply_field);
criterion_main!(benches);
