//! [`Auditor`]: the one way the rest of aigis records events.
//!
//! `record` returns once the event is durable. Concurrent callers (threads
//! sharing an `Auditor`) are group-committed: whoever finds no write in
//! progress becomes the leader, takes every queued event, writes them in
//! one transaction (one fsync) and wakes the others with their results.
//! Writers in other processes are serialized by the store's lock.
//! After a commit, a checkpoint is taken when the [`LedgerConfig`] policy
//! says one is due and a signer is set.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::LedgerError;
use crate::config::LedgerConfig;
use crate::event::{Event, EventDraft};
use crate::note::NoteSigner;
use crate::ops;
use crate::store::{LedgerStore, StoredCheckpoint};

#[derive(Default)]
struct Queue {
    pending: Vec<(u64, EventDraft)>,
    next_ticket: u64,
    writing: bool,
    done: HashMap<u64, Result<Event, String>>,
}

/// Records events into a ledger; shareable across threads (`&Auditor` is
/// `Sync`).
pub struct Auditor {
    store: Mutex<Box<dyn LedgerStore>>,
    signer: Option<Box<dyn NoteSigner>>,
    config: LedgerConfig,
    queue: Mutex<Queue>,
    wake: Condvar,
    warning: Mutex<Option<String>>,
}

impl std::fmt::Debug for Auditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auditor")
            .field("config", &self.config)
            .field("signer", &self.signer.is_some())
            .finish_non_exhaustive()
    }
}

/// What an automatic checkpoint attempt did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AutoCheckpoint {
    /// None was due.
    NotDue,
    /// One was due but no signer is set (the master key was not available).
    NoSigner,
    /// One was taken.
    Taken(StoredCheckpoint),
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Auditor {
    /// An auditor over `store` with the `[ledger]` settings; no signer yet.
    pub fn new(store: Box<dyn LedgerStore>, config: LedgerConfig) -> Self {
        Auditor {
            store: Mutex::new(store),
            signer: None,
            config,
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            warning: Mutex::new(None),
        }
    }

    /// Sets the checkpoint signer (the ledger's Ed25519 key).
    #[must_use]
    pub fn with_signer(mut self, signer: Box<dyn NoteSigner>) -> Self {
        self.signer = Some(signer);
        self
    }

    /// True when checkpoints can be signed.
    pub fn can_sign(&self) -> bool {
        self.signer.is_some()
    }

    /// Records one event; returns it (with seq and time) once durable.
    /// Concurrent calls share transactions.
    ///
    /// # Errors
    /// [`LedgerError::InvalidEvent`] before anything is written; storage
    /// errors (then the event was not recorded).
    pub fn record(&self, draft: EventDraft) -> Result<Event, LedgerError> {
        draft.validate()?;
        let mut q = lock(&self.queue);
        let ticket = q.next_ticket;
        q.next_ticket += 1;
        q.pending.push((ticket, draft));
        loop {
            if let Some(result) = q.done.remove(&ticket) {
                return result.map_err(LedgerError::BatchFailed);
            }
            if !q.writing {
                break;
            }
            q = self
                .wake
                .wait(q)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        // Leader: write everything queued, including our own event.
        q.writing = true;
        let mut own = None;
        while !q.pending.is_empty() {
            let batch = std::mem::take(&mut q.pending);
            drop(q);
            let (tickets, drafts): (Vec<u64>, Vec<EventDraft>) = batch.into_iter().unzip();
            let result = {
                let mut store = lock(&self.store);
                ops::append(store.as_mut(), drafts)
            };
            q = lock(&self.queue);
            match result {
                Ok(events) => {
                    for (t, e) in tickets.into_iter().zip(events) {
                        if t == ticket {
                            own = Some(Ok(e));
                        } else {
                            q.done.insert(t, Ok(e));
                        }
                    }
                }
                Err(err) => {
                    let text = err.to_string();
                    for t in tickets {
                        if t == ticket {
                            own = Some(Err(err_clone(&err, &text)));
                        } else {
                            q.done.insert(t, Err(text.clone()));
                        }
                    }
                }
            }
            self.wake.notify_all();
        }
        q.writing = false;
        self.wake.notify_all();
        drop(q);
        let own =
            own.unwrap_or_else(|| Err(LedgerError::BatchFailed("event was not written".into())));
        if own.is_ok() {
            self.auto_checkpoint();
        }
        own
    }

    /// Records several events in one transaction (bulk import).
    ///
    /// # Errors
    /// As [`Auditor::record`]; nothing is written if any draft is invalid.
    pub fn record_batch(&self, drafts: Vec<EventDraft>) -> Result<Vec<Event>, LedgerError> {
        let events = {
            let mut store = lock(&self.store);
            ops::append(store.as_mut(), drafts)?
        };
        self.auto_checkpoint();
        Ok(events)
    }

    fn auto_checkpoint(&self) {
        match self.checkpoint_if_due() {
            Ok(_) => {}
            Err(e) => *lock(&self.warning) = Some(format!("automatic checkpoint failed: {e}")),
        }
    }

    /// Takes a checkpoint if the policy says one is due.
    ///
    /// # Errors
    /// Storage and signing errors.
    pub fn checkpoint_if_due(&self) -> Result<AutoCheckpoint, LedgerError> {
        let mut store = lock(&self.store);
        let size = store.size()?;
        let latest = store.latest_checkpoint()?;
        let covered = latest.as_ref().map_or(0, |c| c.size);
        let behind = size.saturating_sub(covered);
        if behind == 0 {
            return Ok(AutoCheckpoint::NotDue);
        }
        let by_count = self.config.checkpoint_every_events > 0
            && behind >= self.config.checkpoint_every_events;
        let by_time = self.config.checkpoint_every_seconds > 0
            && latest.as_ref().is_none_or(|c| {
                c.created.parse::<jiff::Timestamp>().ok().is_none_or(|t| {
                    jiff::Timestamp::now().as_second() - t.as_second()
                        >= i64::try_from(self.config.checkpoint_every_seconds).unwrap_or(i64::MAX)
                })
            });
        if !by_count && !by_time {
            return Ok(AutoCheckpoint::NotDue);
        }
        let Some(signer) = &self.signer else {
            return Ok(AutoCheckpoint::NoSigner);
        };
        let (cp, _) = ops::checkpoint(store.as_mut(), signer.as_ref())?;
        Ok(AutoCheckpoint::Taken(cp))
    }

    /// Takes a checkpoint now (unless the newest one already covers every
    /// event). Returns it and whether it is new.
    ///
    /// # Errors
    /// [`LedgerError::NoSigner`], storage and signing errors.
    pub fn checkpoint(&self) -> Result<(StoredCheckpoint, bool), LedgerError> {
        let signer = self.signer.as_ref().ok_or(LedgerError::NoSigner)?;
        let mut store = lock(&self.store);
        ops::checkpoint(store.as_mut(), signer.as_ref())
    }

    /// The last automatic-checkpoint failure, if any (cleared when read).
    pub fn take_warning(&self) -> Option<String> {
        lock(&self.warning).take()
    }

    /// Runs `f` with the store, for reads (log, proofs, verify, export).
    pub fn with_store<T>(&self, f: impl FnOnce(&dyn LedgerStore) -> T) -> T {
        let store = lock(&self.store);
        f(store.as_ref())
    }
}

fn err_clone(err: &LedgerError, text: &str) -> LedgerError {
    match err {
        LedgerError::InvalidEvent { context, reason } => LedgerError::InvalidEvent {
            context: context.clone(),
            reason: reason.clone(),
        },
        _ => LedgerError::BatchFailed(text.to_owned()),
    }
}
