//! The function spec: the study area, then one profile per priority function (feature
//! weights, zone and group settings, keep-together and keep-apart, horizon). A TOML file
//! deserializes into it; unknown keys and wrong types are rejected by serde with the key's
//! name, and [`Spec::check`] rejects impossible ranges naming the key. The default lives in
//! `specs/default.toml` and is embedded in the binary.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::territory::Territory;

/// The embedded default spec (Bassa Bresciana, four priority functions).
pub const DEFAULT_SPEC: &str = include_str!("../../specs/default.toml");

/// The four priority functions, in the order the project lists them; other functions follow
/// alphabetically.
pub const PRIORITY: &[&str] = &["ufficio_tecnico", "polizia_locale", "suap_sue", "ict"];

/// Errors reading or checking a spec. Each names the key at fault.
#[derive(Debug, Error)]
pub enum SpecError {
    /// Not valid TOML, an unknown key or a wrong type (the parser names the line, and the
    /// message the table the line belongs to).
    #[error("{source_name}: {}{message}", table.as_ref().map(|t| format!("in [{t}]: ")).unwrap_or_default())]
    Parse {
        /// File name or `embedded default spec`.
        source_name: String,
        /// The table (`functions.ict`) holding the line at fault, when known.
        table: Option<String>,
        /// Parser message.
        message: String,
    },
    /// Values that cannot work; every problem found is listed.
    #[error("{source_name}: {}", crate::error::list_problems(problems.iter().map(ToString::to_string).collect()))]
    Invalid {
        /// File name.
        source_name: String,
        /// Every problem, in spec order.
        problems: Vec<SpecProblem>,
    },
}

/// One problem of a spec: the dotted key and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("`{key}`: {message}")]
pub struct SpecProblem {
    /// Dotted key, e.g. `functions.ict.groups.min_pop`.
    pub key: String,
    /// What is wrong, with the numbers and municipalities.
    pub message: String,
}

/// The largest feature weight (and the largest `groups.compactness`): weights are relative,
/// and beyond this the squared distances lose every other term (1e308 overflows them).
pub const MAX_WEIGHT: f64 = 1e6;

/// The smallest weight other than 0: below it a feature counts for nothing anyway; write 0.
pub const MIN_WEIGHT: f64 = 1e-6;

/// A number as a message shows it: `1e308`, not 309 digits.
pub(crate) fn num(v: f64) -> String {
    if v.is_finite() && v != 0.0 && (v.abs() >= 1e7 || v.abs() < 1e-4) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Why a feature weight cannot be used, or `None` when it can.
pub fn weight_problem(w: f64) -> Option<String> {
    if !w.is_finite() || w < 0.0 {
        Some(format!("must be a finite number ≥ 0, found {}", num(w)))
    } else if w > MAX_WEIGHT {
        Some(format!("{} exceeds the largest weight {MAX_WEIGHT:e}: weights are relative, scale them down", num(w)))
    } else if w > 0.0 && w < MIN_WEIGHT {
        Some(format!("{} is below the smallest weight {MIN_WEIGHT:e}: write 0 to leave the feature out", num(w)))
    } else {
        None
    }
}

/// The table header (`functions.ict`, or `[scenario]` for an array of tables) of the line
/// holding byte `offset` of a TOML text, and how many headers of that name precede it
/// (1-based position of an array table).
pub(crate) fn table_at(text: &str, offset: usize) -> Option<(String, usize)> {
    let mut found: Option<String> = None;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if at > offset {
            break;
        }
        at += line.len();
        let l = line.trim();
        if l.starts_with('[') {
            let inner = l.trim_start_matches('[');
            if let Some(end) = inner.find(']') {
                // `[[name]]` counts apart from `[name]`: the key keeps its brackets' count.
                let name = if l.starts_with("[[") {
                    format!("[{}]", inner[..end].trim())
                } else {
                    inner[..end].trim().to_string()
                };
                *counts.entry(name.clone()).or_default() += 1;
                found = Some(name);
            }
        }
    }
    found.map(|name| {
        let n = counts[&name];
        (name, n)
    })
}

