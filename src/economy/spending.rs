//! Spending per municipality and function: `istat,function,spending_eur[,population]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

use crate::territory::{normalize_istat, CsvTable, Location, Problem, Territory, TerritoryError};

/// Where the embedded default comes from (said in the report and `plan.json`).
pub const DEFAULT_SPENDING_SOURCE: &str = "OpenCivitas 2022 historical spending (spesa storica), Sogei / MEF–RGS, CC BY 4.0";

/// The embedded default: the 42 municipalities of the default area, four functions.
const DEFAULT_SPENDING: &[u8] = include_bytes!("../../fixtures/bassa_bresciana/spending.csv");

/// The embedded reference sample: every Lombard municipality, function `tot`.
const LOMBARDY_TOTAL: &[u8] = include_bytes!("../../fixtures/lombardia/spending_tot.csv");

/// One row: a municipality's current spending on one function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpendingRecord {
    /// ISTAT code, normalized.
    pub istat: String,
    /// Name (from the area, or from the file's `name` column for reference samples).
    pub name: String,
    /// Function id as written (e.g. `pol`, or a mission/programme code).
    pub function: String,
    /// Current spending, € per year, ≥ 0.
    pub spending_eur: f64,
    /// Residents the spending serves (the file's `population`, else the area's).
    pub population: f64,
}

/// Spending rows, grouped by function in first-seen order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpendingTable {
    /// A path, or the embedded default's description.
    pub source: String,
    /// Function ids, in first-seen order.
    pub functions: Vec<String>,
    /// Every row, in file order.
    pub rows: Vec<SpendingRecord>,
}

/// Errors reading a spending file.
#[derive(Debug, Error)]
pub enum SpendingError {
    /// The file cannot be read, or its header lacks a column.
    #[error(transparent)]
    Read(#[from] TerritoryError),
    /// Rows that break the rules; all of them are listed.
    #[error("{path}: {}", crate::error::list_problems(problems.iter().map(|(at, p)| format!("{at}{p}")).collect()))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem, in file order.
        problems: Vec<(Location, SpendingProblem)>,
    },
    /// A function the plan needs that the file does not have.
    #[error("{path}: no rows for function `{function}` (needed by {needed_by}); the file has: {available}")]
    MissingFunction {
        /// The file.
        path: PathBuf,
        /// The function asked for.
        function: String,
        /// Who asked (e.g. `functions.polizia_locale.spending`).
        needed_by: String,
        /// The file's functions, comma-separated.
        available: String,
    },
}

/// What is wrong with one row.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SpendingProblem {
    /// A record the CSV reader cannot read.
    #[error(transparent)]
    Record(Problem),
    /// The istat cell is blank.
    #[error("no istat code: each row names the municipality whose spending it is")]
    NoCode,
    /// A code that names no municipality of the area.
    #[error("{0} is not a municipality of the area")]
    UnknownMunicipality(String),
    /// The function cell is blank.
    #[error("no function: each row names the function its spending is for")]
    NoFunction,
    /// Spending that is not a finite number ≥ 0.
    #[error("spending_eur must be a finite amount ≥ 0 in €, found {0:?}")]
    BadSpending(String),
    /// Population that is not a finite number > 0.
    #[error("population must be a number of residents > 0, found {0:?}")]
    BadPopulation(String),
    /// No population column value and none in the area.
    #[error("no population: the file has no population for it and neither has the area")]
    NoPopulation,
    /// The same municipality and function twice.
    #[error("{istat} has a second row for function `{function}` (first on line {first})")]
    Duplicate {
        /// The code.
        istat: String,
        /// The function.
        function: String,
        /// Line of the first row.
        first: u64,
    },
}

impl SpendingTable {
    /// Reads a spending CSV for the area `t`: columns `istat`, `function`, `spending_eur`,
    /// optional `population` (else the area's residents). Every problem is listed.
    ///
    /// # Errors
    /// [`SpendingError`] naming the file, line and municipality.
    pub fn read(path: &Path, t: &Territory) -> Result<SpendingTable, SpendingError> {
        let raw = std::fs::read(path).map_err(|cause| TerritoryError::Io { path: path.to_path_buf(), cause })?;
        SpendingTable::parse(path, &raw, Some(t))
    }

