//! Random contiguous, population-balanced plans as a baseline: a ReCom Markov chain (DeFord,
//! Duchin & Solomon 2021, as in GerryChain). Each step picks a uniformly random pair of
//! adjacent zones, merges them, draws a spanning tree of the union with random edge weights
//! (minimum spanning tree of i.i.d. uniform weights), and cuts one tree edge chosen uniformly
//! among those that leave both sides within the balance bound; when no edge qualifies, a new
//! tree is drawn (up to 20 times) and otherwise the step repeats the current plan.
//!
//! The stated distribution: the chain's samples after `burn_in` steps, one per step. ReCom's
//! stationary distribution is not uniform over plans: it favours plans whose zones have many
//! spanning trees (compact zones). Every sample is contiguous and balanced by construction.
//!
//! A plan to place among the samples comes from outside (`pianura zones --json`), so
//! [`plan_from_labels`] checks it first: every municipality of the area once, no unknown
//! ISTAT code, exactly `k` zones, every zone contiguous. A plan outside the balance bound is
//! allowed (it is what one may want to measure) and [`is_balanced`] says so.

use std::time::Instant;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

use crate::partition::Partition;
use crate::progress::{Progress, Silent, Tick};
mod placement;
mod plan_file;
mod summary;

pub use placement::{plan_from_labels, start_plan, PlanProblem, Start};
pub use plan_file::{parse_plan_labels, read_plan_labels, PlanFileError};
pub use summary::{percentile, summarize, Summary};

/// Errors of the ensemble: settings, and a plan that cannot be placed.
#[derive(Debug, thiserror::Error)]
pub enum EnsembleError {
    /// k is 0 or more than the municipalities.
    #[error("k must be between 1 and the {units} municipalities, found {k}")]
    InvalidK {
        /// Asked for.
        k: usize,
        /// Municipalities of the area.
        units: usize,
    },
    /// The balance is outside (0, 1).
    #[error("balance must be between 0 and 1 (exclusive), found {0}")]
    InvalidBalance(f64),
    /// No samples asked for: nothing to place the plan among.
    #[error("samples must be at least 1, found {0}")]
    InvalidSamples(usize),
    /// Burn-in and samples together exceed what a step counter holds.
    #[error("burn-in {burn_in} plus {samples} samples is more steps than can be counted")]
    TooManySteps {
        /// Steps discarded first.
        burn_in: usize,
        /// Samples kept.
        samples: usize,
    },
    /// The time limit is not a positive, finite number of seconds.
    #[error("time limit must be a positive, finite number of seconds, found {0}")]
    InvalidTimeLimit(f64),
    /// The plan breaks one or more rules; all are listed.
    #[error("{}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Plan {
        /// Every problem found, in a stable order.
        problems: Vec<PlanProblem>,
    },
}

/// Chain settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainParams {
    /// Samples to keep.
    pub samples: usize,
    /// Steps discarded first.
    pub burn_in: usize,
    /// Number of zones.
    pub k: usize,
    /// Allowed relative deviation of a zone's population from the ideal (total / k).
    pub balance: f64,
    /// Seed.
    pub seed: u64,
    /// Wall-clock seconds after which the chain stops with the samples it has (see
    /// [`ChainRun::cut_short`]); [`DEFAULT_TIME_LIMIT`] unless set.
    pub time_limit: f64,
}

/// The chain's default time limit, seconds: five minutes, about ten million steps on the
/// default area; the default 10,200 steps take well under a second.
pub const DEFAULT_TIME_LIMIT: f64 = 300.0;

