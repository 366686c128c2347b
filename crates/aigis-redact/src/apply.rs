//! Applying the rules to one field: its text and the scanner's findings in
//! it become the masked text and one [`Action`] per transformed span.
//!
//! Overlapping findings (the scanner may report a phone number inside a
//! URL, two recognizers on one span) are merged into one span covering all
//! of them, so no part of any of them survives; the operator is the one for
//! the group's winner: highest score, then the longest span, then the
//! earliest start, then the entity name; a finding whose rule is `keep`
//! wins only when every finding of the group is kept. Findings that only touch
//! (`end == next.start`) are separate spans. Offsets that are out of range
//! or inside a UTF-8 character are widened to the enclosing characters,
//! never narrowed. The result depends only on the text and the set of
//! findings, not on their order.

use aigis_detect::{Entity, Finding};

use crate::RedactError;
use crate::operator::{Effect, OperatorKind, ValueContext};
use crate::rules::{RuleKind, RuleSet};

/// What the pipeline knows about the field being masked.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldContext<'a> {
    /// Column name of a table cell or last key of a JSON path; `None` for
    /// plain text. Column rules match on it.
    pub column: Option<&'a str>,
    /// Data subject of the record, for `date_shift`.
    pub subject: Option<&'a str>,
}

/// One transformed span of a field, for the report and the quarantine.
/// Positions only: the original value is `text[start..end]` of the field the
/// caller still holds, and is never copied here.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Entity of the winning finding.
    pub entity: Entity,
    /// Operator that produced the output (the fallback's if it ran).
    pub operator: OperatorKind,
    /// Which rule chose the operator.
    pub rule: RuleKind,
    /// The rule's operator and why, when its fallback ran instead.
    pub fallback: Option<(OperatorKind, RedactError)>,
    /// What the caller must do beyond the text.
    pub effect: Effect,
    /// Byte span in the input field (after widening to characters).
    pub start: usize,
    /// End of the input span (exclusive).
    pub end: usize,
    /// Byte span of the replacement in `out` (absolute in the buffer given).
    pub out_start: usize,
    /// End of the replacement in `out` (exclusive).
    pub out_end: usize,
    /// Findings merged into this span (1 when none overlapped).
    pub findings: usize,
    /// Score of the winning finding.
    pub score: f32,
}

/// What a field's actions mean for the field and its record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldOutcome {
    /// Some span was transformed (not only kept).
    pub changed: bool,
    /// A `drop` rule matched: drop the field (column).
    pub drop_field: bool,
    /// A `suppress` rule matched: leave the record out.
    pub suppress_record: bool,
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// A group of overlapping findings and its winner.
struct Group {
    start: usize,
    end: usize,
    winner: usize,
    count: usize,
}

/// Whether finding `a` beats finding `b` as the operator's choice.
fn beats(a: &Finding, b: &Finding) -> bool {
    use std::cmp::Ordering::*;
    match a.score.total_cmp(&b.score) {
        Greater => return true,
        Less => return false,
        Equal => {}
    }
    let (la, lb) = (a.end.saturating_sub(a.start), b.end.saturating_sub(b.start));
    if la != lb {
        return la > lb;
    }
    if a.start != b.start {
        return a.start < b.start;
    }
    a.entity.as_str() < b.entity.as_str()
}

