//! Recording ledger events from commands.
//!
//! [`Audit::open`] gives every command one way to record what it did:
//! inside a workspace it records into the workspace ledger (signing
//! checkpoints when the master key is available); without a workspace it
//! does nothing and says so under `AIGIS_LOG=debug`, so commands such as
//! `aigis scan` keep working anywhere.
//!
//! ```ignore
//! let audit = Audit::open(&settings)?;
//! audit.record(audit.event("scan.run", Subject::new("file", path)).detail("findings", 3))?;
//! ```

use anyhow::Context as _;

use aigis_keys::{Ed25519Signer, Keyring};
use aigis_ledger::{Auditor, Event, EventDraft, LedgerStore, NoteSigner, SqliteStore, Subject};

use crate::settings::Settings;

/// Adapts the keyring's Ed25519 handle to the ledger's signer trait.
pub(crate) struct KeyringSigner(pub(crate) Ed25519Signer);

impl NoteSigner for KeyringSigner {
    fn verifying_key(&self) -> ed25519_dalek::VerifyingKey {
        self.0.verifying_key()
    }

    fn sign(&self, msg: &[u8]) -> ed25519_dalek::Signature {
        self.0.sign(msg)
    }
}

/// The recording helper for commands.
pub(crate) struct Audit {
    auditor: Option<Auditor>,
    actor: String,
    quiet: bool,
}

impl Audit {
    /// Opens the workspace ledger, if there is a workspace. The checkpoint
    /// signer is loaded when the master key is available; otherwise events
    /// are still recorded and checkpoints wait for a later run.
    pub(crate) fn open(settings: &Settings) -> anyhow::Result<Audit> {
        Self::open_with(settings, None)
    }

    /// As [`Audit::open`], reusing a keyring the command already opened
    /// (the master key is resolved once).
    pub(crate) fn open_with(
        settings: &Settings,
        keyring: Option<&Keyring>,
    ) -> anyhow::Result<Audit> {
        let Some(ws) = &settings.workspace else {
            settings.debug_note("no aigis workspace: this run is not recorded in a ledger");
            return Ok(Audit {
                auditor: None,
                actor: settings.actor.clone(),
                quiet: settings.quiet,
            });
        };
        let auditor = open_auditor(settings, ws.db_path().as_path(), keyring)?;
        Ok(Audit {
            auditor: Some(auditor),
            actor: settings.actor.clone(),
            quiet: settings.quiet,
        })
    }

    /// Wraps an auditor that is already open (init).
    pub(crate) fn from_auditor(auditor: Auditor, settings: &Settings) -> Audit {
        Audit {
            auditor: Some(auditor),
            actor: settings.actor.clone(),
            quiet: settings.quiet,
        }
    }

    /// A draft event by this run's actor.
    pub(crate) fn event(&self, action: &str, subject: Subject) -> EventDraft {
        EventDraft::new(self.actor.clone(), action, subject)
    }

    /// Records `draft` durably; a no-op without a workspace.
    pub(crate) fn record(&self, draft: EventDraft) -> anyhow::Result<Option<Event>> {
        let Some(auditor) = &self.auditor else {
            return Ok(None);
        };
        let event = auditor
            .record(draft)
            .context("recording the event in the ledger")?;
        self.warn();
        Ok(Some(event))
    }

    /// Records several events in one transaction.
    pub(crate) fn record_batch(&self, drafts: Vec<EventDraft>) -> anyhow::Result<Vec<Event>> {
        let Some(auditor) = &self.auditor else {
            return Ok(Vec::new());
        };
        let events = auditor
            .record_batch(drafts)
            .context("recording events in the ledger")?;
        self.warn();
        Ok(events)
    }

    fn warn(&self) {
        if let Some(auditor) = &self.auditor
            && let Some(w) = auditor.take_warning()
            && !self.quiet
        {
            crate::output::note(&format!("warning: {w}"));
        }
    }

    /// The auditor, when there is a workspace.
    pub(crate) fn auditor(&self) -> Option<&Auditor> {
        self.auditor.as_ref()
    }

    /// This run's actor.
    pub(crate) fn actor(&self) -> &str {
        &self.actor
    }
}

/// Opens the ledger at `db` with the `[ledger]` settings, adding the
/// checkpoint signer from `keyring` (or from the workspace keyring when the
/// master key resolves).
pub(crate) fn open_auditor(
    settings: &Settings,
    db: &std::path::Path,
    keyring: Option<&Keyring>,
) -> anyhow::Result<Auditor> {
    let store =
        SqliteStore::open(db).with_context(|| format!("opening the ledger in {}", db.display()))?;
    let config = settings.config.ledger.clone();
    let key_name = config.signing_key.clone();
    let auditor = Auditor::new(Box::new(store) as Box<dyn LedgerStore>, config);
    let owned;
    let ring = match keyring {
        Some(r) => Some(r),
        None => match settings.keyring() {
            Ok(r) => {
                owned = r;
                Some(&owned)
            }
            Err(e) => {
                let configured = std::env::var_os(crate::settings::env::MASTER_KEY).is_some()
                    || settings.config.keys.master_key_file.is_some();
                let text = format!("checkpoints cannot be signed in this run: {e:#}");
                if configured && !settings.quiet {
                    // A master key was meant to be there: say so plainly.
                    crate::output::note(&format!("warning: {text}"));
                } else {
                    settings.debug_note(&text);
                }
                None
            }
        },
    };
    Ok(match ring.map(|r| r.ed25519_signer(&key_name)) {
        Some(Ok(signer)) => auditor.with_signer(Box::new(KeyringSigner(signer))),
        Some(Err(e)) => {
            settings.debug_note(&format!("checkpoint key {key_name:?} unavailable: {e}"));
            auditor
        }
        None => auditor,
    })
}
