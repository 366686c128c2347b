//! `date_shift` with `subject_column`: every date of one data subject moves
//! by the same number of days, across records and files; a subject column
//! the table does not have is a clear error.

use crate::wsutil::Ws;

/// Days since 1970-01-01 of an ISO `YYYY-MM-DD` date.
fn day_number(iso: &str) -> i64 {
    let mut parts = iso.split('-').map(|p| p.parse::<i64>().unwrap());
    let (y, m, d) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (customer, original day, masked day) per data row of `input`/`output`.
fn shifts(input: &str, output: &str) -> Vec<(String, i64, i64)> {
    input
        .lines()
        .skip(1)
        .zip(output.lines().skip(1))
        .map(|(a, b)| {
            let a: Vec<&str> = a.split(',').collect();
            let b: Vec<&str> = b.split(',').collect();
            (a[0].to_string(), day_number(a[1]), day_number(b[1]))
        })
        .collect()
}

const RULES: &str =
    "subject_column = \"customer_id\"\n[entities.DATE_TIME]\noperator = \"date_shift\"\n";

#[test]
fn one_shift_per_subject_across_records_and_files() {
    let ws = Ws::new();
    let mut a = String::from("customer_id,visit_date\n");
    let mut b = String::from("customer_id,visit_date\n");
    for c in 0..40 {
        for k in 0..3 {
            let day = 1 + (c * 7 + k * 9) % 27;
            a.push_str(&format!("C{:04},2024-03-{day:02}\n", 1000 + c));
        }
        b.push_str(&format!("C{:04},2023-11-05\n", 1000 + c));
    }
    crate::wsutil::write(ws.dir.path().join("a.csv"), &a).unwrap();
    crate::wsutil::write(ws.dir.path().join("b.csv"), &b).unwrap();
    crate::wsutil::write(ws.dir.path().join("rules.toml"), RULES).unwrap();
    for (i, o) in [("a.csv", "a.out.csv"), ("b.csv", "b.out.csv")] {
        ws.cmd()
            .args(["mask", i, "-o", o, "--rules", "rules.toml", "-q"])
            .assert()
            .success();
    }
    let read = |n: &str| std::fs::read_to_string(ws.dir.path().join(n)).unwrap();
    let mut by_subject = std::collections::BTreeMap::new();
    for (file_in, file_out) in [("a.csv", "a.out.csv"), ("b.csv", "b.out.csv")] {
        for (customer, before, after) in shifts(&read(file_in), &read(file_out)) {
            let shift = after - before;
            assert!(shift != 0 && shift.abs() <= 30, "{customer}: {shift}");
            let first = *by_subject.entry(customer.clone()).or_insert(shift);
            assert_eq!(first, shift, "{customer}: one shift for all its dates");
        }
    }
    assert_eq!(by_subject.len(), 40);
    let distinct: std::collections::BTreeSet<i64> = by_subject.values().copied().collect();
    assert!(
        distinct.len() > 10,
        "subjects get different shifts: {distinct:?}"
    );
}

#[test]
fn a_subject_column_the_table_lacks_is_an_error() {
    let ws = Ws::new();
    crate::wsutil::write(
        ws.dir.path().join("in.csv"),
        "patient,visit_date\nP1,2024-03-01\n",
    )
    .unwrap();
    crate::wsutil::write(ws.dir.path().join("rules.toml"), RULES).unwrap();
    ws.cmd()
        .args(["mask", "in.csv", "-o", "out.csv", "--rules", "rules.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "subject_column \"customer_id\" is not a column",
        ));
    assert!(!ws.dir.path().join("out.csv").exists());
}
