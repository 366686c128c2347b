//! Prints findings (with explanations) for each argument. Debug helper.
use aigis_detect::{FieldHint, Scanner};
fn main() {
    let all = Scanner::builder().min_score(0.0).build();
    let s = Scanner::builtin();
    for a in std::env::args().skip(1) {
        println!("== {a}");
        for (f, e) in all.explain(&a, FieldHint::default()) {
            println!("  explain {:?} [{}] {}", f.entity, &a[f.start..f.end], e);
        }
        for f in s.scan(&a, FieldHint::default()) {
            println!(
                "  scan    {:?} [{}] {:.2} {}",
                f.entity,
                &a[f.start..f.end],
                f.score,
                f.recognizer
            );
        }
    }
}
