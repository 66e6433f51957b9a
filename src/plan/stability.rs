//! Across functions: which municipalities share a group in every function, and how stable each
//! one's group-mates are from function to function (mean Jaccard similarity).

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Comparison, FunctionPlan, UnitRef};
use crate::territory::Territory;

/// Which municipalities share a group in every function, and how stable each one's partners are.
pub(crate) fn compare(t: &Territory, functions: &[FunctionPlan]) -> Comparison {
    let n = t.len();
    let keys: Vec<Vec<String>> = (0..n).map(|u| functions.iter().map(|f| f.assignment[&t.units[u].istat].1.clone()).collect()).collect();
    let mut classes: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
    for (u, k) in keys.iter().enumerate() {
        classes.entry(k.clone()).or_default().push(u);
    }
    let mut always: Vec<Vec<UnitRef>> =
        classes.values().filter(|m| m.len() >= 2).map(|m| m.iter().map(|&u| UnitRef::of(t, u)).collect()).collect();
    always.sort_by(|a, b| a[0].istat.cmp(&b[0].istat));
    let mates = |fi: usize, u: usize| -> BTreeSet<usize> { (0..n).filter(|&v| v != u && keys[v][fi] == keys[u][fi]).collect() };
    let mut stability: Vec<(UnitRef, f64)> = (0..n)
        .map(|u| {
            let mut sum = 0.0;
            let mut pairs = 0;
            for a in 0..functions.len() {
                for b in a + 1..functions.len() {
                    let (x, y) = (mates(a, u), mates(b, u));
                    let union = x.union(&y).count();
                    sum += if union == 0 { 1.0 } else { x.intersection(&y).count() as f64 / union as f64 };
                    pairs += 1;
                }
            }
            (UnitRef::of(t, u), if pairs == 0 { 1.0 } else { sum / pairs as f64 })
        })
        .collect();
    stability.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.istat.cmp(&b.0.istat)));
    Comparison { always_together: always, stability }
}
