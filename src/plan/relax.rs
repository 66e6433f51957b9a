//! Relaxations: when no partition meets the spec's bounds, the plan changes one bound as
//! little as possible and says so — what was asked, what was used, why.
//!
//! "As little as possible" is searched per bound: a population minimum is lowered to the
//! largest value that still works (bisection to one resident, starting from the proved
//! ceiling total/k), a maximum raised to the smallest, a municipality count moved one unit at a
//! time, the zone count by one. Among the single changes that work, the smallest relative
//! change wins. "Works" is a quick heuristic search, then the exact search where the heuristic
//! misses: on areas the exact search proves, the value found is the true optimum.

use serde::Serialize;

use crate::solve::Constraints;

/// Which tier a relaxation concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Homogeneous zones (tier 2).
    Zones,
    /// Local groups inside a zone (tier 3).
    Groups,
}

/// One bound the plan changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relaxation {
    /// Zones or groups.
    pub tier: Tier,
    /// The zone whose groups were relaxed (groups only).
    pub zone: Option<usize>,
    /// The spec key, e.g. `functions.police.zones.min_pop`.
    pub key: String,
    /// The value asked for.
    pub asked: f64,
    /// The value used instead; `None` when the bound was dropped.
    pub used: Option<f64>,
    /// Why: the obstacle with the asked value.
    pub why: String,
}

impl Relaxation {
    /// `functions.police.zones.min_pop 1000000000 → 59484`.
    pub fn change(&self) -> String {
        match self.used {
            Some(v) => format!("{} {} → {}", self.key, self.asked, v),
            None => format!("{} {} dropped", self.key, self.asked),
        }
    }
}

impl std::fmt::Display for Relaxation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let place = self.zone.map_or(String::new(), |z| format!("zone {z}: "));
        write!(f, "{place}{} ({})", self.change(), self.why)
    }
}

/// A candidate: the relative size of the change, the constraints with it, the bound (name
/// under the tier's table, asked, used).
pub(crate) struct Candidate {
    pub size: f64,
    pub cons: Constraints,
    pub name: &'static str,
    pub asked: f64,
    pub used: Option<f64>,
}

/// Bisects between an integer where `works` holds (`ok`) and one where it fails (`bad`, on
/// either side), assuming one switch between them: returns the working integer next to it.
fn bisect(mut ok: f64, mut bad: f64, works: &dyn Fn(f64) -> bool) -> f64 {
    while (bad - ok).abs() > 1.0 {
        let mid = ((ok + bad) / 2.0).floor();
        if works(mid) {
            ok = mid;
        } else {
            bad = mid;
        }
    }
    ok
}

/// The largest integer in `[0, hi]` for which `works` holds — bisection, assuming `works` is
/// monotone (a lower minimum only helps).
fn largest_working(hi: f64, works: &dyn Fn(f64) -> bool) -> Option<f64> {
    let hi = hi.floor().max(0.0);
    if works(hi) {
        return Some(hi);
    }
    works(0.0).then(|| bisect(0.0, hi, works))
}

/// The smallest integer in `[lo, top]` for which `works` holds — bisection, assuming a
/// higher maximum only helps.
pub(crate) fn smallest_working(lo: f64, top: f64, works: &dyn Fn(f64) -> bool) -> Option<f64> {
    let (lo, top) = (lo.ceil(), top.ceil().max(lo.ceil()));
    if works(lo) {
        return Some(lo);
    }
    works(top).then(|| bisect(top, lo, works))
}

/// Population relaxations of `cons` for `k` zones (or groups) over `total` residents whose
/// largest unit has `largest` residents: the minimum lowered to the largest value that works
/// (never above total/k, which no partition can beat), the maximum raised to the smallest
/// (never below total/k nor the largest unit).
pub(crate) fn population(cons: &Constraints, total: f64, largest: f64, works: &dyn Fn(&Constraints) -> bool) -> Vec<Candidate> {
    let mut out = Vec::new();
    let k = cons.k.max(1) as f64;
    if let Some(lo) = cons.min_pop.filter(|&v| v > 0.0) {
        let with = |v: f64| Constraints { min_pop: Some(v), ..cons.clone() };
        let ceiling = lo.min((total / k).floor());
        if let Some(v) = largest_working(ceiling, &|v| works(&with(v))) {
            if v < lo {
                out.push(Candidate { size: (lo - v) / lo, cons: with(v), name: "min_pop", asked: lo, used: Some(v) });
            }
        }
    }
    if let Some(hi) = cons.max_pop {
        let with = |v: f64| Constraints { max_pop: Some(v), ..cons.clone() };
        let floor = hi.max((total / k).ceil()).max(largest);
        if let Some(v) = smallest_working(floor, total, &|v| works(&with(v))) {
            if v > hi {
                out.push(Candidate { size: (v - hi) / hi.max(1.0), cons: with(v), name: "max_pop", asked: hi, used: Some(v) });
            }
        }
    }
    out
}

