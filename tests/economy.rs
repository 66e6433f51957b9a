//! The economic layer in the plan: every group of every function priced from its members'
//! spending in the committed fixture (read here with the csv crate, not through pianura), by
//! the formula of the method, recomputed by hand.

mod common;

use std::collections::BTreeMap;

use pianura::economy::{CurveParams, SpendingTable, Verdict};
use pianura::features::FeatureMatrix;
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::plan::{self, Spec};
use pianura::territory::Territory;

/// (istat, function) → (spending €, residents), straight from the fixture.
fn fixture_spending() -> BTreeMap<(String, String), (f64, f64)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bassa_bresciana/spending.csv");
    let mut r = csv::Reader::from_path(path).unwrap();
    r.deserialize::<(String, String, String, f64, f64)>()
        .map(|row| {
            let (istat, _, function, eur, pop) = row.unwrap();
            ((istat, function), (eur, pop))
        })
        .collect()
}

#[test]
fn every_group_is_priced_from_its_members_spending_by_the_size_effect() {
    let t = Territory::embedded_default();
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
    let f = FeatureMatrix::embedded_default(&t).unwrap();
    let mut spec = Spec::embedded_default();
    spec.solver.node_limit = 3;
    spec.solver.group_node_limit = 200;
    let (mut plan, _) = plan::build(&t, &g, &f, &spec, &[], &|_, _| {}).unwrap();
    let table = SpendingTable::embedded_default(&t).unwrap();
    plan::economy::estimate(&mut plan, &t, &table, &[], &CurveParams::default()).unwrap();
    let fixture = fixture_spending();
    assert_eq!(fixture.len(), 4 * 42);
    for fp in &plan.functions {
        let e = fp.economy.as_ref().unwrap_or_else(|| panic!("{}: no economy", fp.id));
        assert_eq!(Some(&e.spending_function), spec.functions[&fp.id].spending.as_ref());
        let c = e.curve.as_ref().unwrap();
        let b = c.elasticity;
        let excluded: Vec<&str> = c.excluded.iter().map(|x| x.istat.as_str()).collect();
        assert_eq!(c.n + excluded.len(), 42, "{}: every municipality is used or listed as excluded", fp.id);
        assert_eq!(e.groups.len(), fp.groups.len());
        let (mut current_all, mut saved_all) = (0.0, 0.0);
        for (gp, ge) in fp.groups.iter().zip(&e.groups) {
            assert_eq!(gp.id, ge.group);
            let counted: Vec<(f64, f64)> = gp
                .members
                .iter()
                .filter(|m| !excluded.contains(&m.istat.as_str()))
                .map(|m| fixture[&(m.istat.clone(), e.spending_function.clone())])
                .collect();
            let s = &ge.savings;
            assert_eq!(s.counted.len(), counted.len());
            assert_eq!(s.counted.len() + s.left_out.len(), gp.members.len());
            let current: f64 = counted.iter().map(|(eur, _)| eur).sum();
            let p: f64 = counted.iter().map(|(_, pop)| pop).sum();
            // Σ sᵢ (P/pᵢ)^b; one counted member (or none) is its own entity: no saving.
            let associated: f64 = if counted.len() < 2 { current } else { counted.iter().map(|(eur, pop)| eur * (p / pop).powf(b)).sum() };
            assert!((s.current_eur - current).abs() < 1e-6 * current.max(1.0), "{} {}: current", fp.id, gp.id);
            assert!((s.associated_eur - associated).abs() < 1e-6 * current.max(1.0), "{} {}: associated", fp.id, gp.id);
            assert!((s.savings_eur - (current - associated)).abs() < 1e-6 * current.max(1.0));
            assert!(s.savings_range[0] <= s.savings_eur + 1e-6 && s.savings_eur <= s.savings_range[1] + 1e-6, "{} {}: {s:?}", fp.id, gp.id);
            // With b < 0 a group of two or more saves; with b > 0 it would cost more.
            if counted.len() >= 2 {
                assert_eq!(s.savings_eur > 0.0, b < 0.0);
            }
            // Larger than every municipality of the fixture with that spending (Montichiari's
            // 26,180 residents at most): the estimate extrapolates, and says so.
            let largest = fixture
                .iter()
                .filter(|((istat, code), _)| code == &e.spending_function && !excluded.contains(&istat.as_str()))
                .map(|(_, (_, pop))| *pop)
                .fold(0.0, f64::max);
            assert_eq!(ge.beyond_sample, p > largest, "{} {}: {p} residents, largest {largest}", fp.id, gp.id);
            current_all += current;
            saved_all += current - associated;
        }
        let total = e.total.as_ref().unwrap();
        assert!((total.current_eur - current_all).abs() < 1e-6 * current_all);
        assert!((total.savings_eur - saved_all).abs() < 1e-6 * current_all.max(1.0));
        assert!(total.savings_range[0] <= total.savings_eur && total.savings_eur <= total.savings_range[1]);
        let said = if c.verdict == Verdict::None { "no measurable saving" } else { "less a year" };
        assert!(e.summary.contains(said), "{}", e.summary);
        let beyond = e.groups.iter().filter(|g| g.beyond_sample).count();
        if c.verdict != Verdict::None && beyond > 0 {
            assert!(e.summary.contains(&format!("{beyond} of the groups")) && e.summary.contains("extrapolates"), "{}", e.summary);
        }
    }
    // Brandico's historical police spending is zero (its police is a union's): left out.
    let pol = plan.economy.as_ref().unwrap().curves.iter().find(|c| c.function == "pol").unwrap();
    assert!(pol.excluded.iter().any(|x| x.istat == "017026"), "{:?}", pol.excluded);
}
