//! Progress bars for long work: the build's render pass, the image pass and the
//! `--compress` pass.
//!
//! A bar is drawn on stderr only when all of these hold:
//! - the command asked for bars ([`enable`]; `fenjin build` does, the library, `check`,
//!   `serve` and the tests do not);
//! - stderr is a terminal (CI logs, pipes and files get nothing but the summary lines);
//! - the pass has already run for [`DELAY`]: a short pass never flickers a bar.
//!
//! Bars are cleared when their pass ends, so the log that stays on screen is the same
//! with or without them.

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a pass runs before its bar appears.
pub const DELAY: Duration = Duration::from_secs(1);

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Lets passes show bars from now on (when stderr is a terminal).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

fn stderr_is_terminal() -> bool {
    static TTY: OnceLock<bool> = OnceLock::new();
    *TTY.get_or_init(|| std::io::stderr().is_terminal())
}

/// The progress of one pass over `total` items. Cheap when hidden: one atomic load and
/// one clock read per item.
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: AtomicBool,
}

impl Progress {
    /// A pass over `total` items, named `what` ("rendering", "compressing").
    pub fn new(what: &'static str, total: usize) -> Progress {
        Self::with_terminal(what, total, ENABLED.load(Ordering::Relaxed) && stderr_is_terminal())
    }

    fn with_terminal(what: &'static str, total: usize, terminal: bool) -> Progress {
        let bar = terminal.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
            let style = ProgressStyle::with_template(
                "{prefix:>12} [{bar:30}] {human_pos}/{human_len} ({eta} left)",
            )
            .expect("a valid template")
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(what);
            bar
        });
        Progress { bar, started: Instant::now(), shown: AtomicBool::new(false) }
    }

    /// Whether a bar may be drawn (terminal and enabled); false in CI.
    pub fn visible(&self) -> bool {
        self.bar.is_some()
    }

    /// One more item done.
    pub fn inc(&self) {
        let Some(bar) = &self.bar else { return };
        bar.inc(1);
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_bar_unless_a_terminal_and_enabled() {
        // The test harness's stderr is captured or piped: never a bar.
        let p = Progress::new("rendering", 10);
        assert!(!p.visible());
        p.inc();
        let p = Progress::with_terminal("rendering", 10, false);
        assert!(!p.visible());
        let p = Progress::with_terminal("rendering", 10, true);
        assert!(p.visible());
        // A terminal bar stays hidden during the first second.
        p.inc();
        assert!(!p.shown.load(Ordering::Relaxed));
        assert_eq!(p.bar.as_ref().map(|b| b.position()), Some(1));
    }
}
