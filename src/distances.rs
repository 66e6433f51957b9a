//! Travel distances between the units of an area, for the travel objectives (p-median, Hess):
//! a CSV `a,b,d` with every unordered pair of the area once (km, or minutes of road travel:
//! the unit is the user's), or great-circle km between interior points when no file is given.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ndarray::Array2;
use thiserror::Error;

use crate::territory::{normalize_istat, CsvTable, Location, Problem, Territory, TerritoryError};

/// How many missing pairs an error names (the count is always given).
const MISSING_NAMED: usize = 5;

/// A full symmetric matrix of distances between the units of an area.
#[derive(Debug, Clone, PartialEq)]
pub struct DistanceMatrix {
    /// The file, or `great-circle km between interior points`.
    pub source: String,
    /// `d[[i, j]]` between units `i` and `j` (territory order); 0 on the diagonal.
    pub d: Array2<f64>,
    /// Every distance is a whole number: objectives over whole populations are then exact
    /// integers (below 2^53, which f64 adds without rounding).
    pub integral: bool,
}

/// Errors reading a distance file.
#[derive(Debug, Error)]
pub enum DistanceError {
    /// The file cannot be read, or its header lacks a column.
    #[error(transparent)]
    Read(#[from] TerritoryError),
    /// Rows that break the rules, and pairs the file lacks; all of them are listed.
    #[error("{path}: {}", crate::error::list_problems(problems.iter().map(|(at, p)| format!("{at}{p}")).collect()))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem, in file order (missing pairs last).
        problems: Vec<(Location, DistanceProblem)>,
    },
    /// No file and no interior points to measure between.
    #[error("no distances: the area has no interior points (give --distances FILE)")]
    NoPoints,
}

/// What is wrong with one row, or with the file as a whole.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DistanceProblem {
    /// A record the CSV reader cannot read.
    #[error(transparent)]
    Record(Problem),
    /// A blank id cell.
    #[error("empty id in column `{0}`")]
    NoId(&'static str),
    /// An id that names no unit of the area.
    #[error("`{column}` = {id} is not a unit of the area")]
    UnknownUnit {
        /// `a` or `b`.
        column: &'static str,
        /// The id as normalized.
        id: String,
    },
    /// A distance that is not a finite number ≥ 0.
    #[error("d must be a finite distance ≥ 0, found {0:?}")]
    BadDistance(String),
    /// A unit paired with itself at a distance other than 0.
    #[error("{unit} is paired with itself at {d}: a unit's distance to itself is 0")]
    SelfDistance {
        /// The unit.
        unit: String,
        /// The distance written.
        d: f64,
    },
    /// The same pair twice with different distances.
    #[error("{a} – {b} again, at {d} (line {first} gives {first_d}): a pair has one distance")]
    Conflicting {
        /// First unit.
        a: String,
        /// Second unit.
        b: String,
        /// This row's distance.
        d: f64,
        /// The first row's line.
        first: u64,
        /// The first row's distance.
        first_d: f64,
    },
    /// The same pair twice in the same order (both orders are allowed when equal).
    #[error("{a} – {b} again (first on line {first}): give each pair once, or once each way")]
    Repeated {
        /// First unit.
        a: String,
        /// Second unit.
        b: String,
        /// The first row's line.
        first: u64,
    },
    /// Pairs of the area the file does not give.
    #[error("{count} pair(s) of the area have no distance, e.g. {examples}: every pair of units needs one")]
    Missing {
        /// How many.
        count: usize,
        /// The first few, `a – b`.
        examples: String,
    },
}

impl DistanceMatrix {
    /// Great-circle km between the units' interior points.
    ///
    /// # Errors
    /// [`DistanceError::NoPoints`] when the area has none.
    pub fn great_circle(points: Option<&[(f64, f64)]>) -> Result<DistanceMatrix, DistanceError> {
        let p = points.ok_or(DistanceError::NoPoints)?;
        let n = p.len();
        let d = Array2::from_shape_fn((n, n), |(i, j)| if i == j { 0.0 } else { crate::metrics::km(p[i], p[j]) });
        Ok(DistanceMatrix { source: "great-circle km between interior points".into(), d, integral: false })
    }