/// Whole spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The vast area.
    pub area: AreaSpec,
    /// Solver settings.
    #[serde(default)]
    pub solver: SolverSpec,
    /// Function id → profile.
    pub functions: BTreeMap<String, FunctionSpec>,
}

/// The vast area (tier 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaSpec {
    /// Display name.
    pub name: String,
    /// ISTAT codes of the vast area; empty = every municipality of the input.
    #[serde(default)]
    pub units: Vec<String>,
    /// Features compared.
    pub features: Vec<String>,
}

/// Solver settings shared by every partition of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SolverSpec {
    /// Seed of every random choice.
    pub seed: u64,
    /// Branch-and-cut nodes per exact zone solve (deterministic limit).
    pub node_limit: usize,
    /// Branch-and-cut nodes per exact group solve: group problems are small, so proofs
    /// (including that fewer groups are impossible) are cheap.
    pub group_node_limit: usize,
    /// Seconds per exact solve (safety net).
    pub time_limit: f64,
    /// Turn any relaxation of a bound (zones or groups) into an error naming the bound.
    /// Left out of `plan.json` when false, so plans made without it read as before.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
}

impl Default for SolverSpec {
    /// Seed 42, 400 zone nodes, 2000 group nodes, 20 s per solve, bounds may be relaxed.
    fn default() -> Self {
        SolverSpec { seed: 42, node_limit: 400, group_node_limit: 2000, time_limit: 20.0, strict: false }
    }
}

/// Short or medium term, as the articles label the functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Horizon {
    /// Short term.
    Short,
    /// Medium term.
    Medium,
}

/// One priority function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionSpec {
    /// Display name.
    pub label: String,
    /// Short or medium term.
    pub horizon: Horizon,
    /// Feature → weight (features not named weigh 1).
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// Tier 2 settings.
    pub zones: ZoneSpec,
    /// Tier 3 settings.
    pub groups: GroupSpec,
    /// Existing collaborations (ISTAT codes) to keep in one zone and one group.
    #[serde(default)]
    pub keep_together: Vec<Vec<String>>,
    /// Pairs never in the same local group.
    #[serde(default, deserialize_with = "pairs")]
    pub keep_apart: Vec<[String; 2]>,
}

/// Number of zones: fixed, or a range `[min, max]` (the plan picks by the elbow rule).
/// Deserialized by hand so that a wrong value says what `k` may be (serde's untagged enums
/// only say "data did not match any variant").
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ZoneCount {
    /// Exactly this many.
    Fixed(usize),
    /// Between these, inclusive.
    Range([usize; 2]),
}

/// What `k` may be, as the parser's messages say it.
const K_EXPECTED: &str =
    "a whole number ≥ 1 (k = 4), or a range [lo, hi] of whole numbers with 1 ≤ lo ≤ hi (k = [3, 6])";

impl<'de> Deserialize<'de> for ZoneCount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error as _, SeqAccess, Unexpected, Visitor};
        /// One whole number ≥ 0 (0 and order are the check's business, naming the key).
        struct Whole;
        impl<'de> Visitor<'de> for Whole {
            type Value = usize;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(K_EXPECTED)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<usize, E> {
                usize::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<usize, E> {
                usize::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
            }
        }
        impl<'de> Deserialize<'de> for WholeElement {
            fn deserialize<D2: serde::Deserializer<'de>>(d: D2) -> Result<Self, D2::Error> {
                d.deserialize_any(Whole).map(WholeElement)
            }
        }
        struct WholeElement(usize);
        struct Count;
        impl<'de> Visitor<'de> for Count {
            type Value = ZoneCount;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(K_EXPECTED)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ZoneCount, E> {
                Whole.visit_u64(v).map(ZoneCount::Fixed)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ZoneCount, E> {
                Whole.visit_i64(v).map(ZoneCount::Fixed)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ZoneCount, A::Error> {
                let mut v = Vec::new();
                while let Some(WholeElement(x)) = seq.next_element()? {
                    v.push(x);
                    if v.len() > 2 {
                        break;
                    }
                }
                match v[..] {
                    [lo, hi] => Ok(ZoneCount::Range([lo, hi])),
                    _ => Err(A::Error::invalid_length(v.len(), &self)),
                }
            }
        }
        d.deserialize_any(Count)
    }
}

