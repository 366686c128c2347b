//! Policy decisions as ledger events.
//!
//! Every document `policy check` decides, every `policy eval` and every
//! `policy test` run becomes one event (`policy.check`, `policy.eval`,
//! `policy.test`) through the binary's [`Audit`] helper: digests of the
//! policy bundle and of the input, the result and the counts. Input values,
//! violation messages and query results are never recorded.
//!
//! Without a workspace the commands still run and say on stderr that no
//! ledger was written; `--no-ledger` skips recording silently.

use aigis_ledger::{EventDraft, Outcome, Subject};
use aigis_policy::{DecisionRecord, DecisionResult};
use serde_json::json;

use crate::audit::Audit;
use crate::settings::Settings;

/// Ledger action of one checked document.
pub(crate) const ACTION_CHECK: &str = "policy.check";
/// Ledger action of one `policy eval`.
pub(crate) const ACTION_EVAL: &str = "policy.eval";
/// Ledger action of one `policy test` run.
pub(crate) const ACTION_TEST: &str = "policy.test";

/// Longest subject id the ledger accepts, in bytes.
const MAX_SUBJECT_ID: usize = 1024;

/// Above this many packages a check event records their count, not names.
const MAX_NAMED_PACKAGES: usize = 64;

/// Where a policy command's decisions go.
pub(crate) struct DecisionLog {
    audit: Option<Audit>,
    quiet: bool,
}

impl DecisionLog {
    /// Opens the workspace ledger unless `no_ledger`.
    pub(crate) fn open(settings: &Settings, no_ledger: bool) -> anyhow::Result<DecisionLog> {
        Ok(DecisionLog {
            audit: if no_ledger {
                None
            } else {
                Some(Audit::open(settings)?)
            },
            quiet: settings.quiet,
        })
    }

    /// Records `drafts` in one transaction; without a workspace, says on
    /// stderr that they were not written.
    fn record(&self, drafts: Vec<EventDraft>) -> anyhow::Result<()> {
        let Some(audit) = &self.audit else {
            return Ok(());
        };
        if audit.auditor().is_none() {
            if !self.quiet {
                crate::output::note(&format!(
                    "note: no aigis workspace, so {} policy decision(s) were not written to a ledger \
                     (run `aigis init` to keep them, or pass --no-ledger)",
                    drafts.len()
                ));
            }
            return Ok(());
        }
        audit.record_batch(drafts)?;
        Ok(())
    }

    /// Records one event per decision record.
    pub(crate) fn decisions(&self, records: &[DecisionRecord]) -> anyhow::Result<()> {
        let Some(audit) = &self.audit else {
            return Ok(());
        };
        self.record(records.iter().map(|r| decision_event(audit, r)).collect())
    }

    /// Records a `policy test` run.
    pub(crate) fn test_run(&self, run: &TestRun<'_>) -> anyhow::Result<()> {
        let Some(audit) = &self.audit else {
            return Ok(());
        };
        let failed = run.failed + run.errors > 0;
        let draft = audit
            .event(
                ACTION_TEST,
                Subject::new("policy-bundle", subject_id(run.paths)).with_digest(run.bundle_digest),
            )
            .outcome(if failed {
                Outcome::Failure
            } else {
                Outcome::Success
            })
            .detail("bundle_digest", run.bundle_digest)
            .detail("passed", run.passed)
            .detail("failed", run.failed)
            .detail("errors", run.errors);
        self.record(vec![draft])
    }
}

/// What a `policy test` run recorded.
pub(crate) struct TestRun<'a> {
    /// The policy paths, comma separated.
    pub(crate) paths: &'a str,
    /// Digest of the bundle tested.
    pub(crate) bundle_digest: &'a str,
    /// Tests that passed.
    pub(crate) passed: usize,
    /// Tests that failed.
    pub(crate) failed: usize,
    /// Tests that could not be evaluated.
    pub(crate) errors: usize,
}

/// The event for one decision: the input is the subject (its path and
/// digest), the outcome says allowed / denied / error.
fn decision_event(audit: &Audit, r: &DecisionRecord) -> EventDraft {
    let subject = match &r.input_path {
        Some(path) => Subject::new("file", subject_id(path)),
        None => Subject::new("input", "none"),
    }
    .with_digest(r.input_digest.clone());
    let outcome = match r.result {
        DecisionResult::Denied => Outcome::Denied,
        DecisionResult::Error => Outcome::Error,
        _ => Outcome::Success,
    };
    let mut draft = audit
        .event(r.action, subject)
        .outcome(outcome)
        .detail("bundle_digest", r.bundle_digest.clone())
        .detail("input_digest", r.input_digest.clone())
        .detail("result", result_name(r.result))
        .detail("violations", r.violations)
        .detail("warnings", r.warnings);
    if let Some(doc) = r.document {
        draft = draft.detail("document", doc);
    }
    if r.action == ACTION_CHECK {
        let packages: Vec<&str> = r.query.split(',').filter(|p| !p.is_empty()).collect();
        draft = if packages.len() <= MAX_NAMED_PACKAGES {
            draft.detail("packages", json!(packages))
        } else {
            draft.detail("package_count", packages.len())
        };
    } else if is_data_path(&r.query) {
        draft = draft.detail("query", r.query.clone());
    } else {
        // A free-form query may hold literals; record only its digest.
        draft = draft.detail("query_digest", aigis_policy::json_digest(&json!(r.query)));
    }
    draft
}

fn result_name(result: DecisionResult) -> &'static str {
    match result {
        DecisionResult::Allowed => "allowed",
        DecisionResult::Denied => "denied",
        DecisionResult::Defined => "defined",
        DecisionResult::Undefined => "undefined",
        _ => "error",
    }
}

/// A subject id the ledger accepts: control characters replaced, long ids
/// cut to their last bytes (the file name end is the informative part).
fn subject_id(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if clean.is_empty() {
        return "-".to_owned();
    }
    if clean.len() <= MAX_SUBJECT_ID {
        return clean;
    }
    let mut start = clean.len() - (MAX_SUBJECT_ID - 3);
    while !clean.is_char_boundary(start) {
        start += 1;
    }
    format!("...{}", &clean[start..])
}

/// True for a plain reference into `data` (`aigis.endpoint.deny`,
/// `data.x.y`), as opposed to a general query.
pub(crate) fn is_data_path(query: &str) -> bool {
    let q = query.trim();
    !q.is_empty()
        && q.split('.').all(|seg| {
            !seg.is_empty()
                && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !seg.starts_with(|c: char| c.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_paths_and_queries() {
        assert!(is_data_path("aigis.endpoint"));
        assert!(is_data_path("data.aigis.endpoint.deny"));
        assert!(!is_data_path("x := data.a; x > 1"));
        assert!(!is_data_path("data.a[0]"));
        assert!(!is_data_path(""));
    }

    #[test]
    fn subject_ids_fit_the_ledger() {
        assert_eq!(subject_id("a/b.yaml"), "a/b.yaml");
        assert_eq!(subject_id("a\nb"), "a?b");
        assert_eq!(subject_id(""), "-");
        let long = format!("{}é.yaml", "d/".repeat(700));
        let id = subject_id(&long);
        assert!(id.len() <= MAX_SUBJECT_ID && id.ends_with("é.yaml"), "{id}");
    }
}