impl ChainParams {
    /// Checks k against the `units` of the area, the samples, the balance and the time limit,
    /// before any work. A huge burn-in is allowed: the time limit bounds it.
    ///
    /// # Errors
    /// [`EnsembleError::InvalidK`], [`EnsembleError::InvalidSamples`],
    /// [`EnsembleError::TooManySteps`], [`EnsembleError::InvalidBalance`],
    /// [`EnsembleError::InvalidTimeLimit`].
    pub fn check(&self, units: usize) -> Result<(), EnsembleError> {
        if self.k == 0 || self.k > units {
            return Err(EnsembleError::InvalidK { k: self.k, units });
        }
        if self.samples == 0 {
            return Err(EnsembleError::InvalidSamples(self.samples));
        }
        if self.burn_in.checked_add(self.samples).is_none() {
            return Err(EnsembleError::TooManySteps { burn_in: self.burn_in, samples: self.samples });
        }
        if !(self.balance > 0.0 && self.balance < 1.0) {
            return Err(EnsembleError::InvalidBalance(self.balance));
        }
        if !(self.time_limit > 0.0 && self.time_limit.is_finite()) {
            return Err(EnsembleError::InvalidTimeLimit(self.time_limit));
        }
        Ok(())
    }
}

/// How a chain run ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainRun {
    /// Steps that changed the plan.
    pub accepted: usize,
    /// Burn-in steps done.
    pub burn_in_done: usize,
    /// Samples kept (each passed to `visit`).
    pub samples_done: usize,
    /// Set when the chain stopped before its planned steps.
    pub cut_short: Option<CutShort>,
}

/// What a limit cut short: the steps done of those planned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CutShort {
    /// Why: `time_limit`.
    pub reason: &'static str,
    /// The limit, seconds.
    pub time_limit: f64,
    /// Burn-in steps done.
    pub burn_in_done: usize,
    /// Burn-in steps planned.
    pub burn_in: usize,
    /// Samples kept.
    pub samples_done: usize,
    /// Samples planned.
    pub samples: usize,
}

impl std::fmt::Display for CutShort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the time limit ({} s) stopped the chain after {} of {} burn-in steps and {} of {} samples",
            self.time_limit, self.burn_in_done, self.burn_in, self.samples_done, self.samples
        )?;
        if self.samples_done == 0 {
            write!(f, ": no samples to place the plan among (raise --time-limit or lower --burn-in)")?;
        }
        Ok(())
    }
}

/// One sample's summary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sample {
    /// R² of the sample (SSD-based).
    pub r2: f64,
    /// Largest relative deviation of a zone's population from the ideal.
    pub imbalance: f64,
}

/// Population bounds of one zone under `balance`.
pub fn bounds(pop: &[f64], k: usize, balance: f64) -> (f64, f64) {
    let ideal = pop.iter().sum::<f64>() / k as f64;
    (ideal * (1.0 - balance), ideal * (1.0 + balance))
}

/// Largest relative deviation of a zone population from the ideal total / `k` (`k` the
/// zones asked for, not the plan's own count).
pub fn imbalance(pop: &[f64], p: &Partition, k: usize) -> f64 {
    let ideal = pop.iter().sum::<f64>() / k as f64;
    p.zones().iter().map(|m| (m.iter().map(|&u| pop[u]).sum::<f64>() - ideal).abs() / ideal).fold(0.0, f64::max)
}

/// True when every zone's population lies within [`bounds`] for `k` zones: the test the
/// chain applies to its own cuts.
pub fn is_balanced(pop: &[f64], p: &Partition, k: usize, balance: f64) -> bool {
    let (lo, hi) = bounds(pop, k, balance);
    p.k() == k && p.zones().iter().all(|m| (lo..=hi).contains(&m.iter().map(|&u| pop[u]).sum::<f64>()))
}

/// Runs the chain from `start` (contiguous, balanced, `params.k` zones), calling `visit` on
/// every kept sample. Returns the number of steps that changed the plan. Stops at the time
/// limit like [`run_with`], which also says what the limit cut short.
pub fn run(adj: &[Vec<usize>], pop: &[f64], start: &Partition, params: &ChainParams, visit: impl FnMut(&Partition)) -> usize {
    run_with(adj, pop, start, params, &Silent, visit).accepted
}