/// `keep_apart`: pairs of exactly two codes. (serde's `[String; 2]` alone reads the first two
/// codes of a longer list from TOML and drops the rest without a word.)
fn pairs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<[String; 2]>, D::Error> {
    let lists: Vec<Vec<String>> = Vec::deserialize(d)?;
    lists
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            <[String; 2]>::try_from(l).map_err(|l| {
                serde::de::Error::custom(format!(
                    "keep_apart[{i}] has {} code(s) ({}): each entry is a pair of two ISTAT codes, [\"017103\", \"017122\"]",
                    l.len(),
                    l.join(", ")
                ))
            })
        })
        .collect()
}

/// Tier 2: homogeneous zones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneSpec {
    /// Number of zones.
    pub k: ZoneCount,
    /// Minimum residents per zone.
    #[serde(default)]
    pub min_pop: Option<f64>,
    /// Maximum residents per zone.
    #[serde(default)]
    pub max_pop: Option<f64>,
}

/// Tier 3: local intercommunal groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Minimum municipalities per group.
    pub min_units: usize,
    /// Maximum municipalities per group.
    pub max_units: usize,
    /// Minimum residents per group.
    #[serde(default)]
    pub min_pop: Option<f64>,
    /// Maximum residents per group.
    #[serde(default)]
    pub max_pop: Option<f64>,
    /// Maximum km between any two members' interior points.
    #[serde(default)]
    pub max_km: Option<f64>,
    /// Cost per km from a member to its group's lead municipality (homogeneity vs compactness).
    #[serde(default)]
    pub compactness: f64,
    /// How many groups per zone: the fewest the bounds allow (pooling), or the most (small
    /// unions, as max-p regionalization does).
    #[serde(default)]
    pub count: GroupCount,
}

/// Which number of groups a zone gets among those the bounds allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupCount {
    /// The fewest groups: association pays through pooling.
    #[default]
    Fewest,
    /// The most groups (max-p): each as small as the minimum bounds allow.
    Most,
}

impl Spec {
    /// The embedded default.
    pub fn embedded_default() -> Spec {
        Spec::parse(DEFAULT_SPEC, "embedded default spec").expect("the default spec is valid (tested)")
    }

    /// Parses TOML text; `source_name` is used in messages.
    ///
    /// # Errors
    /// [`SpecError::Parse`] naming the key and line.
    pub fn parse(text: &str, source_name: &str) -> Result<Spec, SpecError> {
        toml::from_str(text).map_err(|e: toml::de::Error| SpecError::Parse {
            source_name: source_name.to_string(),
            table: e.span().and_then(|s| table_at(text, s.start)).map(|(t, _)| t),
            message: e.to_string(),
        })
    }

