//! Bootstrap stability: re-solving a scenario on perturbed features and weights, and what
//! each replicate says about the zones of the original partition.

use super::*;

/// Bootstrap stability of a scenario's partition `base`: `boot.runs` replicates in parallel
/// (on the current rayon pool), replicate `i` seeded from `(s.seed, i)`, combined by index.
///
/// # Errors
/// [`CompareError::Scenario`] naming the scenario and the replicate that failed.
pub fn stability(
    t: &Territory,
    g: &AdjacencyGraph,
    raw: &FeatureMatrix,
    s: &Scenario,
    base: &Partition,
    boot: Bootstrap,
) -> Result<Stability, CompareError> {
    let solves = Solves { task: "bootstrap", done: AtomicU64::new(0), total: boot.runs as u64, progress: &Silent };
    stability_with(t, g, raw, s, base, boot, &solves)
}

pub(super) fn stability_with(
    t: &Territory,
    g: &AdjacencyGraph,
    raw: &FeatureMatrix,
    s: &Scenario,
    base: &Partition,
    boot: Bootstrap,
    solves: &Solves<'_>,
) -> Result<Stability, CompareError> {
    boot.check()?;
    let replicates: Vec<Result<Replicate, CompareError>> = (0..boot.runs)
        .into_par_iter()
        .map(|run| {
            let r = replicate(t, g, raw, s, base, boot, run);
            solves.finished();
            r
        })
        .collect();
    let n = t.len();
    let mut stay = vec![0usize; n];
    let mut survive = vec![0usize; base.k()];
    for r in replicates {
        let r = r?;
        for (count, kept) in stay.iter_mut().zip(&r.stayed) {
            *count += usize::from(*kept);
        }
        for (count, kept) in survive.iter_mut().zip(&r.survived) {
            *count += usize::from(*kept);
        }
    }
    let r = boot.runs.max(1) as f64;
    Ok(Stability {
        runs: boot.runs,
        noise: boot.noise,
        resample_weights: boot.resample_weights,
        survival_threshold: boot.survival_threshold,
        unit: t.units.iter().enumerate().map(|(u, m)| (m.istat.clone(), stay[u] as f64 / r)).collect(),
        zone: survive.iter().map(|&c| c as f64 / r).collect(),
    })
}

/// What one bootstrap replicate says: per unit, whether it stayed with its zone's core; per
/// zone of `base`, whether it survived.
struct Replicate {
    stayed: Vec<bool>,
    survived: Vec<bool>,
}

fn replicate(
    t: &Territory,
    g: &AdjacencyGraph,
    raw: &FeatureMatrix,
    s: &Scenario,
    base: &Partition,
    boot: Bootstrap,
    run: usize,
) -> Result<Replicate, CompareError> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(s.seed ^ (run as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let inst = instance(t, g, raw, s, Some((&mut rng, boot.noise, boot.resample_weights)))?;
    let out = solve_one(&inst, s)
        .map_err(|e| CompareError::Scenario { name: s.name.clone(), reason: format!("bootstrap run {}: {e}", run + 1) })?;
    let m = metrics::match_zones(base.labels(), out.partition.labels());
    let stayed = (0..t.len()).map(|u| m[base.zone_of(u)] == Some(out.partition.zone_of(u))).collect();
    let survived = base
        .zones()
        .iter()
        .map(|members| {
            let best = out
                .partition
                .zones()
                .iter()
                .map(|other| {
                    let inter = members.iter().filter(|u| other.contains(u)).count();
                    inter as f64 / (members.len() + other.len() - inter) as f64
                })
                .fold(0.0, f64::max);
            best >= boot.survival_threshold
        })
        .collect();
    Ok(Replicate { stayed, survived })
}
