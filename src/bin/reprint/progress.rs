//! Progress on standard error: shown only when standard error is a terminal, `--quiet` is not
//! given, and the work has already taken about a second.

use std::io::IsTerminal;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before its progress appears.
const REVEAL_AFTER: Duration = Duration::from_millis(1000);

/// Whether progress may be drawn at all.
pub fn enabled(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A progress bar (known length) or spinner (unknown length) that stays hidden for its first
/// second, and that prints warnings without garbling itself.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    stop: Option<mpsc::Sender<()>>,
    reveal: Option<JoinHandle<()>>,
}

/// What the position counts.
#[derive(Clone, Copy, Debug)]
pub enum Unit {
    Bytes,
    Items,
}

impl Progress {
    /// Progress over `len` units (`None`: unknown) with a message; hidden unless `enabled`.
    pub fn new(enabled: bool, len: Option<u64>, unit: Unit, message: impl Into<String>) -> Progress {
        let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
        let template = match (len.is_some(), unit) {
            (true, Unit::Bytes) => "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta} left)",
            (true, Unit::Items) => "{msg} [{bar:30}] {pos}/{len} ({elapsed})",
            (false, Unit::Bytes) => "{spinner} {msg} {bytes} ({elapsed})",
            (false, Unit::Items) => "{spinner} {msg} ({elapsed})",
        };
        let style = ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style.progress_chars("=> "));
        bar.set_message(message.into());
        let (mut stop, mut reveal) = (None, None);
        if enabled {
            let (tx, rx) = mpsc::channel::<()>();
            let shown = bar.clone();
            let spawned = std::thread::Builder::new().name("progress".into()).spawn(move || {
                if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(REVEAL_AFTER) {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
            // Without the thread, progress simply stays hidden.
            if let Ok(handle) = spawned {
                stop = Some(tx);
                reveal = Some(handle);
            }
        }
        Progress { bar, stop, reveal }
    }

    pub fn inc(&self, delta: u64) {
        self.bar.inc(delta);
    }

    pub fn set_message(&self, message: impl Into<String>) {
        self.bar.set_message(message.into());
    }

    /// Prints a line on standard error above the bar.
    pub fn warn(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    fn stop(&mut self) {
        self.stop.take();
        if let Some(handle) = self.reveal.take() {
            // The thread only sets a draw target; if it failed there is nothing to clean up.
            let _ = handle.join();
        }
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}