    /// Reads `a,b,d` for the area `t`; every problem is listed, naming the file and line.
    ///
    /// # Errors
    /// [`DistanceError`].
    pub fn read(path: &Path, t: &Territory) -> Result<DistanceMatrix, DistanceError> {
        let raw = std::fs::read(path).map_err(|cause| TerritoryError::Io { path: path.to_path_buf(), cause })?;
        DistanceMatrix::parse(path, &raw, t)
    }

    /// Parses an in-memory CSV as if it were the file `path` (see [`DistanceMatrix::read`]).
    ///
    /// # Errors
    /// As [`DistanceMatrix::read`].
    pub fn parse(path: &Path, bytes: &[u8], t: &Territory) -> Result<DistanceMatrix, DistanceError> {
        let mut table = CsvTable::from_bytes(path, bytes)?;
        let (ac, bc, dc) = (table.require(&["a"])?, table.require(&["b"])?, table.require(&["d"])?);
        let mut read_problems = Vec::new();
        let records = table.records(&mut read_problems);
        let mut problems: Vec<(Location, DistanceProblem)> =
            read_problems.into_iter().map(|(at, p)| (at, DistanceProblem::Record(p))).collect();
        let n = t.len();
        let mut d = Array2::from_elem((n, n), f64::NAN);
        // (i, j) as written → line; and the unordered pair → (line, distance).
        let mut written: BTreeMap<(usize, usize), u64> = BTreeMap::new();
        let mut given: BTreeMap<(usize, usize), (u64, f64)> = BTreeMap::new();
        let name = |i: usize| t.units[i].to_string();
        for (line, record) in records {
            let cell = |c: usize| record.get(c).unwrap_or("");
            let mut bad_here: Vec<DistanceProblem> = Vec::new();
            let mut unit = |column: &'static str, c: usize| -> Option<usize> {
                let id = normalize_istat(cell(c));
                if id.is_empty() {
                    bad_here.push(DistanceProblem::NoId(column));
                    return None;
                }
                let found = t.find(&id).map(|m| m.index());
                if found.is_none() {
                    bad_here.push(DistanceProblem::UnknownUnit { column, id });
                }
                found
            };
            let (a, b) = (unit("a", ac), unit("b", bc));
            let raw_d = cell(dc);
            let value = match raw_d.trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Some(v + 0.0),
                _ => {
                    bad_here.push(DistanceProblem::BadDistance(raw_d.to_string()));
                    None
                }
            };
            if let (Some(a), Some(b), Some(v)) = (a, b, value) {
                if a == b {
                    if v != 0.0 {
                        bad_here.push(DistanceProblem::SelfDistance { unit: name(a), d: v });
                    }
                } else if let Some(&first) = written.get(&(a, b)) {
                    bad_here.push(DistanceProblem::Repeated { a: name(a), b: name(b), first });
                } else {
                    written.insert((a, b), line);
                    let key = (a.min(b), a.max(b));
                    match given.get(&key) {
                        Some(&(first, first_d)) if first_d != v => {
                            bad_here.push(DistanceProblem::Conflicting { a: name(a), b: name(b), d: v, first, first_d })
                        }
                        Some(_) => {}
                        None => {
                            given.insert(key, (line, v));
                            d[[a, b]] = v;
                            d[[b, a]] = v;
                        }
                    }
                }
            }
            let at = Location::Row { line, unit: a.map(name) };
            problems.extend(bad_here.into_iter().map(|p| (at.clone(), p)));
        }
        let mut missing = Vec::new();
        for i in 0..n {
            d[[i, i]] = 0.0;
            for j in i + 1..n {
                if !given.contains_key(&(i, j)) {
                    missing.push((i, j));
                }
            }
        }
        if !missing.is_empty() {
            let examples = missing.iter().take(MISSING_NAMED).map(|&(i, j)| format!("{} – {}", name(i), name(j))).collect::<Vec<_>>();
            problems.push((Location::File, DistanceProblem::Missing { count: missing.len(), examples: examples.join(", ") }));
        }
        if !problems.is_empty() {
            return Err(DistanceError::Invalid { path: path.to_path_buf(), problems });
        }
        let integral = d.iter().all(|v| v.fract() == 0.0);
        Ok(DistanceMatrix { source: path.display().to_string(), d, integral })
    }
}

#[cfg(test)]
#[path = "distances_tests.rs"]
mod tests;
