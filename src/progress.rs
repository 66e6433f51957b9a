//! Progress of long computations, as values: a long loop (a ReCom chain, bootstrap
//! replicates, the max-p count search) calls [`Progress::tick`] with what it is doing, how far
//! it got and how far it will go. The caller decides whether and how to show it (the CLI draws
//! a bar on a terminal and prints a line every few seconds in a log); the library never prints.
//!
//! Ticks are cheap to send and may come often (every chain step) and from several threads
//! (replicates on rayon), so implementations must be `Sync` and should only record the
//! latest tick, leaving the drawing to their own pace.

/// One report: `done` of `total` `unit`s of `task`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tick<'a> {
    /// What runs, e.g. `burn-in` or `bootstrap`.
    pub task: &'a str,
    /// Units done so far.
    pub done: u64,
    /// Units planned; 0 when not known in advance (then only `done` and the time are shown).
    pub total: u64,
    /// What is counted, plural (`steps`, `solves`).
    pub unit: &'a str,
}

/// Receives ticks from long computations.
pub trait Progress: Sync {
    /// Records how far a computation got. The default ignores it.
    fn tick(&self, _tick: Tick<'_>) {}
}

/// Ignores every tick: for callers that show nothing (tests, benches, library use).
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

impl<F: Fn(Tick<'_>) + Sync> Progress for F {
    fn tick(&self, tick: Tick<'_>) {
        self(tick)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closures_receive_ticks_and_silent_ignores_them() {
        let seen = std::sync::Mutex::new(Vec::new());
        let record = |t: Tick<'_>| seen.lock().unwrap().push((t.task.to_string(), t.done, t.total));
        let p: &dyn Progress = &record;
        p.tick(Tick { task: "burn-in", done: 3, total: 10, unit: "steps" });
        Silent.tick(Tick { task: "ignored", done: 1, total: 1, unit: "steps" });
        assert_eq!(*seen.lock().unwrap(), vec![("burn-in".to_string(), 3, 10)]);
    }
}
