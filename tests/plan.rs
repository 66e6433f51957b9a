//! The three-tier plan on the default area: invariants, determinism, spec errors naming the
//! key, collaborations, and an infeasible spec explained.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use pianura::features::FeatureMatrix;
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::partition::Partition;
use pianura::plan::{self, Collaboration, Plan, Spec};
use pianura::territory::Territory;

fn run(spec: &Spec, collabs: &[Collaboration]) -> Plan {
    let t = Territory::embedded_default();
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
    let f = FeatureMatrix::embedded_default(&t).unwrap();
    spec.check(&t, f.names(), "test spec").unwrap();
    plan::build(&t, &g, &f, spec, collabs, &|_, _| {}).unwrap().0
}

/// A quicker spec for the tests that are not about the default itself: same structure,
/// fewer branch-and-cut nodes.
fn quick_spec() -> Spec {
    let mut s = Spec::embedded_default();
    s.solver.node_limit = 3;
    s.solver.group_node_limit = 200;
    s
}

/// The quick spec reduced to one function.
fn quick_spec_for(id: &str) -> Spec {
    let mut s = quick_spec();
    s.functions.retain(|f, _| f == id);
    s
}

/// Ambito 10 (Bassa Bresciana Orientale, 7 municipalities) as the vast area, SUAP/SUE only,
/// in 2 zones of at least 10,000 residents; `adjust` edits the spec further.
fn ambito10_plan(adjust: impl FnOnce(&mut Spec), collabs: &[Collaboration]) -> Plan {
    let mut spec = quick_spec_for("suap_sue");
    spec.area.units = ["017001", "017032", "017034", "017039", "017113", "017160", "017203"].map(String::from).to_vec();
    let f = spec.functions.get_mut("suap_sue").unwrap();
    f.zones.k = pianura::plan::spec::ZoneCount::Fixed(2);
    f.zones.min_pop = Some(10000.0);
    adjust(&mut spec);
    let t_all = Territory::embedded_default();
    let t = plan::vast_area(&t_all, &spec);
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
    let rows: Vec<usize> = t.units.iter().map(|u| t_all.find(&u.istat).unwrap().index()).collect();
    let feats = FeatureMatrix::embedded_default(&t_all).unwrap().rows(&rows);
    plan::build(&t, &g, &feats, &spec, collabs, &|_, _| {}).unwrap().0
}

fn adjacency(t: &Territory) -> Vec<Vec<usize>> {
    let g = AdjacencyGraph::build(t, Contiguity::Queen).unwrap();
    (0..t.len() as u32).map(|i| g.neighbors(pianura::territory::MunicipalityId(i)).iter().map(|m| m.index()).collect()).collect()
}

