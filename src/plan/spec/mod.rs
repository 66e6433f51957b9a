//! The function spec: the study area, then one profile per priority function (feature
//! weights, zone and group settings, keep-together and keep-apart, horizon). A TOML file
//! deserializes into it; unknown keys and wrong types are rejected by serde with the key's
//! name, and [`Spec::check`] rejects impossible ranges naming the key. The default lives in
//! `specs/default.toml` and is embedded in the binary.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::territory::Territory;

mod check;

/// The embedded default spec (Bassa Bresciana, four priority functions).
pub const DEFAULT_SPEC: &str = include_str!("../../../specs/default.toml");

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
                let name = if l.starts_with("[[") { format!("[{}]", inner[..end].trim()) } else { inner[..end].trim().to_string() };
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
    /// The defaults of [`crate::solve::params`]: seed, zone and group node limits, seconds per
    /// solve; bounds may be relaxed.
    fn default() -> Self {
        use crate::solve::params::{DEFAULT_SEED, PLAN_GROUP_NODE_LIMIT, PLAN_NODE_LIMIT, PLAN_TIME_LIMIT};
        SolverSpec {
            seed: DEFAULT_SEED,
            node_limit: PLAN_NODE_LIMIT,
            group_node_limit: PLAN_GROUP_NODE_LIMIT,
            time_limit: PLAN_TIME_LIMIT,
            strict: false,
        }
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
    /// The function of the spending data whose cost curve prices this function's groups
    /// (`pol` in the embedded OpenCivitas data; a planner's own code with `--spending`).
    /// None: the plan estimates no savings for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spending: Option<String>,
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
const K_EXPECTED: &str = "a whole number ≥ 1 (k = 4), or a range [lo, hi] of whole numbers with 1 ≤ lo ≤ hi (k = [3, 6])";

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
}

#[cfg(test)]
mod tests;
