//! [`Spec::check`]: every problem of a spec against the area and its features, each naming
//! its key, collected rather than stopping at the first.

use std::collections::BTreeMap;

use super::*;

impl Spec {
    /// Rejects impossible values against the area, naming the key.
    ///
    /// # Errors
    /// [`SpecError::Invalid`] listing every problem found ([`Spec::problems`]).
    pub fn check(&self, t: &Territory, feature_names: &[String], source_name: &str) -> Result<(), SpecError> {
        let problems = self.problems(t, feature_names);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SpecError::Invalid { source_name: source_name.to_string(), problems })
        }
    }

    /// Every problem of the spec against the area `t` (the whole input, before the vast area
    /// is cut out of it) and its features, in spec order; empty when the spec can be used.
    pub fn problems(&self, t: &Territory, feature_names: &[String]) -> Vec<SpecProblem> {
        let mut out = Vec::new();
        let mut bad = |key: String, message: String| out.push(SpecProblem { key, message });
        if self.area.name.trim().is_empty() {
            bad("area.name".into(), "is empty: the report and plan.json are titled by it".into());
        }
        // The vast area: listed codes, each once.
        let mut in_area: Vec<usize> = Vec::new();
        let mut listed: BTreeMap<String, usize> = BTreeMap::new();
        for (i, code) in self.area.units.iter().enumerate() {
            let key = format!("area.units[{i}]");
            match t.find(code) {
                None => bad(key, format!("{code} is not a municipality of {}", t.source)),
                Some(id) => match listed.insert(t.unit(id).istat.clone(), i) {
                    Some(first) => bad(key, format!("{} is listed twice (also area.units[{first}])", t.unit(id))),
                    None => in_area.push(id.index()),
                },
            }
        }
        if self.area.units.is_empty() {
            in_area = (0..t.len()).collect();
        }
        let n = in_area.len();
        if self.area.features.is_empty() {
            bad("area.features".into(), "no feature listed".into());
        }
        let mut seen_features = Vec::new();
        for (i, f) in self.area.features.iter().enumerate() {
            if !feature_names.contains(f) {
                bad(format!("area.features[{i}]"), format!("unknown feature `{f}`; the area has {}", feature_names.join(", ")));
            } else if seen_features.contains(&f) {
                bad(format!("area.features[{i}]"), format!("`{f}` is listed twice: it would be weighted twice"));
            }
            seen_features.push(f);
        }
        // Solver.
        for (k, v) in [("solver.node_limit", self.solver.node_limit), ("solver.group_node_limit", self.solver.group_node_limit)] {
            if v == 0 {
                bad(k.into(), "must be at least 1".into());
            }
        }
        let tl = self.solver.time_limit;
        if !(tl.is_finite() && tl > 0.0) {
            bad("solver.time_limit".into(), format!("must be a finite number of seconds > 0, found {}", num(tl)));
        }
        // Functions.
        if self.functions.is_empty() {
            bad("functions".into(), "no function defined".into());
        }
        let no_pop: Vec<String> = in_area.iter().filter(|&&u| t.units[u].pop.is_none()).map(|&u| t.units[u].to_string()).collect();
        let largest = in_area
            .iter()
            .filter_map(|&u| Some((t.units[u].pop?, u)))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(p, u)| (p, t.units[u].to_string()));
        let mut lower_ids: BTreeMap<String, &str> = BTreeMap::new();
        for (id, f) in &self.functions {
            let key = |k: &str| format!("functions.{id}.{k}");
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
                bad(
                    format!("functions.{id}"),
                    format!("function id `{id}` must be ASCII letters, digits, `_` or `-`: it names an output file ({id}.geojson)"),
                );
            } else if id == "all" {
                bad(format!("functions.{id}"), "`all` is reserved: in a collaborations file it means every function".into());
            }
            if let Some(other) = lower_ids.insert(id.to_ascii_lowercase(), id) {
                bad(format!("functions.{id}"), format!("differs from function `{other}` only in case: their output files would collide"));
            }
            if f.label.trim().is_empty() {
                bad(key("label"), "is empty: the report names the function by it".into());
            }
            // Weights: named features of the area, usable numbers, not all zero.
            for (name, w) in &f.weights {
                if !self.area.features.contains(name) {
                    bad(key("weights"), format!("`{name}` is not one of area.features ({})", self.area.features.join(", ")));
                }
                if let Some(m) = weight_problem(*w) {
                    bad(key(&format!("weights.{name}")), m);
                }
            }
            if !self.area.features.is_empty() && self.area.features.iter().all(|name| f.weights.get(name) == Some(&0.0)) {
                bad(key("weights"), "every feature weighs 0: zones would be homogeneous in nothing (R² would mean nothing)".into());
            }
            // Zones.
            match f.zones.k {
                ZoneCount::Fixed(0) => bad(key("zones.k"), format!("must be at least 1; k is {K_EXPECTED}")),
                ZoneCount::Range([lo, hi]) if lo == 0 || lo > hi => {
                    bad(key("zones.k"), format!("range [{lo}, {hi}] is empty or starts at 0; k is {K_EXPECTED}"))
                }
                ZoneCount::Fixed(k) | ZoneCount::Range([_, k]) if k > n && n > 0 => {
                    bad(key("zones.k"), format!("{k} zones cannot be made of the {n} municipalities of the vast area"))
                }
                _ => {}
            }
            let mut pop_keys = Vec::new();
            for (tier, lo, hi) in [("zones", f.zones.min_pop, f.zones.max_pop), ("groups", f.groups.min_pop, f.groups.max_pop)] {
                for (k, v) in [("min_pop", lo), ("max_pop", hi)] {
                    if let Some(v) = v {
                        pop_keys.push(format!("{tier}.{k}"));
                        if !v.is_finite() || v < 0.0 {
                            bad(key(&format!("{tier}.{k}")), format!("population bounds must be finite and ≥ 0, found {}", num(v)));
                        }
                    }
                }
                if let (Some(lo), Some(hi)) = (lo, hi) {
                    if lo > hi {
                        bad(key(&format!("{tier}.min_pop")), format!("{lo} exceeds {tier}.max_pop {hi}"));
                    }
                }
                if let (Some(hi), Some((p, who))) = (hi, &largest) {
                    if hi < *p {
                        bad(
                            key(&format!("{tier}.max_pop")),
                            format!("{hi} is below the {p} residents of {who}: no zone or group can hold it"),
                        );
                    }
                }
            }
            if !pop_keys.is_empty() && !no_pop.is_empty() {
                bad(
                    key(&pop_keys[0]),
                    format!(
                        "{} bound residents, but the area has no population for {} of its {n} municipalities ({}): give a `pop` value for every municipality, or remove the population bounds",
                        pop_keys.join(", "),
                        no_pop.len(),
                        abbreviated(&no_pop)
                    ),
                );
            }
            // Groups.
            let g = &f.groups;
            if g.min_units == 0 || g.min_units > g.max_units {
                bad(key("groups.min_units"), format!("{} must be between 1 and groups.max_units {}", g.min_units, g.max_units));
            }
            if let Some(km) = g.max_km {
                if !(km.is_finite() && km > 0.0) {
                    bad(key("groups.max_km"), format!("must be a finite number of km > 0 (leave it out for no limit), found {km}"));
                }
            }
            if !g.compactness.is_finite() || g.compactness < 0.0 || g.compactness > MAX_WEIGHT {
                bad(
                    key("groups.compactness"),
                    format!("must be a finite number between 0 and {MAX_WEIGHT:e}, found {}", num(g.compactness)),
                );
            }
            // Keep-together: at least two known municipalities each, each municipality once.
            let mut member_of: BTreeMap<String, usize> = BTreeMap::new();
            let mut group_of: Vec<Vec<String>> = Vec::new();
            for (i, group) in f.keep_together.iter().enumerate() {
                let k = key(&format!("keep_together[{i}]"));
                let mut codes: Vec<String> = Vec::new();
                for code in group {
                    match t.find(code) {
                        None => bad(k.clone(), format!("{code} is not a municipality of the area")),
                        Some(id) => {
                            let m = t.unit(id);
                            if codes.contains(&m.istat) {
                                bad(k.clone(), format!("{m} is listed twice"));
                                continue;
                            }
                            codes.push(m.istat.clone());
                            if let Some(first) = member_of.insert(m.istat.clone(), i) {
                                bad(k.clone(), format!("{m} is also in keep_together[{first}]: merge the two groups into one"));
                            }
                        }
                    }
                }
                if group.len() < 2 {
                    let what = if group.is_empty() { "is empty".to_string() } else { format!("has one member ({})", group[0]) };
                    bad(k, format!("{what}: a group to keep together needs at least two municipalities"));
                }
                group_of.push(codes);
            }
            // Keep-apart: two different known municipalities, each pair once, not kept together.
            let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
            for (i, pair) in f.keep_apart.iter().enumerate() {
                let k = key(&format!("keep_apart[{i}]"));
                let ids: Vec<_> = pair.iter().map(|c| (c, t.find(c))).collect();
                for (code, id) in &ids {
                    if id.is_none() {
                        bad(k.clone(), format!("{code} is not a municipality of the area"));
                    }
                }
                let (Some(a), Some(b)) = (ids[0].1, ids[1].1) else { continue };
                let (a, b) = (t.unit(a), t.unit(b));
                if a.istat == b.istat {
                    bad(k, format!("{a} is paired with itself"));
                    continue;
                }
                let pair_key = if a.istat < b.istat { (a.istat.clone(), b.istat.clone()) } else { (b.istat.clone(), a.istat.clone()) };
                if let Some(first) = pairs.insert(pair_key, i) {
                    bad(k.clone(), format!("{a} and {b} are already kept apart by keep_apart[{first}]"));
                }
                if let Some(j) = group_of.iter().position(|g| g.contains(&a.istat) && g.contains(&b.istat)) {
                    bad(k, format!("{a} and {b} are kept together by keep_together[{j}]: they cannot also be kept apart"));
                }
            }
        }
        out
    }
}

/// Up to five items, then how many more.
fn abbreviated(items: &[String]) -> String {
    let mut s = items.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > 5 {
        s.push_str(&format!(" and {} more", items.len() - 5));
    }
    s
}