/// Runs the chain like [`run`], ticking `progress` (`burn-in`, then `sampling`, in steps) and
/// stopping when `params.time_limit` seconds have passed: the samples kept so far are the
/// result and [`ChainRun::cut_short`] says how many steps were done of those planned. The
/// steps themselves depend on the seed only; where a limit stops them depends on the machine.
pub fn run_with(
    adj: &[Vec<usize>],
    pop: &[f64],
    start: &Partition,
    params: &ChainParams,
    progress: &dyn Progress,
    mut visit: impl FnMut(&Partition),
) -> ChainRun {
    let clock = Instant::now();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(params.seed);
    let (lo, hi) = bounds(pop, params.k, params.balance);
    let mut p = start.clone();
    let mut run = ChainRun { accepted: 0, burn_in_done: 0, samples_done: 0, cut_short: None };
    let steps = params.burn_in.saturating_add(params.samples);
    for step in 0..steps {
        if clock.elapsed().as_secs_f64() >= params.time_limit {
            run.cut_short = Some(CutShort {
                reason: "time_limit",
                time_limit: params.time_limit,
                burn_in_done: run.burn_in_done,
                burn_in: params.burn_in,
                samples_done: run.samples_done,
                samples: params.samples,
            });
            break;
        }
        if step < params.burn_in {
            progress.tick(Tick { task: "burn-in", done: step as u64, total: params.burn_in as u64, unit: "steps" });
        } else {
            progress.tick(Tick { task: "sampling", done: run.samples_done as u64, total: params.samples as u64, unit: "steps" });
        }
        if recom_step(adj, pop, &mut p, lo, hi, &mut rng) {
            run.accepted += 1;
        }
        if step >= params.burn_in {
            visit(&p);
            run.samples_done += 1;
        } else {
            run.burn_in_done += 1;
        }
    }
    run
}