    /// Function ids in plan order: the priority functions first, then the others.
    pub fn function_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = PRIORITY.iter().copied().filter(|id| self.functions.contains_key(*id)).collect();
        ids.extend(self.functions.keys().map(String::as_str).filter(|id| !PRIORITY.contains(id)));
        ids
    }

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
                bad(
                    format!("area.features[{i}]"),
                    format!("unknown feature `{f}`; the area has {}", feature_names.join(", ")),
                );
            } else if seen_features.contains(&f) {
                bad(format!("area.features[{i}]"), format!("`{f}` is listed twice: it would be weighted twice"));
            }
            seen_features.push(f);
        }
        // Solver.
        for (k, v) in
            [("solver.node_limit", self.solver.node_limit), ("solver.group_node_limit", self.solver.group_node_limit)]
        {
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
        let no_pop: Vec<String> =
            in_area.iter().filter(|&&u| t.units[u].pop.is_none()).map(|&u| t.units[u].to_string()).collect();
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
                bad(
                    format!("functions.{id}"),
                    "`all` is reserved: in a collaborations file it means every function".into(),
                );
            }
            if let Some(other) = lower_ids.insert(id.to_ascii_lowercase(), id) {
                bad(
                    format!("functions.{id}"),
                    format!("differs from function `{other}` only in case: their output files would collide"),
                );
            }
            if f.label.trim().is_empty() {
                bad(key("label"), "is empty: the report names the function by it".into());
            }
            // Weights: named features of the area, usable numbers, not all zero.
            for (name, w) in &f.weights {
                if !self.area.features.contains(name) {
                    bad(
                        key("weights"),
                        format!("`{name}` is not one of area.features ({})", self.area.features.join(", ")),
                    );
                }
                if let Some(m) = weight_problem(*w) {
                    bad(key(&format!("weights.{name}")), m);
                }
            }
            if !self.area.features.is_empty() && self.area.features.iter().all(|name| f.weights.get(name) == Some(&0.0))
            {
                bad(
                    key("weights"),
                    "every feature weighs 0: zones would be homogeneous in nothing (R² would mean nothing)".into(),
                );
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
            for (tier, lo, hi) in
                [("zones", f.zones.min_pop, f.zones.max_pop), ("groups", f.groups.min_pop, f.groups.max_pop)]
            {
                for (k, v) in [("min_pop", lo), ("max_pop", hi)] {
                    if let Some(v) = v {
                        pop_keys.push(format!("{tier}.{k}"));
                        if !v.is_finite() || v < 0.0 {
                            bad(
                                key(&format!("{tier}.{k}")),
                                format!("population bounds must be finite and ≥ 0, found {}", num(v)),
                            );
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
                bad(
                    key("groups.min_units"),
                    format!("{} must be between 1 and groups.max_units {}", g.min_units, g.max_units),
                );
            }
            if let Some(km) = g.max_km {
                if !(km.is_finite() && km > 0.0) {
                    bad(
                        key("groups.max_km"),
                        format!("must be a finite number of km > 0 (leave it out for no limit), found {km}"),
                    );
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
                                bad(
                                    k.clone(),
                                    format!("{m} is also in keep_together[{first}]: merge the two groups into one"),
                                );
                            }
                        }
                    }
                }
                if group.len() < 2 {
                    let what = if group.is_empty() {
                        "is empty".to_string()
                    } else {
                        format!("has one member ({})", group[0])
                    };
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
                let pair_key = if a.istat < b.istat {
                    (a.istat.clone(), b.istat.clone())
                } else {
                    (b.istat.clone(), a.istat.clone())
                };
                if let Some(first) = pairs.insert(pair_key, i) {
                    bad(k.clone(), format!("{a} and {b} are already kept apart by keep_apart[{first}]"));
                }
                if let Some(j) = group_of.iter().position(|g| g.contains(&a.istat) && g.contains(&b.istat)) {
                    bad(
                        k,
                        format!("{a} and {b} are kept together by keep_together[{j}]: they cannot also be kept apart"),
                    );
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

#[cfg(test)]
mod tests {
    use super::*;

    fn area() -> (Territory, Vec<String>) {
        let t = Territory::embedded_default();
        let names = crate::features::FeatureMatrix::from_territory(&t).names().to_vec();
        (t, names)
    }

    /// The problems of the default spec edited by `edit` (text replaced once, which must match).
    fn problems_of(from: &str, to: &str) -> Vec<SpecProblem> {
        assert!(DEFAULT_SPEC.contains(from), "the default spec has no {from:?}");
        let (t, names) = area();
        Spec::parse(&DEFAULT_SPEC.replacen(from, to, 1), "s.toml").unwrap().problems(&t, &names)
    }

    fn has(problems: &[SpecProblem], key: &str, words: &[&str]) {
        assert!(
            problems.iter().any(|p| p.key == key && words.iter().all(|w| p.message.contains(w))),
            "no problem at {key} saying {words:?}: {problems:#?}"
        );
    }

    #[test]
    fn the_default_spec_has_no_problem_on_the_default_area() {
        let (t, names) = area();
        assert_eq!(Spec::embedded_default().problems(&t, &names), vec![]);
        assert!(!Spec::embedded_default().solver.strict);
    }

    #[test]
    fn strict_is_a_solver_key_left_out_of_the_echo_when_false() {
        let s = Spec::parse(&DEFAULT_SPEC.replacen("strict = false", "strict = true", 1), "s.toml").unwrap();
        assert!(s.solver.strict);
        assert!(serde_json::to_string(&s).unwrap().contains("\"strict\":true"));
        assert!(!serde_json::to_string(&Spec::embedded_default()).unwrap().contains("strict"));
    }

    #[test]
    fn a_wrong_k_says_what_k_may_be_and_where() {
        for bad in ["\"four\"", "-3", "2.5", "[2]", "[2, 3, 4]", "[-1, 3]", "{ lo = 2 }"] {
            let text = DEFAULT_SPEC.replacen(
                "zones = { k = 4, min_pop = 30000 }",
                &format!("zones = {{ k = {bad}, min_pop = 30000 }}"),
                1,
            );
            let e = Spec::parse(&text, "s.toml").unwrap_err().to_string();
            assert!(e.contains("a whole number ≥ 1") && e.contains("[lo, hi]"), "{bad}: {e}");
            assert!(e.contains("in [functions.ufficio_tecnico]") && e.contains("s.toml"), "{bad}: {e}");
            assert!(!e.contains("untagged"), "{bad}: {e}");
        }
        let s = Spec::parse(&DEFAULT_SPEC.replacen("k = 4", "k = [2, 5]", 1), "s.toml").unwrap();
        assert_eq!(s.functions["ufficio_tecnico"].zones.k, ZoneCount::Range([2, 5]));
    }

    #[test]
    fn k_must_be_between_one_and_the_municipalities() {
        has(&problems_of("k = 4", "k = 0"), "functions.ufficio_tecnico.zones.k", &["at least 1"]);
        has(&problems_of("k = 4", "k = [5, 2]"), "functions.ufficio_tecnico.zones.k", &["[5, 2]"]);
        has(&problems_of("k = 4", "k = 43"), "functions.ufficio_tecnico.zones.k", &["43", "42 municipalities"]);
        has(&problems_of("k = 4", "k = [3, 50]"), "functions.ufficio_tecnico.zones.k", &["50", "42"]);
    }

    #[test]
    fn all_zero_weights_are_rejected() {
        let p = problems_of(
            "log_pop = 1.0, log_density = 2.0, share_65plus = 0.5, share_under15 = 0.5, growth = 0.5",
            "log_pop = 0.0, log_density = 0.0, share_65plus = 0.0, share_under15 = 0.0, growth = 0.0",
        );
        has(&p, "functions.ufficio_tecnico.weights", &["every feature weighs 0"]);
        // Some zero weights are fine.
        assert!(problems_of("log_pop = 1.0, log_density = 2.0", "log_pop = 0.0, log_density = 0.0").is_empty());
    }

    #[test]
    fn weights_must_be_usable_numbers() {
        for (w, word) in [
            ("1e308", "largest weight"),
            ("-1.0", "≥ 0"),
            ("nan", "finite"),
            ("inf", "finite"),
            ("1e-9", "smallest weight"),
        ] {
            let p = problems_of("log_pop = 1.5,", &format!("log_pop = {w},"));
            has(&p, "functions.polizia_locale.weights.log_pop", &[word]);
        }
        assert!(problems_of("log_pop = 1.5,", "log_pop = 1e6,").is_empty());
    }

    #[test]
    fn a_feature_listed_twice_is_rejected() {
        let p = problems_of("\"growth\"]", "\"growth\", \"log_pop\"]");
        has(&p, "area.features[5]", &["log_pop", "twice"]);
    }

    #[test]
    fn a_unit_listed_twice_is_rejected() {
        let p = problems_of("units = []", "units = [\"017103\", \"17103\", \"017122\"]");
        has(&p, "area.units[1]", &["017103 Manerbio", "twice"]);
    }

    #[test]
    fn keep_together_needs_two_distinct_members_in_one_group_each() {
        let at = "functions.ict.keep_together";
        has(
            &problems_of(
                "keep_together = []\nkeep_apart = []\n\n# Local police",
                "keep_together = [[]]\nkeep_apart = []\n\n# Local police",
            ),
            "functions.ufficio_tecnico.keep_together[0]",
            &["is empty"],
        );
        let ict = |v: &str| {
            let text = format!("count = \"most\" }}\nkeep_together = {v}");
            problems_of("count = \"most\" }\nkeep_together = []", &text)
        };
        has(&ict("[[\"017103\"]]"), &format!("{at}[0]"), &["one member", "017103"]);
        has(&ict("[[\"017103\", \"17103\"]]"), &format!("{at}[0]"), &["017103 Manerbio", "twice"]);
        has(
            &ict("[[\"017103\", \"017122\"], [\"017122\", \"017137\"]]"),
            &format!("{at}[1]"),
            &["017122 Offlaga", "keep_together[0]"],
        );
        has(&ict("[[\"017103\", \"999999\"]]"), &format!("{at}[0]"), &["999999"]);
        assert!(ict("[[\"017103\", \"017122\"]]").is_empty());
    }

    #[test]
    fn keep_apart_pairs_two_known_municipalities_once() {
        let at = "functions.ict.keep_apart";
        let ict = |together: &str, apart: &str| {
            let text = format!("count = \"most\" }}\nkeep_together = {together}\nkeep_apart = {apart}");
            problems_of("count = \"most\" }\nkeep_together = []\nkeep_apart = []", &text)
        };
        has(&ict("[]", "[[\"017103\", \"17103\"]]"), &format!("{at}[0]"), &["017103 Manerbio", "itself"]);
        has(&ict("[]", "[[\"017103\", \"999999\"]]"), &format!("{at}[0]"), &["999999"]);
        has(
            &ict("[]", "[[\"017103\", \"017122\"], [\"017122\", \"017103\"]]"),
            &format!("{at}[1]"),
            &["keep_apart[0]"],
        );
        has(
            &ict("[[\"017103\", \"017122\"]]", "[[\"017122\", \"017103\"]]"),
            &format!("{at}[0]"),
            &["keep_together[0]", "017122 Offlaga"],
        );
    }

    #[test]
    fn population_bounds_need_a_population_for_every_municipality() {
        let (mut t, names) = area();
        t.units[3].pop = None;
        let who = t.units[3].to_string();
        let p = Spec::embedded_default().problems(&t, &names);
        has(&p, "functions.ict.zones.min_pop", &["no population", "1 of its 42", &who, "groups.max_pop"]);
        // Without bounds the same area is fine.
        let mut s = Spec::embedded_default();
        for f in s.functions.values_mut() {
            (f.zones.min_pop, f.zones.max_pop, f.groups.min_pop, f.groups.max_pop) = (None, None, None, None);
        }
        assert_eq!(s.problems(&t, &names), vec![]);
    }

    #[test]
    fn function_ids_are_safe_file_names_and_not_all() {
        let p = problems_of("[functions.ict]", "[functions.\"../ict\"]");
        has(&p, "functions.../ict", &["ASCII letters"]);
        let p = problems_of("[functions.ict]", "[functions.all]");
        has(&p, "functions.all", &["reserved"]);
        let p = problems_of("[functions.ict]", "[functions.Polizia_Locale]");
        has(&p, "functions.polizia_locale", &["only in case"]);
    }

    #[test]
    fn solver_limits_are_positive_and_finite() {
        has(&problems_of("time_limit = 120.0", "time_limit = -1.0"), "solver.time_limit", &["-1"]);
        has(&problems_of("time_limit = 120.0", "time_limit = nan"), "solver.time_limit", &["NaN"]);
        has(&problems_of("time_limit = 120.0", "time_limit = inf"), "solver.time_limit", &["inf"]);
        has(&problems_of("node_limit = 60", "node_limit = 0"), "solver.node_limit", &["at least 1"]);
    }

    #[test]
    fn every_problem_is_listed() {
        let text = DEFAULT_SPEC
            .replacen("time_limit = 120.0", "time_limit = 0.0", 1)
            .replacen("k = 4", "k = 0", 1)
            .replacen("max_km = 15.0", "max_km = nan", 1);
        let (t, names) = area();
        let e = Spec::parse(&text, "s.toml").unwrap().check(&t, &names, "s.toml").unwrap_err().to_string();
        assert!(e.starts_with("s.toml: 3 problems"), "{e}");
        for k in ["solver.time_limit", "functions.ufficio_tecnico.zones.k", "functions.ufficio_tecnico.groups.max_km"] {
            assert!(e.contains(&format!("`{k}`")), "{k}: {e}");
        }
    }
}