#[test]
fn default_plan_invariants_and_byte_identical_output() {
    let t = Territory::embedded_default();
    let adj = adjacency(&t);
    let spec = Spec::embedded_default();
    let plan = run(&spec, &[]);
    assert_eq!(plan.area.units, 42);
    assert_eq!(plan.area.components, 1);
    let ids: Vec<&str> = plan.functions.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["ufficio_tecnico", "polizia_locale", "suap_sue", "ict"]);
    for f in &plan.functions {
        let gs = &spec.functions[&f.id].groups;
        // Every municipality in exactly one zone and one group.
        let mut zone_of = BTreeMap::new();
        for z in &f.zones {
            for m in &z.members {
                assert!(zone_of.insert(m.istat.clone(), z.id).is_none(), "{}: {} in two zones", f.id, m.istat);
            }
        }
        let mut group_of = BTreeMap::new();
        for g in &f.groups {
            for m in &g.members {
                assert!(group_of.insert(m.istat.clone(), g.id.clone()).is_none(), "{}: {} in two groups", f.id, m.istat);
                // Groups nest in zones.
                assert_eq!(zone_of[&m.istat], g.zone, "{}: group {} crosses zones", f.id, g.id);
            }
        }
        assert_eq!(zone_of.len(), 42);
        assert_eq!(group_of.len(), 42);
        // Zones and groups contiguous.
        let idx = |istat: &str| t.find(istat).unwrap().index();
        let zlabels: Vec<usize> = t.units.iter().map(|u| zone_of[&u.istat]).collect();
        assert!(Partition::from_labels(&zlabels).is_contiguous(&adj), "{}: zones", f.id);
        let gnames: BTreeSet<&String> = group_of.values().collect();
        let gindex: BTreeMap<&String, usize> = gnames.iter().enumerate().map(|(i, g)| (*g, i)).collect();
        let glabels: Vec<usize> = t.units.iter().map(|u| gindex[&group_of[&u.istat]]).collect();
        assert!(Partition::from_labels(&glabels).is_contiguous(&adj), "{}: groups", f.id);
        // Every bound met, or the zone explains why not.
        let zspec = &spec.functions[&f.id].zones;
        for z in &f.zones {
            assert!(zspec.min_pop.is_none_or(|lo| z.population >= lo), "{}: zone {} below min_pop", f.id, z.id);
            let explained = z.explanation.is_some();
            for g in f.groups.iter().filter(|g| g.zone == z.id) {
                let pop: f64 = g.members.iter().map(|m| t.unit(t.find(&m.istat).unwrap()).pop.unwrap()).sum();
                assert_eq!(pop, g.population);
                let ok = (gs.min_units..=gs.max_units).contains(&g.members.len())
                    && gs.min_pop.is_none_or(|lo| pop >= lo)
                    && gs.max_pop.is_none_or(|hi| pop <= hi)
                    && gs.max_km.is_none_or(|km| g.diameter_km.unwrap() <= km + 1e-9);
                assert!(ok || explained, "{}: group {} breaks a bound without explanation", f.id, g.id);
                assert_eq!(ok, g.meets_bounds, "{}: group {}", f.id, g.id);
                let _ = idx;
            }
        }
    }
    // Same seed, same bytes.
    let again = run(&spec, &[]);
    assert_eq!(serde_json::to_string(&plan).unwrap(), serde_json::to_string(&again).unwrap());
}

#[test]
fn an_impossible_group_bound_is_explained_with_zone_municipalities_and_relaxation() {
    let mut spec = quick_spec_for("ict");
    // ICT groups of 3–6 municipalities, at least 30,000 residents each: the small-town zone
    // cannot make one.
    spec.functions.get_mut("ict").unwrap().groups.min_pop = Some(30000.0);
    let plan = run(&spec, &[]);
    let f = &plan.functions[0];
    let explained: Vec<&String> = f.zones.iter().filter_map(|z| z.explanation.as_ref()).collect();
    assert!(!explained.is_empty(), "some zone cannot be grouped");
    let e = explained[0];
    assert!(e.starts_with("zone "), "{e}");
    assert!(e.contains("30000"), "names the bound: {e}");
    assert!(e.contains("smallest relaxation found that works: functions.ict.groups.min_pop 30000 →"), "{e}");
    let z = f.zones.iter().find(|z| z.explanation.is_some()).unwrap();
    assert!(e.contains(&z.members[0].name), "names the municipalities: {e}");
    // The relaxation is applied, and recorded as data: asked, used, where.
    let r = f.relaxations.iter().find(|r| r.zone == Some(z.id)).expect("the zone's relaxation is listed");
    assert_eq!((r.tier, r.key.as_str(), r.asked), (plan::Tier::Groups, "functions.ict.groups.min_pop", 30000.0));
    let used = r.used.unwrap();
    assert!(used < 30000.0 && used > 0.0, "{used}");
    assert!(z.group_solver.is_some(), "groups were formed with the relaxed bound");
    for g in f.groups.iter().filter(|g| g.zone == z.id) {
        assert!(g.population >= used, "group {} has {} < {used}", g.id, g.population);
        assert!(!g.meets_bounds, "measured against the spec's 30,000, not the relaxed bound");
    }
}

/// Largest minimum zone population over every contiguous partition into `k` zones: the
/// bound a population minimum can be relaxed to at best (brute force over labelings).
fn best_min_pop(t: &Territory, k: usize) -> f64 {
    let adj = adjacency(t);
    let n = t.len();
    let pop: Vec<f64> = t.units.iter().map(|u| u.pop.unwrap()).collect();
    let mut best = 0.0f64;
    let mut labels = vec![0usize; n];
    for code in 0..k.pow(n as u32) {
        let mut c = code;
        for l in labels.iter_mut() {
            *l = c % k;
            c /= k;
        }
        if (0..k).any(|z| !labels.contains(&z)) || !Partition::from_labels(&labels).is_contiguous(&adj) {
            continue;
        }
        let least = (0..k).map(|z| (0..n).filter(|&u| labels[u] == z).map(|u| pop[u]).sum::<f64>()).fold(f64::INFINITY, f64::min);
        best = best.max(least);
    }
    best
}

