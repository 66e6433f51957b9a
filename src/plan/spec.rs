//! The function spec: the study area, then one profile per priority function (feature
//! weights, zone and group settings, keep-together and keep-apart, horizon). A TOML file
//! deserializes into it; unknown keys and wrong types are rejected by serde with the key's
//! name, and [`Spec::check`] rejects impossible ranges naming the key. The default lives in
//! `specs/default.toml` and is embedded in the binary.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::territory::{normalize_istat, Territory};

/// The embedded default spec (Bassa Bresciana, four priority functions).
pub const DEFAULT_SPEC: &str = include_str!("../../specs/default.toml");

/// The four priority functions, in the order the project lists them; other functions follow
/// alphabetically.
pub const PRIORITY: &[&str] = &["ufficio_tecnico", "polizia_locale", "suap_sue", "ict"];

/// Errors reading or checking a spec. Each names the key at fault.
#[derive(Debug, Error)]
pub enum SpecError {
    /// Not valid TOML, an unknown key or a wrong type (the parser names the key and line).
    #[error("{source_name}: {message}")]
    Parse {
        /// File name or `embedded default spec`.
        source_name: String,
        /// Parser message.
        message: String,
    },
    /// A value that cannot work.
    #[error("{source_name}: `{key}`: {message}")]
    Invalid {
        /// File name.
        source_name: String,
        /// Dotted key, e.g. `functions.ict.groups.min_pop`.
        key: String,
        /// What is wrong, with the numbers.
        message: String,
    },
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
    /// Turn any relaxation of a bound into an error naming the bound.
    pub strict: bool,
}

impl Default for SolverSpec {
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
    #[serde(default)]
    pub keep_apart: Vec<[String; 2]>,
}

/// Number of zones: fixed, or a range `[min, max]` (the plan picks by the elbow rule).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ZoneCount {
    /// Exactly this many.
    Fixed(usize),
    /// Between these, inclusive.
    Range([usize; 2]),
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
        toml::from_str(text).map_err(|e| SpecError::Parse { source_name: source_name.to_string(), message: e.to_string() })
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
    /// [`SpecError::Invalid`] for the first problem found.
    pub fn check(&self, t: &Territory, feature_names: &[String], source_name: &str) -> Result<(), SpecError> {
        let bad = |key: String, message: String| Err(SpecError::Invalid { source_name: source_name.to_string(), key, message });
        for code in &self.area.units {
            if t.find(code).is_none() {
                return bad("area.units".into(), format!("{code} is not a municipality of {}", t.source));
            }
        }
        if self.area.features.is_empty() {
            return bad("area.features".into(), "no feature listed".into());
        }
        for f in &self.area.features {
            if !feature_names.contains(f) {
                return bad("area.features".into(), format!("unknown feature `{f}`; the area has {}", feature_names.join(", ")));
            }
        }
        if self.functions.is_empty() {
            return bad("functions".into(), "no function defined".into());
        }
        if self.solver.node_limit == 0 || self.solver.group_node_limit == 0 || !(self.solver.time_limit > 0.0) {
            return bad("solver".into(), "node_limit, group_node_limit and time_limit must be positive".into());
        }
        let in_area: Vec<usize> = if self.area.units.is_empty() {
            (0..t.len()).collect()
        } else {
            self.area.units.iter().filter_map(|c| t.find(c)).map(|id| id.index()).collect()
        };
        let largest = in_area
            .iter()
            .map(|&u| (t.units[u].pop.unwrap_or(0.0), u))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(p, u)| (p, t.units[u].to_string()));
        for (id, f) in &self.functions {
            let key = |k: &str| format!("functions.{id}.{k}");
            for (name, w) in &f.weights {
                if !self.area.features.contains(name) {
                    return bad(key("weights"), format!("`{name}` is not one of area.features"));
                }
                if !w.is_finite() || *w < 0.0 {
                    return bad(key(&format!("weights.{name}")), format!("must be a finite number ≥ 0, found {w}"));
                }
            }
            match f.zones.k {
                ZoneCount::Fixed(0) => return bad(key("zones.k"), "must be at least 1".into()),
                ZoneCount::Range([lo, hi]) if lo == 0 || lo > hi => {
                    return bad(key("zones.k"), format!("range [{lo}, {hi}] is empty or starts at 0"))
                }
                _ => {}
            }
            let range = |lo: Option<f64>, hi: Option<f64>, k: &str| -> Result<(), SpecError> {
                if let (Some(lo), Some(hi)) = (lo, hi) {
                    if lo > hi {
                        return bad(key(&format!("{k}.min_pop")), format!("{lo} exceeds {k}.max_pop {hi}"));
                    }
                }
                for v in [lo, hi].into_iter().flatten() {
                    if !v.is_finite() || v < 0.0 {
                        return bad(key(&format!("{k}")), format!("population bounds must be finite and ≥ 0, found {v}"));
                    }
                }
                Ok(())
            };
            range(f.zones.min_pop, f.zones.max_pop, "zones")?;
            range(f.groups.min_pop, f.groups.max_pop, "groups")?;
            let g = &f.groups;
            if g.min_units == 0 || g.min_units > g.max_units {
                return bad(key("groups.min_units"), format!("{} must be between 1 and groups.max_units {}", g.min_units, g.max_units));
            }
            if let Some((p, who)) = &largest {
                for (k, hi) in [("zones.max_pop", f.zones.max_pop), ("groups.max_pop", g.max_pop)] {
                    if let Some(hi) = hi {
                        if hi < *p {
                            return bad(key(k), format!("{hi} is below the {p} residents of {who}: no zone or group can hold it"));
                        }
                    }
                }
            }
            if let Some(km) = g.max_km {
                if !(km > 0.0) {
                    return bad(key("groups.max_km"), format!("must be positive, found {km}"));
                }
            }
            if !g.compactness.is_finite() || g.compactness < 0.0 {
                return bad(key("groups.compactness"), format!("must be a finite number ≥ 0, found {}", g.compactness));
            }
            for (i, group) in f.keep_together.iter().enumerate() {
                for code in group {
                    if t.find(code).is_none() {
                        return bad(key(&format!("keep_together[{i}]")), format!("{code} is not a municipality of the area"));
                    }
                }
            }
            for (i, pair) in f.keep_apart.iter().enumerate() {
                for code in pair {
                    if t.find(code).is_none() {
                        return bad(key(&format!("keep_apart[{i}]")), format!("{code} is not a municipality of the area"));
                    }
                }
                if normalize_istat(&pair[0]) == normalize_istat(&pair[1]) {
                    return bad(key(&format!("keep_apart[{i}]")), format!("{} is paired with itself", pair[0]));
                }
            }
        }
        Ok(())
    }
}