    /// Parses an in-memory CSV as if it were the file `path` (see [`SpendingTable::read`]).
    /// With `t = None` (a reference sample beyond the area, e.g. every Lombard municipality)
    /// any well-formed code is accepted and `population` is required.
    ///
    /// # Errors
    /// As [`SpendingTable::read`].
    pub fn parse(path: &Path, bytes: &[u8], t: Option<&Territory>) -> Result<SpendingTable, SpendingError> {
        let mut table = CsvTable::from_bytes(path, bytes)?;
        let (ic, fc, sc) = (table.require(&["istat"])?, table.require(&["function"])?, table.require(&["spending_eur"])?);
        let (pc, nc) = (table.column(&["population"]), table.column(&["name"]));
        let mut read_problems = Vec::new();
        let records = table.records(&mut read_problems);
        let mut problems: Vec<(Location, SpendingProblem)> =
            read_problems.into_iter().map(|(at, p)| (at, SpendingProblem::Record(p))).collect();
        let mut rows = Vec::new();
        let mut functions: Vec<String> = Vec::new();
        // (istat, function) → line of its first row.
        let mut seen: BTreeMap<(String, String), u64> = BTreeMap::new();
        for (line, record) in records {
            let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("");
            let code = normalize_istat(cell(Some(ic)));
            let written_name = cell(nc).trim();
            let unit = t.and_then(|t| t.find(&code).map(|id| t.unit(id)));
            let label = match unit {
                Some(m) => Some(m.to_string()),
                None if code.is_empty() => (!written_name.is_empty()).then(|| written_name.to_string()),
                None if written_name.is_empty() => Some(code.clone()),
                None => Some(format!("{code} {written_name}")),
            };
            let at = Location::Row { line, unit: label };
            let before = problems.len();
            let mut bad = |p: SpendingProblem| problems.push((at.clone(), p));
            if code.is_empty() {
                bad(SpendingProblem::NoCode);
            } else if t.is_some() && unit.is_none() {
                bad(SpendingProblem::UnknownMunicipality(code.clone()));
            }
            let function = cell(Some(fc)).trim().to_string();
            if function.is_empty() {
                bad(SpendingProblem::NoFunction);
            }
            let spending = cell(Some(sc));
            let spending_eur = match spending.trim().parse::<f64>() {
                // `-0` is an amount of zero.
                Ok(v) if v.is_finite() && v >= 0.0 => v + 0.0,
                _ => {
                    bad(SpendingProblem::BadSpending(spending.to_string()));
                    0.0
                }
            };
            let written_pop = cell(pc);
            let population = if !written_pop.trim().is_empty() {
                match written_pop.trim().parse::<f64>() {
                    Ok(v) if v.is_finite() && v > 0.0 => Some(v),
                    _ => {
                        bad(SpendingProblem::BadPopulation(written_pop.to_string()));
                        None
                    }
                }
            } else if let Some(pop) = unit.and_then(|m| m.pop) {
                Some(pop)
            } else {
                // An unknown code is reported already: its population is moot.
                if unit.is_some() || t.is_none() {
                    bad(SpendingProblem::NoPopulation);
                }
                None
            };
            if !code.is_empty() && !function.is_empty() {
                let key = (unit.map_or(code.clone(), |m| m.istat.clone()), function.clone());
                if let Some(&first) = seen.get(&key) {
                    bad(SpendingProblem::Duplicate { istat: key.0, function: key.1, first });
                } else {
                    seen.insert(key, line);
                }
                if !functions.contains(&function) {
                    functions.push(function.clone());
                }
            }
            if problems.len() > before {
                continue;
            }
            let (istat, name) = match unit {
                Some(m) => (m.istat.clone(), m.name.clone()),
                None => (code.clone(), if written_name.is_empty() { code } else { written_name.to_string() }),
            };
            rows.push(SpendingRecord { istat, name, function, spending_eur, population: population.unwrap_or_default() });
        }
        problems.sort_by_key(|(at, _)| match at {
            Location::Row { line, .. } => *line,
            _ => 0,
        });
        if !problems.is_empty() {
            return Err(SpendingError::Invalid { path: path.to_path_buf(), problems });
        }
        Ok(SpendingTable { source: path.display().to_string(), functions, rows })
    }

    /// The embedded default for the default area: OpenCivitas 2022 historical spending of the
    /// 42 municipalities for `tot` (all services), `amm` (general administration), `pol` (local
    /// police) and `vt` (roads and territory).
    ///
    /// # Errors
    /// [`SpendingError::Invalid`] when `t` is not the default area (a code of the file is not
    /// one of its municipalities).
    pub fn embedded_default(t: &Territory) -> Result<SpendingTable, SpendingError> {
        let mut table = SpendingTable::parse(Path::new("embedded default spending"), DEFAULT_SPENDING, Some(t))?;
        table.source = DEFAULT_SPENDING_SOURCE.to_string();
        Ok(table)
    }

    /// The embedded reference sample for `tot`: every Lombard municipality of the OpenCivitas
    /// 2022 total file (about 1,500), for a fit on more than the area's 42.
    ///
    /// # Panics
    /// Only if the embedded file is broken (a test reads it).
    pub fn embedded_lombardy_total() -> SpendingTable {
        let mut table = SpendingTable::parse(Path::new("embedded Lombardy spending"), LOMBARDY_TOTAL, None)
            .expect("the embedded Lombardy spending is a valid fixture (tested)");
        table.source = "every Lombard municipality of the OpenCivitas 2022 total file (historical spending)".to_string();
        table
    }

    /// The rows of one function, in file order.
    pub fn function<'a>(&'a self, function: &'a str) -> impl Iterator<Item = &'a SpendingRecord> + 'a {
        self.rows.iter().filter(move |r| r.function == function)
    }

    /// Checks that `function` has rows; `needed_by` names who asks.
    ///
    /// # Errors
    /// [`SpendingError::MissingFunction`].
    pub fn require(&self, function: &str, needed_by: &str) -> Result<(), SpendingError> {
        if self.function(function).next().is_some() {
            return Ok(());
        }
        Err(SpendingError::MissingFunction {
            path: PathBuf::from(&self.source),
            function: function.to_string(),
            needed_by: needed_by.to_string(),
            available: if self.functions.is_empty() { "no rows".to_string() } else { self.functions.join(", ") },
        })
    }
}
