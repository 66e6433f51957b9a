//! Existing collaborations (unions, conventions) from a CSV: `name, function, members`, where
//! `function` is a function id or `all`, and `members` lists ISTAT codes separated by spaces,
//! semicolons or commas (quoted when commas are used). Errors name the file, row and code.

use std::path::Path;

use serde::Serialize;

use crate::territory::{normalize_istat, CsvTable, Location, Problem, Territory, TerritoryError};

/// One collaboration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Collaboration {
    /// Its name (e.g. `Unione dei Comuni …`).
    pub name: String,
    /// The function it serves, or `all`.
    pub function: String,
    /// Member ISTAT codes, normalized.
    pub members: Vec<String>,
}

impl Collaboration {
    /// True when it concerns `function`.
    pub fn applies_to(&self, function: &str) -> bool {
        self.function == "all" || self.function == "*" || self.function == function
    }
}

/// Reads a collaborations CSV, checking codes against the territory and functions against
/// `functions`.
///
/// # Errors
/// [`TerritoryError`] naming the file and every bad row.
pub fn read(path: &Path, t: &Territory, functions: &[&str]) -> Result<Vec<Collaboration>, TerritoryError> {
    let invalid = |problems| TerritoryError::Invalid { path: path.to_path_buf(), problems };
    let mut table = CsvTable::open(path)?;
    let (nc, fc, mc) = (table.require(&["name"])?, table.require(&["function"])?, table.require(&["members"])?);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (line, record) in table.records(&mut problems) {
        let name = record.get(nc).unwrap_or("").trim().to_string();
        let at = Location::Row { line, unit: Some(name.clone()) };
        let function = record.get(fc).unwrap_or("").trim().to_string();
        if !(function == "all" || function == "*" || functions.contains(&function.as_str())) {
            problems.push((at.clone(), Problem::Csv(format!("unknown function `{function}` (expected all or one of {})", functions.join(", ")))));
        }
        let members: Vec<String> = record
            .get(mc)
            .unwrap_or("")
            .split(|c: char| c == ';' || c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(normalize_istat)
            .collect();
        for m in &members {
            if t.find(m).is_none() {
                problems.push((at.clone(), Problem::UnknownMunicipality(m.clone())));
            }
        }
        if members.len() < 2 {
            problems.push((at.clone(), Problem::Csv("a collaboration needs at least two members".into())));
        }
        out.push(Collaboration { name, function, members });
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    Ok(out)
}