impl RuleSet {
    /// Masks one field: appends `text` to `out` with every finding's span
    /// replaced by its operator's output, appends one [`Action`] per span to
    /// `actions`, and says whether the field or record must go.
    ///
    /// `findings` are byte spans into `text`, in any order, possibly
    /// overlapping. With no findings the text is copied unchanged.
    pub fn apply_field(
        &self,
        text: &str,
        findings: &[Finding],
        cx: &FieldContext<'_>,
        out: &mut String,
        actions: &mut Vec<Action>,
    ) -> FieldOutcome {
        let mut outcome = FieldOutcome::default();
        if findings.is_empty() {
            out.push_str(text);
            return outcome;
        }
        // Widened spans, sorted by start then longest first.
        let mut spans: Vec<(usize, usize, usize)> = findings
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let s = floor_boundary(text, f.start.min(f.end));
                let e = ceil_boundary(text, f.end.max(f.start));
                (s, e, i)
            })
            .filter(|(s, e, _)| s < e)
            .collect();
        spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));

        // A `keep` rule wins a group only if every finding in it is kept:
        // keeping the merged span would otherwise leave another finding.
        let kept = |i: usize| {
            let op = self.operator_for(cx.column, &findings[i].entity).0;
            matches!(op.kind(), OperatorKind::Keep)
        };
        let mut groups: Vec<Group> = Vec::new();
        for (s, e, i) in spans {
            match groups.last_mut() {
                Some(g) if s < g.end => {
                    g.end = g.end.max(e);
                    g.count += 1;
                    let (new_kept, old_kept) = (kept(i), kept(g.winner));
                    if (old_kept && !new_kept)
                        || (old_kept == new_kept && beats(&findings[i], &findings[g.winner]))
                    {
                        g.winner = i;
                    }
                }
                _ => groups.push(Group {
                    start: s,
                    end: e,
                    winner: i,
                    count: 1,
                }),
            }
        }

        let mut pos = 0;
        for g in groups {
            out.push_str(text.get(pos..g.start).unwrap_or(""));
            let winner = &findings[g.winner];
            let (op, rule) = self.operator_for(cx.column, &winner.entity);
            let vcx = ValueContext {
                entity: &winner.entity,
                subject: cx.subject,
            };
            let out_start = out.len();
            let applied = op.apply(text.get(g.start..g.end).unwrap_or(""), &vcx, out);
            match applied.effect {
                Effect::Transformed => outcome.changed = true,
                Effect::Kept => {}
                Effect::DropField => outcome.drop_field = true,
                Effect::SuppressRecord => outcome.suppress_record = true,
            }
            actions.push(Action {
                entity: winner.entity.clone(),
                operator: applied.operator,
                rule,
                fallback: applied.fallback,
                effect: applied.effect,
                start: g.start,
                end: g.end,
                out_start,
                out_end: out.len(),
                findings: g.count,
                score: winner.score,
            });
            pos = g.end;
        }
        out.push_str(text.get(pos..).unwrap_or(""));
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Layer, MaskConfig, RulesSource};

    fn f(entity: Entity, start: usize, end: usize, score: f32) -> Finding {
        Finding {
            entity,
            start,
            end,
            score,
            recognizer: "test",
        }
    }

    fn rules(extra: &str) -> RuleSet {
        let keys = crate::operator::test_support::keys();
        let src = RulesSource::new(None, extra.into());
        let cfg = src.parse().unwrap();
        RuleSet::resolve(
            &[Layer {
                config: &cfg,
                source: Some(&src),
            }],
            &keys,
            None,
        )
        .unwrap()
    }

    fn run(
        r: &RuleSet,
        text: &str,
        fs: &[Finding],
        cx: FieldContext<'_>,
    ) -> (String, Vec<Action>, FieldOutcome) {
        let mut out = String::new();
        let mut actions = Vec::new();
        let o = r.apply_field(text, fs, &cx, &mut out, &mut actions);
        (out, actions, o)
    }

    #[test]
    fn replaces_spans_and_reports_positions() {
        let r = rules("");
        let text = "Call Jane Doe at 10.0.0.7 or see 123 Main St.";
        let fs = [
            f(Entity::PERSON, 5, 13, 0.9),
            f(Entity::IP_ADDRESS, 17, 25, 0.95),
            f(Entity::LOCATION, 33, 44, 0.7),
        ];
        let (out, actions, o) = run(&r, text, &fs, FieldContext::default());
        assert!(out.starts_with("Call tok_v1_"), "{out}");
        assert!(out.ends_with(" at 10.0.0.0/24 or see <LOCATION>."), "{out}");
        assert!(o.changed && !o.drop_field && !o.suppress_record);
        assert_eq!(actions.len(), 3);
        for a in &actions {
            assert_eq!(a.findings, 1);
            assert!(!out[a.out_start..a.out_end].contains(&text[a.start..a.end]));
        }
        assert_eq!(&out[actions[2].out_start..actions[2].out_end], "<LOCATION>");
        assert_eq!((actions[1].start, actions[1].end), (17, 25));
    }

    #[test]
    fn overlaps_merge_and_the_winner_is_deterministic() {
        let r = rules("");
        let text = "see https://x.com/?p=555-123-4567 now";
        let url = f(Entity::URL, 4, 33, 0.6);
        let phone = f(Entity::PHONE_NUMBER, 21, 33, 0.8);
        let (out1, a1, _) = run(
            &r,
            text,
            &[url.clone(), phone.clone()],
            FieldContext::default(),
        );
        let (out2, a2, _) = run(&r, text, &[phone, url], FieldContext::default());
        assert_eq!(out1, out2);
        assert_eq!(a1, a2);
        assert_eq!(a1.len(), 1);
        assert_eq!((a1[0].start, a1[0].end, a1[0].findings), (4, 33, 2));
        assert_eq!(a1[0].entity, Entity::PHONE_NUMBER);
        assert!(
            out1.starts_with("see tok_v1_") && out1.ends_with(" now"),
            "{out1}"
        );
        assert!(!out1.contains("555"));
    }

    #[test]
    fn keep_never_wins_over_a_transformed_overlap() {
        let r = rules("[entities.PERSON]\noperator = \"keep\"\n");
        let text = "mail jane.doe@example.com";
        let person = f(Entity::PERSON, 5, 13, 0.99);
        let email = f(Entity::EMAIL_ADDRESS, 5, 25, 0.5);
        let (out, actions, o) = run(&r, text, &[person.clone(), email], FieldContext::default());
        assert_eq!(actions.len(), 1);
        assert_eq!(actions[0].operator, OperatorKind::Hash);
        assert!(o.changed && !out.contains("jane"), "{out}");
        // alone, the kept finding is kept
        let (out, actions, _) = run(&r, text, &[person], FieldContext::default());
        assert_eq!((out.as_str(), actions[0].effect), (text, Effect::Kept));
    }

    #[test]
    fn adjacent_findings_stay_separate() {
        let r = rules("");
        let (out, actions, _) = run(
            &r,
            "AB",
            &[f(Entity::URL, 0, 1, 0.5), f(Entity::LOCATION, 1, 2, 0.5)],
            FieldContext::default(),
        );
        assert_eq!(out, "<URL><LOCATION>");
        assert_eq!(actions.len(), 2);
    }

    #[test]
    fn bad_offsets_are_widened_not_trusted() {
        let r = rules("");
        let text = "née Zoë";
        // 6 is inside 'ë' (bytes 5..7 are "ë" in "Zoë"? compute): widen
        let (out, actions, _) = run(
            &r,
            text,
            &[f(Entity::URL, 6, 8, 0.5)],
            FieldContext::default(),
        );
        assert_eq!(actions.len(), 1);
        assert!(text.is_char_boundary(actions[0].start) && text.is_char_boundary(actions[0].end));
        assert!(out.contains("<URL>"));
        // out of range and reversed spans never panic
        let (out, _, _) = run(
            &r,
            text,
            &[f(Entity::URL, 50, 99, 0.5), f(Entity::URL, 3, 1, 0.5)],
            FieldContext::default(),
        );
        assert!(out.contains("<URL>"));
        let (out, actions, _) = run(
            &r,
            "",
            &[f(Entity::URL, 0, 0, 0.5)],
            FieldContext::default(),
        );
        assert_eq!((out.as_str(), actions.len()), ("", 0));
    }

    #[test]
    fn column_rules_drop_suppress_keep() {
        let r = rules(
            "[columns.legacy]\noperator = \"drop\"\n[columns.bad]\noperator = \"suppress\"\n[columns.ok]\noperator = \"keep\"\n",
        );
        let text = "jane@example.com";
        let fs = [f(Entity::EMAIL_ADDRESS, 0, 16, 0.9)];
        let (out, _, o) = run(
            &r,
            text,
            &fs,
            FieldContext {
                column: Some("legacy"),
                subject: None,
            },
        );
        assert!(o.drop_field && out.is_empty());
        let (out, _, o) = run(
            &r,
            text,
            &fs,
            FieldContext {
                column: Some("bad"),
                subject: None,
            },
        );
        assert!(o.suppress_record && out.is_empty());
        let (out, a, o) = run(
            &r,
            text,
            &fs,
            FieldContext {
                column: Some("ok"),
                subject: None,
            },
        );
        assert_eq!(out, text);
        assert!(!o.changed);
        assert_eq!(a[0].effect, Effect::Kept);
    }

    #[test]
    fn date_shift_uses_the_subject() {
        let r = rules("[entities.DATE_TIME]\noperator = \"date_shift\"\n");
        let fs = [f(Entity::DATE_TIME, 0, 10, 0.9)];
        let (a, _, _) = run(
            &r,
            "2020-01-10",
            &fs,
            FieldContext {
                column: None,
                subject: Some("s1"),
            },
        );
        let (b, _, _) = run(
            &r,
            "2020-01-10",
            &fs,
            FieldContext {
                column: None,
                subject: Some("s1"),
            },
        );
        assert_eq!(a, b);
        assert_ne!(a, "2020-01-10");
        let (c, actions, _) = run(&r, "2020-01-10", &fs, FieldContext::default());
        assert_eq!(c, "<DATE_TIME>");
        assert!(matches!(
            actions[0].fallback,
            Some((OperatorKind::DateShift, RedactError::NoSubject))
        ));
    }

    #[test]
    fn no_findings_copies_the_text() {
        let r = rules("");
        let (out, actions, o) = run(&r, "nothing here", &[], FieldContext::default());
        assert_eq!(out, "nothing here");
        assert!(actions.is_empty() && o == FieldOutcome::default());
        let _ = MaskConfig::default();
    }
}