/// Municipality-count relaxations: the minimum lowered, the maximum raised, one at a time
/// until one works (`n` units in all).
pub(crate) fn units(cons: &Constraints, n: usize, works: &dyn Fn(&Constraints) -> bool) -> Vec<Candidate> {
    let mut out = Vec::new();
    if let Some(lo) = cons.min_units.filter(|&v| v > 1) {
        if let Some(v) = (1..lo).rev().find(|&v| works(&Constraints { min_units: Some(v), ..cons.clone() })) {
            let c = Constraints { min_units: Some(v), ..cons.clone() };
            out.push(Candidate { size: (lo - v) as f64 / lo as f64, cons: c, name: "min_units", asked: lo as f64, used: Some(v as f64) });
        }
    }
    if let Some(hi) = cons.max_units.filter(|&v| v < n) {
        if let Some(v) = (hi + 1..=n).find(|&v| works(&Constraints { max_units: Some(v), ..cons.clone() })) {
            let c = Constraints { max_units: Some(v), ..cons.clone() };
            out.push(Candidate { size: (v - hi) as f64 / hi as f64, cons: c, name: "max_units", asked: hi as f64, used: Some(v as f64) });
        }
    }
    out
}

/// The smallest candidate (ties: the first listed), as the relaxation of `table`
/// (`functions.police.zones`) with `why`.
pub(crate) fn smallest(
    mut found: Vec<Candidate>,
    tier: Tier,
    zone: Option<usize>,
    table: &str,
    why: &str,
) -> Option<(Constraints, Relaxation)> {
    found.sort_by(|a, b| a.size.total_cmp(&b.size));
    let c = found.into_iter().next()?;
    let relaxation = Relaxation { tier, zone, key: format!("{table}.{}", c.name), asked: c.asked, used: c.used, why: why.to_string() };
    Some((c.cons, relaxation))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisection_finds_the_threshold_exactly() {
        // Works up to 12345 inclusive: the largest minimum is 12345, not a 5 % step below.
        assert_eq!(largest_working(1e9, &|v| v <= 12345.0), Some(12345.0));
        assert_eq!(largest_working(100.0, &|v| v <= 100.0), Some(100.0));
        assert_eq!(largest_working(100.0, &|_| false), None);
        assert_eq!(smallest_working(10.0, 1e6, &|v| v >= 777.0), Some(777.0));
        assert_eq!(smallest_working(10.0, 1e6, &|_| false), None);
    }

    #[test]
    fn a_population_minimum_is_lowered_to_the_largest_value_that_works() {
        let cons = Constraints { k: 2, min_pop: Some(1e9), ..Constraints::default() };
        // 10,000 residents in 2 zones: nothing above 5,000 can work; say 4,321 is the best.
        let found = population(&cons, 10_000.0, 3_000.0, &|c| c.min_pop.unwrap() <= 4_321.0);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].used, Some(4_321.0));
        assert_eq!(found[0].name, "min_pop");
        let (c, r) = smallest(found, Tier::Zones, None, "functions.police.zones", "no 2 zones").unwrap();
        assert_eq!(c.min_pop, Some(4_321.0));
        assert_eq!(r.change(), "functions.police.zones.min_pop 1000000000 → 4321");
    }

    #[test]
    fn a_maximum_is_raised_no_further_than_needed() {
        let cons = Constraints { k: 2, max_pop: Some(4_000.0), ..Constraints::default() };
        let found = population(&cons, 10_000.0, 3_000.0, &|c| c.max_pop.unwrap() >= 6_100.0);
        assert_eq!(found[0].used, Some(6_100.0));
        assert!((found[0].size - 2_100.0 / 4_000.0).abs() < 1e-12);
    }

    #[test]
    fn unit_bounds_move_one_at_a_time_and_the_smallest_change_wins() {
        let cons = Constraints { k: 3, min_units: Some(4), max_units: Some(5), ..Constraints::default() };
        let works = |c: &Constraints| c.min_units.unwrap() <= 2 || c.max_units.unwrap() >= 6;
        let found = units(&cons, 20, &works);
        let (c, r) = smallest(found, Tier::Groups, Some(2), "functions.ict.groups", "x").unwrap();
        // min_units 4 → 2 is a 50 % change, max_units 5 → 6 a 20 % one.
        assert_eq!((c.min_units, c.max_units), (Some(4), Some(6)));
        assert_eq!(r.to_string(), "zone 2: functions.ict.groups.max_units 5 → 6 (x)");
    }
}