#[test]
fn a_population_minimum_is_relaxed_to_the_brute_force_optimum_not_to_zero() {
    let plan = ambito10_plan(|s| s.functions.get_mut("suap_sue").unwrap().zones.min_pop = Some(1e9), &[]);
    let f = &plan.functions[0];
    let spec_units = ["017001", "017032", "017034", "017039", "017113", "017160", "017203"];
    let t_all = Territory::embedded_default();
    let ids: Vec<_> = spec_units.iter().map(|c| t_all.find(c).unwrap()).collect();
    let t = t_all.subset(&ids, "ambito 10");
    let best = best_min_pop(&t, 2);
    assert!(best > 10_000.0, "the brute force finds a real bound: {best}");
    let r = &f.relaxations[0];
    assert_eq!((r.tier, r.zone, r.key.as_str(), r.asked), (plan::Tier::Zones, None, "functions.suap_sue.zones.min_pop", 1e9));
    assert_eq!(r.used, Some(best.floor()), "relaxed to the largest value any 2 contiguous zones reach");
    assert!(f.zones.iter().all(|z| z.population >= best.floor()));
    assert!(f.zone_explanation.as_ref().unwrap().contains("min_pop 1000000000 → "), "{:?}", f.zone_explanation);
    // The report says it at the top, with what was asked and what was used.
    let html = pianura::report::html::render(&plan, &plan::Timings::default(), &t);
    let banner = &html[html.find(r#"id="relaxations""#).expect("a relaxations banner")..];
    let banner = &banner[..banner.find("</div>").unwrap()];
    assert!(banner.contains("functions.suap_sue.zones.min_pop") && banner.contains("1\u{202f}000\u{202f}000\u{202f}000"), "{banner}");
    let used = best.floor() as u64;
    assert!(banner.contains(&format!("{}\u{202f}{:03}", used / 1000, used % 1000)), "shows the value used, {used}: {banner}");
    assert!(html.find(r#"id="relaxations""#) < html.find("<h2>Summary</h2>"), "above the summary");
}

#[test]
fn strict_mode_refuses_a_relaxation_and_names_the_bound() {
    let mut spec = quick_spec_for("ufficio_tecnico");
    spec.functions.get_mut("ufficio_tecnico").unwrap().zones.min_pop = Some(62000.0);
    spec.solver.strict = true;
    let t = Territory::embedded_default();
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
    let f = FeatureMatrix::embedded_default(&t).unwrap();
    let err = plan::build(&t, &g, &f, &spec, &[], &|_, _| {}).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, plan::PlanError::Strict { relaxation, .. } if relaxation.key == "functions.ufficio_tecnico.zones.min_pop" && relaxation.asked == 62000.0),
        "{msg}"
    );
    assert!(msg.contains("functions.ufficio_tecnico.zones.min_pop cannot be met") && msg.contains("strict"), "{msg}");
}

#[test]
fn impossible_zone_bounds_are_relaxed_as_little_as_possible_and_explained() {
    let mut spec = quick_spec_for("ufficio_tecnico");
    // Four zones of at least 62,000 residents need 248,000; the area has 237,939.
    spec.functions.get_mut("ufficio_tecnico").unwrap().zones.min_pop = Some(62000.0);
    let plan = run(&spec, &[]);
    let f = &plan.functions[0];
    let e = f.zone_explanation.as_ref().expect("the zones are explained");
    assert!(e.contains("functions.ufficio_tecnico.zones") && e.contains("62000"), "names the key and bound: {e}");
    let relaxed: f64 = e
        .split("zones.min_pop 62000 → ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit() && c != '.').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("states the relaxed bound: {e}"));
    // No four zones can all exceed a quarter of the 237,939 residents.
    assert!(relaxed <= (237_939.0f64 / 4.0).floor() && relaxed >= 62000.0 * 0.5, "{relaxed}");
    assert_eq!(f.relaxations[0].used, Some(relaxed));
    // The zones honour the relaxed bound, and the rest of the plan is there.
    assert_eq!(f.zones.len(), 4);
    for z in &f.zones {
        assert!(z.population >= relaxed, "zone {} has {} < {relaxed}", z.id, z.population);
    }
    assert_eq!(f.assignment.len(), 42);
}

#[test]
fn collaborations_are_kept_or_split_with_a_reason() {
    let t = Territory::embedded_default();
    let collabs_csv = "name,function,members\n\
        Unione test Manerbio-Offlaga,all,017103 017122\n\
        Convenzione sparsa,ict,017001;017138\n";
    let (_d, path) = write_temp("collaborations.csv", collabs_csv);
    let spec = quick_spec_for("ict");
    let ids = spec.function_ids();
    let collabs = plan::collab::read(&path, &t, &ids).unwrap();
    assert_eq!(collabs.len(), 2);
    let plan = run(&spec, &collabs);
    let f = &plan.functions[0];
    let kept = f.collaborations.iter().find(|c| c.name.starts_with("Unione")).unwrap();
    assert!(kept.kept, "{:?}", kept.reason);
    assert_eq!(f.assignment["017103"].1, f.assignment["017122"].1, "kept in one group");
    // Acquafredda and San Paolo are far apart and not neighbours: split, with the reason.
    let split = f.collaborations.iter().find(|c| c.name.starts_with("Convenzione")).unwrap();
    assert!(!split.kept);
    assert!(split.reason.as_ref().unwrap().contains("contiguous"), "{:?}", split.reason);
}

#[test]
fn collaborations_csv_errors_name_the_row_and_code() {
    let t = Territory::embedded_default();
    let (_d, path) = write_temp("collab.csv", "name,function,members\nX,ict,017103 999999\nY,teleport,017103 017122\n");
    let msg = plan::collab::read(&path, &t, &["ict"]).unwrap_err().to_string();
    assert!(msg.contains("collab.csv") && msg.contains("row 2 (X): 999999 is not a municipality"), "{msg}");
    assert!(msg.contains("row 3 (Y): unknown function `teleport`"), "{msg}");
}

#[test]
fn spec_errors_name_the_key() {
    let t = Territory::embedded_default();
    let f = FeatureMatrix::embedded_default(&t).unwrap();
    let default = pianura::plan::spec::DEFAULT_SPEC;
    let err = |text: &str| -> String {
        match Spec::parse(text, "my.toml") {
            Err(e) => e.to_string(),
            Ok(s) => s.check(&t, f.names(), "my.toml").unwrap_err().to_string(),
        }
    };
    let unknown = default.replacen("[solver]", "[solver]\nspeed = 3", 1);
    assert!(err(&unknown).contains("speed"), "{}", err(&unknown));
    let wrong_type = default.replacen("seed = 42", "seed = \"forty-two\"", 1);
    assert!(err(&wrong_type).contains("seed"), "{}", err(&wrong_type));
    let inverted = default.replacen("min_units = 2, max_units = 6, min_pop = 8000", "min_units = 2, max_units = 6, min_pop = 80000", 1);
    let m = err(&inverted);
    assert!(m.contains("functions.ufficio_tecnico.groups.min_pop") && m.contains("80000"), "{m}");
    let too_small = default.replacen("min_pop = 6500, max_pop = 55000", "min_pop = 6500, max_pop = 9000", 1);
    let m = err(&too_small);
    assert!(m.contains("functions.ict.groups.max_pop") && m.contains("Montichiari"), "{m}");
    let bad_weight = default.replacen("log_units_per_1000 = 2.5\n", "income = 2.5\n", 1);
    let m = err(&bad_weight);
    assert!(m.contains("functions.suap_sue.weights") && m.contains("income"), "{m}");
    let bad_units = default.replacen("units = []", "units = [\"017103\", \"099999\"]", 1);
    let m = err(&bad_units);
    assert!(m.contains("area.units") && m.contains("099999"), "{m}");
}

#[test]
fn a_listed_vast_area_restricts_the_plan() {
    let plan = ambito10_plan(|_| {}, &[]);
    assert_eq!(plan.area.units, 7);
    assert_eq!(plan.functions[0].zones.len(), 2);
    assert_eq!(plan.functions[0].assignment.len(), 7);
}

#[test]
fn an_extra_feature_from_a_csv_is_weighted_into_the_zones() {
    // An extra column joined by ISTAT code: residents of 2022 in thousands (from the fixture).
    let t = Territory::embedded_default();
    let raw: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(bassa42()).unwrap()).unwrap();
    let mut csv = String::from("istat,pop2022_k\n");
    let mut extra = BTreeMap::new();
    for f in raw["features"].as_array().unwrap() {
        let (code, pop) = (f["properties"]["istat"].as_str().unwrap(), f["properties"]["pop_2022"].as_f64().unwrap());
        csv.push_str(&format!("{code},{}\n", pop / 1000.0));
        extra.insert(code.to_string(), pop / 1000.0);
    }
    let (_d, path) = write_temp("extra.csv", &csv);
    let feats = FeatureMatrix::embedded_default(&t).unwrap().join_csv(&path, &t).unwrap();
    // Only the extra feature counts, with weight 3.
    let mut spec = quick_spec_for("suap_sue");
    spec.area.features.push("pop2022_k".into());
    let f = spec.functions.get_mut("suap_sue").unwrap();
    for w in f.weights.values_mut() {
        *w = 0.0;
    }
    f.weights.insert("pop2022_k".into(), 3.0);
    spec.check(&t, feats.names(), "test spec").unwrap();
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
    let plan = plan::build(&t, &g, &feats, &spec, &[], &|_, _| {}).unwrap().0;
    // Each zone's SSD is 3 × the squared deviations of the z-scored extra feature (ddof 0).
    let n = extra.len() as f64;
    let mean = extra.values().sum::<f64>() / n;
    let sd = (extra.values().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
    for z in &plan.functions[0].zones {
        let zs: Vec<f64> = z.members.iter().map(|m| (extra[&m.istat] - mean) / sd).collect();
        let zm = zs.iter().sum::<f64>() / zs.len() as f64;
        let expected = 3.0 * zs.iter().map(|v| (v - zm) * (v - zm)).sum::<f64>();
        assert!((z.ssd - expected).abs() < 1e-9 * expected.max(1.0), "zone {}: {} vs {expected}", z.id, z.ssd);
    }
}

#[test]
fn most_groups_forms_at_least_as_many_groups_as_fewest_in_every_zone() {
    use pianura::plan::spec::GroupCount;
    let mut spec = quick_spec_for("ict");
    let mut groups_per_zone = |count| {
        spec.functions.get_mut("ict").unwrap().groups.count = count;
        let plan = run(&spec, &[]);
        let f = &plan.functions[0];
        assert!(f.groups.iter().all(|g| g.meets_bounds), "{count:?}: every group meets the bounds");
        f.zones.iter().map(|z| (z.members.len(), z.groups.len())).collect::<Vec<_>>()
    };
    let (fewest, most) = (groups_per_zone(GroupCount::Fewest), groups_per_zone(GroupCount::Most));
    // Same zones (tier 2 does not depend on the group count rule), more groups where possible.
    assert_eq!(fewest.iter().map(|z| z.0).collect::<Vec<_>>(), most.iter().map(|z| z.0).collect::<Vec<_>>());
    assert!(fewest.iter().zip(&most).all(|(f, m)| m.1 >= f.1), "{fewest:?} vs {most:?}");
    assert!(fewest.iter().zip(&most).any(|(f, m)| m.1 > f.1), "{fewest:?} vs {most:?}");
}

#[test]
fn collaboration_members_outside_the_vast_area_are_listed_and_the_rest_kept() {
    // Ambito 10 only; the collaboration also names Leno (017088, ambito 9).
    let collab = Collaboration {
        source: None,
        name: "Convenzione Calvisano-Visano".into(),
        function: "all".into(),
        members: vec!["017034".into(), "017203".into(), "017088".into()],
    };
    let plan = ambito10_plan(|s| s.functions.get_mut("suap_sue").unwrap().groups.min_pop = Some(3000.0), &[collab]);
    let f = &plan.functions[0];
    let c = &f.collaborations[0];
    assert_eq!(c.outside_area, vec!["017088".to_string()]);
    assert!(c.kept, "{:?}", c.reason);
    assert_eq!(f.assignment["017034"], f.assignment["017203"], "Calvisano and Visano share zone and group");
}
