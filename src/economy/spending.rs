//! Spending per municipality and function: `istat,function,spending_eur[,population]`.

use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

use crate::territory::{Location, Problem, Territory, TerritoryError};

/// Where the embedded default comes from (said in the report and `plan.json`).
pub const DEFAULT_SPENDING_SOURCE: &str = "OpenCivitas 2022 historical spending (spesa storica), Sogei / MEF–RGS, CC BY 4.0";

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
        todo!("{path:?} {}", t.len())
    }

    /// Parses an in-memory CSV as if it were the file `path` (see [`SpendingTable::read`]).
    /// With `t = None` (a reference sample beyond the area, e.g. every Lombard municipality)
    /// any well-formed code is accepted and `population` is required.
    ///
    /// # Errors
    /// As [`SpendingTable::read`].
    pub fn parse(path: &Path, bytes: &[u8], t: Option<&Territory>) -> Result<SpendingTable, SpendingError> {
        todo!("{path:?} {} {}", bytes.len(), t.is_some())
    }

    /// The embedded default for the default area: OpenCivitas 2022 historical spending of the
    /// 42 municipalities for `tot` (all services), `amm` (general administration), `pol` (local
    /// police) and `vt` (roads and territory).
    pub fn embedded_default(t: &Territory) -> Result<SpendingTable, SpendingError> {
        todo!("{}", t.len())
    }

    /// The embedded reference sample for `tot`: every Lombard municipality of the OpenCivitas
    /// 2022 total file (about 1,500), for a fit on more than the area's 42.
    pub fn embedded_lombardy_total() -> SpendingTable {
        todo!()
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
        todo!("{function} {needed_by}")
    }
}