/// One ReCom step; true if the plan changed.
fn recom_step(adj: &[Vec<usize>], pop: &[f64], p: &mut Partition, lo: f64, hi: f64, rng: &mut Xoshiro256PlusPlus) -> bool {
    // Uniform pair of adjacent zones.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (u, nb) in adj.iter().enumerate() {
        for &v in nb {
            let (a, b) = (p.zone_of(u), p.zone_of(v));
            if a < b {
                pairs.push((a, b));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let Some(&(za, zb)) = pairs.choose(rng) else { return false };
    let mut region: Vec<usize> = p.members(za).iter().chain(p.members(zb)).copied().collect();
    region.sort_unstable();
    for _ in 0..20 {
        let (order, parent) = random_tree(adj, &region, rng);
        // Subtree populations, children before parents.
        let pos = |u: usize| region.binary_search(&u).expect("in region");
        let mut below = vec![0.0; region.len()];
        for &u in order.iter().rev() {
            below[pos(u)] += pop[u];
            if let Some(par) = parent[pos(u)] {
                let b = below[pos(u)];
                below[pos(par)] += b;
            }
        }
        let total = below[pos(order[0])];
        let cuts: Vec<usize> = order
            .iter()
            .skip(1)
            .copied()
            .filter(|&u| {
                let side = below[pos(u)];
                (lo..=hi).contains(&side) && (lo..=hi).contains(&(total - side))
            })
            .collect();
        if let Some(&cut) = cuts.choose(rng) {
            // The subtree under `cut` becomes zone za, the rest zb.
            let mut in_side = vec![false; region.len()];
            for &u in &order {
                let up = parent[pos(u)];
                in_side[pos(u)] = u == cut || up.is_some_and(|par| in_side[pos(par)]);
            }
            let before = p.clone();
            for &u in &region {
                p.move_unit(u, if in_side[pos(u)] { za } else { zb });
            }
            return *p != before;
        }
    }
    false
}

/// A random spanning tree of `region` (minimum spanning tree of uniform random weights, Prim,
/// from a random root): returns the visit order from the root and each unit's parent (by
/// position in `region`).
fn random_tree(adj: &[Vec<usize>], region: &[usize], rng: &mut Xoshiro256PlusPlus) -> (Vec<usize>, Vec<Option<usize>>) {
    let root = region[rng.gen_range(0..region.len())];
    let inside = |u: usize| region.binary_search(&u).is_ok();
    let forest = crate::partition::tree::prim_forest(adj, inside, [root], |_, _| rng.gen::<u64>());
    let parent = region.iter().map(|&u| Some(forest.parent[u]).filter(|&p| p != usize::MAX)).collect();
    (forest.order, parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 4×4 grid, all populations 1, two zones of 8 (left and right halves).
    fn grid() -> (Vec<Vec<usize>>, Vec<f64>, Partition) {
        let n = 16;
        let adj = crate::partition::grid_adjacency(4, 4);
        let labels: Vec<usize> = (0..n).map(|i| usize::from(i % 4 >= 2)).collect();
        (adj, vec![1.0; n], Partition::from_labels(&labels))
    }

    #[test]
    fn chain_yields_only_contiguous_balanced_plans_and_moves() {
        let (adj, pop, start) = grid();
        let params = ChainParams { samples: 500, burn_in: 10, k: 2, balance: 0.25, seed: 9, time_limit: DEFAULT_TIME_LIMIT };
        let (lo, hi) = bounds(&pop, 2, 0.25);
        let mut distinct = std::collections::BTreeSet::new();
        let accepted = run(&adj, &pop, &start, &params, |p| {
            assert!(p.is_contiguous(&adj));
            assert_eq!(p.k(), 2);
            for m in p.zones() {
                let s: f64 = m.iter().map(|&u| pop[u]).sum();
                assert!((lo..=hi).contains(&s), "zone of {s} outside [{lo}, {hi}]");
            }
            distinct.insert(p.canonical().labels().to_vec());
        });
        assert!(accepted > 100 && distinct.len() > 20, "the chain explores: {accepted} moves, {} plans", distinct.len());
    }

    #[test]
    fn start_plan_keeps_a_balanced_plan_and_replaces_an_unbalanced_one() {
        let (adj, pop, halves) = grid();
        let x = ndarray::Array2::from_shape_fn((16, 1), |(i, _)| (i % 4) as f64);
        let inst = crate::solve::Instance::from_parts(adj.clone(), x, pop.clone(), None, (0..16).map(|i| i.to_string()).collect());
        let (p, from) = start_plan(&inst, Some(&halves), 2, 0.25, 7).unwrap();
        assert_eq!((p.labels(), from), (halves.labels(), Start::Plan));
        // Column 0 alone (4 of 16) is outside ±25 % of the ideal 8: the heuristic's plan instead.
        let lopsided = Partition::from_labels(&(0..16).map(|i| usize::from(i % 4 >= 1)).collect::<Vec<_>>());
        let (p, from) = start_plan(&inst, Some(&lopsided), 2, 0.25, 7).unwrap();
        assert_eq!(from, Start::Heuristic);
        assert!(is_balanced(&pop, &p, 2, 0.25) && p.is_contiguous(&adj));
        let (none, from) = start_plan(&inst, None, 2, 0.25, 7).unwrap();
        assert_eq!((none.labels(), from), (p.labels(), Start::Heuristic));
    }

    #[test]
    fn k_and_balance_are_checked() {
        let ok = ChainParams { samples: 10, burn_in: 0, k: 4, balance: 0.25, seed: 1, time_limit: DEFAULT_TIME_LIMIT };
        assert!(ok.check(42).is_ok());
        assert!(matches!(ChainParams { k: 0, ..ok.clone() }.check(42), Err(EnsembleError::InvalidK { k: 0, units: 42 })));
        assert!(matches!(ChainParams { k: 43, ..ok.clone() }.check(42), Err(EnsembleError::InvalidK { k: 43, .. })));
        for b in [0.0, 1.0, -0.1, f64::NAN] {
            assert!(matches!(ChainParams { balance: b, ..ok.clone() }.check(42), Err(EnsembleError::InvalidBalance(_))), "{b}");
        }
    }

    #[test]
    fn samples_must_be_at_least_one() {
        let ok = ChainParams { samples: 10, burn_in: 0, k: 4, balance: 0.25, seed: 1, time_limit: DEFAULT_TIME_LIMIT };
        let e = ChainParams { samples: 0, ..ok.clone() }.check(42).unwrap_err();
        assert!(matches!(e, EnsembleError::InvalidSamples(0)), "{e}");
        assert!(e.to_string().contains("samples"), "{e}");
        assert!(ChainParams { samples: 1, ..ok }.check(42).is_ok());
    }

    #[test]
    fn steps_must_fit_a_counter_but_a_huge_burn_in_is_allowed() {
        let ok = ChainParams { samples: 10, burn_in: usize::MAX - 10, k: 4, balance: 0.25, seed: 1, time_limit: 1.0 };
        assert!(ok.check(42).is_ok());
        let e = ChainParams { samples: 11, ..ok }.check(42).unwrap_err();
        assert!(matches!(e, EnsembleError::TooManySteps { samples: 11, .. }), "{e}");
    }

    #[test]
    fn time_limit_must_be_positive_and_finite() {
        let ok = ChainParams { samples: 10, burn_in: 0, k: 4, balance: 0.25, seed: 1, time_limit: 0.5 };
        assert!(ok.check(42).is_ok());
        for t in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(ChainParams { time_limit: t, ..ok.clone() }.check(42), Err(EnsembleError::InvalidTimeLimit(_))), "{t}");
        }
    }

    #[test]
    fn the_time_limit_stops_a_huge_burn_in_and_says_what_it_cut_short() {
        let (adj, pop, start) = grid();
        let params = ChainParams { samples: 5, burn_in: usize::MAX / 2, k: 2, balance: 0.25, seed: 9, time_limit: 0.05 };
        let ticks = std::sync::atomic::AtomicU64::new(0);
        let count = |t: Tick<'_>| {
            assert_eq!(t.task, "burn-in");
            ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        };
        let clock = Instant::now();
        let run = run_with(&adj, &pop, &start, &params, &count, |_| panic!("no sample during burn-in"));
        assert!(clock.elapsed().as_secs_f64() < 5.0);
        let cut = run.cut_short.expect("cut short");
        assert_eq!((cut.reason, cut.samples_done, cut.samples, cut.burn_in), ("time_limit", 0, 5, usize::MAX / 2));
        assert!(cut.burn_in_done > 0 && cut.burn_in_done == run.burn_in_done, "{cut:?}");
        assert_eq!(ticks.load(std::sync::atomic::Ordering::Relaxed), run.burn_in_done as u64);
        assert!(cut.to_string().contains("no samples"), "{cut}");
    }

    #[test]
    fn a_run_within_its_limit_is_not_cut_short() {
        let (adj, pop, start) = grid();
        let params = ChainParams { samples: 30, burn_in: 7, k: 2, balance: 0.25, seed: 9, time_limit: DEFAULT_TIME_LIMIT };
        let mut seen = 0;
        let run = run_with(&adj, &pop, &start, &params, &Silent, |_| seen += 1);
        assert_eq!((run.burn_in_done, run.samples_done, seen, run.cut_short), (7, 30, 30, None));
    }

    #[test]
    fn imbalance_is_measured_against_the_asked_k() {
        // Populations 1..=4 (total 10) in two zones {1,2} = 3 and {3,4} = 7.
        let pop = [1.0, 2.0, 3.0, 4.0];
        let p = Partition::from_labels(&[0, 0, 1, 1]);
        // Against k = 2: ideal 5, deviations 2/5 and 2/5.
        assert!((imbalance(&pop, &p, 2) - 0.4).abs() < 1e-12);
        // Against k = 4: ideal 2.5, zone of 7 deviates by 4.5 / 2.5 = 1.8.
        assert!((imbalance(&pop, &p, 4) - 1.8).abs() < 1e-12);
        // Bounds for k = 2 at ±40 %: [3, 7], both zones inside; at ±30 %: [3.5, 6.5], neither.
        assert!(is_balanced(&pop, &p, 2, 0.4 + 1e-12));
        assert!(!is_balanced(&pop, &p, 2, 0.3));
        // A 2-zone plan is never balanced for k = 4.
        assert!(!is_balanced(&pop, &p, 4, 0.99));
    }
}
