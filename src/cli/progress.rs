//! Shows the library's progress ticks ([`pianura::progress`]) on stderr: nothing during the
//! first second (short runs stay silent), then on a terminal a bar (or a spinner when the total
//! is unknown), and elsewhere (a log, CI) one plain line every few seconds, e.g.
//! `pianura: ensemble: burn-in 1200000/100000000 steps, 5 s`.
//!
//! Ticks only record the latest state; a background thread draws it at its own pace, so a
//! step that takes long without ticking (an exact solve) still shows the time passing. The
//! line interval is 5 s; the environment variable `PIANURA_PROGRESS_INTERVAL` (seconds) sets
//! another, for tests and for logs that want more or fewer lines.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pianura::progress::{Progress, Tick};

/// Nothing is shown before this much time has passed.
const QUIET_START: Duration = Duration::from_secs(1);
/// Seconds between plain lines when stderr is not a terminal.
const LINE_INTERVAL: f64 = 5.0;
/// How often the terminal bar is redrawn.
const BAR_REFRESH: Duration = Duration::from_millis(120);

/// The latest tick, owned.
#[derive(Default)]
struct Latest {
    task: String,
    done: u64,
    total: u64,
    unit: String,
}

impl Latest {
    fn text(&self) -> String {
        match (self.total, self.done) {
            (0, 0) => self.task.clone(),
            (0, d) => format!("{} {d} {}", self.task, self.unit),
            (t, d) => format!("{} {d}/{t} {}", self.task, self.unit),
        }
    }
}

struct Shared {
    command: &'static str,
    start: Instant,
    latest: Mutex<Option<Latest>>,
    stopped: Mutex<bool>,
    wake: Condvar,
}

/// Receives ticks and shows them on stderr; see the module docs. Stops drawing (and clears
/// the bar) on [`Reporter::finish`] or when dropped.
pub struct Reporter {
    shared: Arc<Shared>,
    ticker: Option<JoinHandle<()>>,
}

impl Reporter {
    /// A reporter for `command`; `enabled = false` (e.g. `--quiet`) shows nothing.
    pub fn new(command: &'static str, enabled: bool) -> Reporter {
        let shared =
            Arc::new(Shared { command, start: Instant::now(), latest: Mutex::new(None), stopped: Mutex::new(false), wake: Condvar::new() });
        let ticker = enabled.then(|| {
            let s = Arc::clone(&shared);
            if std::io::stderr().is_terminal() {
                std::thread::spawn(move || draw_bar(&s))
            } else {
                let interval = line_interval();
                std::thread::spawn(move || draw_lines(&s, interval))
            }
        });
        Reporter { shared, ticker }
    }

    /// Records a step the CLI itself runs (e.g. a solve that does not tick).
    pub fn phase(&self, task: &str) {
        self.tick(Tick { task, done: 0, total: 0, unit: "" });
    }

    /// Stops drawing and clears the bar; call before printing results.
    pub fn finish(&mut self) {
        *self.shared.stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.shared.wake.notify_all();
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Progress for Reporter {
    fn tick(&self, tick: Tick<'_>) {
        if self.ticker.is_none() {
            return;
        }
        let mut latest = self.shared.latest.lock().unwrap_or_else(|e| e.into_inner());
        let l = latest.get_or_insert_with(Latest::default);
        if l.task != tick.task {
            l.task.clear();
            l.task.push_str(tick.task);
        }
        if l.unit != tick.unit {
            l.unit.clear();
            l.unit.push_str(tick.unit);
        }
        (l.done, l.total) = (tick.done, tick.total);
    }
}

/// The line interval: `PIANURA_PROGRESS_INTERVAL` seconds when set to a positive number.
fn line_interval() -> Duration {
    let secs = std::env::var("PIANURA_PROGRESS_INTERVAL")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(LINE_INTERVAL);
    Duration::from_secs_f64(secs)
}

/// Waits until `until` or until stopped; true when stopped.
fn wait(s: &Shared, until: Instant) -> bool {
    let mut stopped = s.stopped.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if *stopped {
            return true;
        }
        let now = Instant::now();
        if now >= until {
            return false;
        }
        stopped = s.wake.wait_timeout(stopped, until - now).unwrap_or_else(|e| e.into_inner()).0;
    }
}

fn current(s: &Shared) -> Option<(String, u64, u64)> {
    let latest = s.latest.lock().unwrap_or_else(|e| e.into_inner());
    latest.as_ref().map(|l| (l.text(), l.done, l.total))
}

fn draw_lines(s: &Shared, interval: Duration) {
    let mut next = s.start + interval.max(QUIET_START);
    while !wait(s, next) {
        if let Some((text, _, _)) = current(s) {
            let secs = s.start.elapsed().as_secs();
            let _ = writeln!(std::io::stderr().lock(), "pianura: {}: {text}, {secs} s", s.command);
        }
        next += interval;
    }
}

fn draw_bar(s: &Shared) {
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
    // `wide_msg` is cut to the terminal's width, so the bar never wraps.
    let counted = indicatif::ProgressStyle::with_template("{prefix}: [{bar:30}] {percent:>3}% {elapsed:>4} {wide_msg}")
        .expect("valid template")
        .progress_chars("=> ");
    let open = indicatif::ProgressStyle::with_template("{prefix}: {spinner} {elapsed:>4} {wide_msg}").expect("valid template");
    bar.set_prefix(format!("pianura {}", s.command));
    let mut shown: Option<bool> = None;
    let mut next = s.start + QUIET_START;
    while !wait(s, next) {
        next = Instant::now() + BAR_REFRESH;
        let Some((text, done, total)) = current(s) else { continue };
        let first = shown.is_none();
        let has_total = total > 0;
        if shown != Some(has_total) {
            bar.set_style(if has_total { counted.clone() } else { open.clone() });
            shown = Some(has_total);
        }
        if has_total {
            bar.set_length(total);
            bar.set_position(done.min(total));
        } else {
            bar.tick();
        }
        bar.set_message(text);
        if first {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }
    bar.finish_and_clear();
}
