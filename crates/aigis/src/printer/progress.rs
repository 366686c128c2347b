//! The progress bar: on stderr, only on a terminal, never with `--quiet`,
//! and only once a scan has run for a moment.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// A scan shorter than this never shows a bar.
const SHOW_AFTER: Duration = Duration::from_millis(700);

/// Progress over the bytes of all inputs.
pub(crate) struct Progress {
    enabled: bool,
    total: Option<u64>,
    done: u64,
    started: Instant,
    source: String,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A progress reporter; `total` is the input size when known.
    pub(crate) fn new(enabled: bool, total: Option<u64>) -> Self {
        Progress {
            enabled,
            total,
            done: 0,
            started: Instant::now(),
            source: String::new(),
            bar: None,
        }
    }

    /// The input being read now.
    pub(crate) fn set_source(&mut self, name: &str) {
        name.clone_into(&mut self.source);
        if let Some(bar) = &self.bar {
            bar.set_message(self.source.clone());
        }
    }

    /// `bytes` more input were scanned.
    pub(crate) fn advance(&mut self, bytes: u64) {
        self.done += bytes;
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.started.elapsed() >= SHOW_AFTER {
            let bar = match self.total {
                Some(t) => ProgressBar::new(t).with_style(
                    ProgressStyle::with_template(
                        "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {wide_msg}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                ),
                None => ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec} {wide_msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                ),
            };
            bar.set_message(self.source.clone());
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.done);
        }
    }

    /// Removes the bar.
    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
