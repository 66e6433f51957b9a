//! Existing collaborations (unions, conventions) from a CSV: `name, function, members`, where
//! `function` is a function id or `all`, and `members` lists ISTAT codes separated by spaces,
//! semicolons or commas (quoted when commas are used). Errors name the file, row and code;
//! every problem of the file is listed.
//!
//! Rules: a name, a function id of the spec (or `all`/`*`, which counts for every function),
//! at least two distinct municipalities of the area; a municipality belongs to at most one
//! collaboration per function, and a name is used once per function.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

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
    /// Where it is documented (the optional `source` column): an act, a page, a date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The embedded default collaborations of the Bassa Bresciana (two local-police arrangements,
/// confirmed member by member; sources in the file and in fixtures/SOURCES.md).
const DEFAULT_COLLABORATIONS: &str = include_str!("../../fixtures/bassa_bresciana/collaborations.csv");

/// How errors and notes name the embedded default collaborations.
pub const DEFAULT_COLLABORATIONS_NAME: &str = "embedded default collaborations";

impl Collaboration {
    /// True when it concerns `function`.
    pub fn applies_to(&self, function: &str) -> bool {
        is_all(&self.function) || self.function == function
    }
}

fn is_all(function: &str) -> bool {
    function == "all" || function == "*"
}

/// Errors reading a collaborations file.
#[derive(Debug, Error)]
pub enum CollabError {
    /// The file cannot be opened, or its header lacks a column.
    #[error(transparent)]
    Read(#[from] TerritoryError),
    /// Rows that break the rules; all of them are listed.
    #[error("{path}: {}", crate::error::list_problems(problems.iter().map(|(at, p)| format!("{at}{p}")).collect()))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem, in file order.
        problems: Vec<(Location, CollabProblem)>,
    },
}

/// What is wrong with one row.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CollabProblem {
    /// A record the CSV reader cannot read.
    #[error(transparent)]
    Record(Problem),
    /// The name cell is blank.
    #[error("no name: each collaboration needs one (the plan reports it by name)")]
    NoName,
    /// A function id that the spec does not define.
    #[error("unknown function `{function}` (expected all or one of {expected})")]
    UnknownFunction {
        /// As written.
        function: String,
        /// The spec's function ids, comma-separated.
        expected: String,
    },
    /// A code that names no municipality of the area.
    #[error("{0} is not a municipality of the area")]
    UnknownMunicipality(String),
    /// The members cell is blank.
    #[error("no members: list at least two ISTAT codes")]
    NoMembers,
    /// A single member.
    #[error("one member ({0}): a collaboration needs at least two municipalities")]
    OneMember(String),
    /// A municipality listed twice in the same row.
    #[error("{0} is listed twice among the members")]
    RepeatedMember(String),
    /// A municipality in two collaborations serving the same function.
    #[error("{unit} is also in collaboration `{other}` (row {other_line}) for {function}: a municipality can be in one collaboration per function")]
    TwoCollaborations {
        /// `istat name`.
        unit: String,
        /// The other collaboration's name.
        other: String,
        /// Its line.
        other_line: u64,
        /// The function both serve (`all` counts for every function).
        function: String,
    },
    /// The same name twice for the same function.
    #[error("collaboration `{name}` is listed twice for {function} (also row {other_line})")]
    DuplicateName {
        /// The name.
        name: String,
        /// The function both rows serve.
        function: String,
        /// The other row.
        other_line: u64,
    },
}

/// One readable row, before the cross-row checks.
struct Row {
    line: u64,
    collab: Collaboration,
}

/// The functions two collaborations both serve, as a message names them.
fn shared_function(a: &str, b: &str) -> Option<String> {
    match (is_all(a), is_all(b)) {
        (true, true) => Some("every function".into()),
        (true, false) => Some(format!("function {b}")),
        (false, true) => Some(format!("function {a}")),
        (false, false) => (a == b).then(|| format!("function {a}")),
    }
}

/// Reads a collaborations CSV, checking codes against the territory and functions against
/// `functions`.
///
/// # Errors
/// [`CollabError::Read`] when the file or a column is missing; [`CollabError::Invalid`]
/// naming the file and every bad row.
pub fn read(path: &Path, t: &Territory, functions: &[&str]) -> Result<Vec<Collaboration>, CollabError> {
    parse(path, CsvTable::open(path)?, t, functions)
}

/// The embedded default collaborations that apply to area `t` and the spec's `functions`,
/// and a note for each one left out (a function the spec lacks, a member the area lacks):
/// the default serves the default area and spec, and another area or spec is normal use.
pub fn embedded_default(t: &Territory, functions: &[&str]) -> (Vec<Collaboration>, Vec<String>) {
    let broken = "the embedded collaborations are a valid fixture (tested)";
    let path = Path::new(DEFAULT_COLLABORATIONS_NAME);
    let mut reader = csv::Reader::from_reader(DEFAULT_COLLABORATIONS.as_bytes());
    let headers = reader.headers().expect(broken).clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(broken);
    let (fc, mc, nc) = (col("function"), col("members"), col("name"));
    let mut kept = csv::Writer::from_writer(Vec::new());
    kept.write_record(&headers).expect("in memory");
    let mut notes = Vec::new();
    for record in reader.records() {
        let record = record.expect(broken);
        let function = &record[fc];
        let missing: Vec<&str> = record[mc].split_whitespace().filter(|m| t.find(m).is_none()).collect();
        let why = if !is_all(function) && !functions.contains(&function) {
            format!("the spec has no function `{function}`")
        } else if !missing.is_empty() {
            format!("{} not in the area", missing.join(", "))
        } else {
            kept.write_record(&record).expect("in memory");
            continue;
        };
        notes.push(format!("{DEFAULT_COLLABORATIONS_NAME}: `{}` left out: {why}", &record[nc]));
    }
    let bytes = kept.into_inner().expect("in memory");
    let table = CsvTable::from_bytes(path, &bytes).expect(broken);
    (parse(path, table, t, functions).expect(broken), notes)
}

/// Parses a collaborations table read from `path`.
fn parse(path: &Path, mut table: CsvTable, t: &Territory, functions: &[&str]) -> Result<Vec<Collaboration>, CollabError> {
    let (nc, fc, mc) = (table.require(&["name"])?, table.require(&["function"])?, table.require(&["members"])?);
    let sc = table.headers.iter().position(|h| h == "source");
    let mut read_problems = Vec::new();
    let records = table.records(&mut read_problems);
    let mut problems: Vec<(Location, CollabProblem)> = read_problems.into_iter().map(|(at, p)| (at, CollabProblem::Record(p))).collect();
    let mut rows: Vec<Row> = Vec::new();
    for (line, record) in records {
        let name = record.get(nc).unwrap_or("").trim().to_string();
        let at = Location::Row { line, unit: (!name.is_empty()).then(|| name.clone()) };
        let mut bad = |p: CollabProblem| problems.push((at.clone(), p));
        if name.is_empty() {
            bad(CollabProblem::NoName);
        }
        let function = record.get(fc).unwrap_or("").trim().to_string();
        let known_function = is_all(&function) || functions.contains(&function.as_str());
        if !known_function {
            bad(CollabProblem::UnknownFunction { function: function.clone(), expected: functions.join(", ") });
        }
        let written: Vec<&str> =
            record.get(mc).unwrap_or("").split(|c: char| c == ';' || c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).collect();
        let mut members: Vec<String> = Vec::new();
        for code in &written {
            match t.find(code) {
                None => bad(CollabProblem::UnknownMunicipality(code.to_string())),
                Some(id) => {
                    let m = t.unit(id);
                    if members.contains(&m.istat) {
                        bad(CollabProblem::RepeatedMember(m.to_string()));
                    } else {
                        members.push(m.istat.clone());
                    }
                }
            }
        }
        match written[..] {
            [] => bad(CollabProblem::NoMembers),
            [one] => bad(CollabProblem::OneMember(one.to_string())),
            _ => {}
        }
        if known_function {
            rows.push(Row {
                line,
                collab: Collaboration {
                    name,
                    function,
                    members: written.iter().map(|c| normalize_istat(c)).collect(),
                    source: sc.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string),
                },
            });
        }
    }
    // Across rows: a name once per function; a municipality in one collaboration per function.
    let mut cross: Vec<(u64, Location, CollabProblem)> = Vec::new();
    for (j, b) in rows.iter().enumerate() {
        let at = Location::Row { line: b.line, unit: (!b.collab.name.is_empty()).then(|| b.collab.name.clone()) };
        let mut reported: BTreeMap<String, ()> = BTreeMap::new();
        for a in &rows[..j] {
            let Some(function) = shared_function(&a.collab.function, &b.collab.function) else { continue };
            if !a.collab.name.is_empty() && a.collab.name == b.collab.name {
                cross.push((
                    b.line,
                    at.clone(),
                    CollabProblem::DuplicateName { name: b.collab.name.clone(), function, other_line: a.line },
                ));
                continue;
            }
            for code in &b.collab.members {
                if reported.contains_key(code) || !a.collab.members.contains(code) {
                    continue;
                }
                let Some(id) = t.find(code) else { continue };
                reported.insert(code.clone(), ());
                cross.push((
                    b.line,
                    at.clone(),
                    CollabProblem::TwoCollaborations {
                        unit: t.unit(id).to_string(),
                        other: a.collab.name.clone(),
                        other_line: a.line,
                        function: function.clone(),
                    },
                ));
            }
        }
    }
    problems.extend(cross.into_iter().map(|(_, at, p)| (at, p)));
    // File order: by line, the row's own problems before the cross-row ones (stable sort).
    problems.sort_by_key(|(at, _)| match at {
        Location::Row { line, .. } => *line,
        _ => 0,
    });
    if !problems.is_empty() {
        return Err(CollabError::Invalid { path: path.to_path_buf(), problems });
    }
    Ok(rows.into_iter().map(|r| r.collab).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(csv: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unions.csv");
        std::fs::write(&path, csv).unwrap();
        read(&path, &Territory::embedded_default(), &["ict", "suap_sue"]).unwrap_err().to_string()
    }

    #[test]
    fn a_member_listed_twice_is_named() {
        let e = errors("name,function,members\nU,ict,017103 17103 017122\n");
        assert!(e.contains("row 2 (U): 017103 Manerbio is listed twice"), "{e}");
    }

    #[test]
    fn one_municipality_in_two_collaborations_of_a_function_names_both() {
        let e = errors("name,function,members\nA,ict,017103 017122\nB,suap_sue,017103 017137\nC,all,017137 017122\n");
        assert!(e.contains("row 4 (C): 017137 Pavone del Mella is also in collaboration `B` (row 3) for function suap_sue"), "{e}");
        assert!(e.contains("row 4 (C): 017122 Offlaga is also in collaboration `A` (row 2) for function ict"), "{e}");
        assert!(!e.contains("row 3 (B)"), "A and B serve different functions: {e}");
    }

    #[test]
    fn empty_members_names_and_duplicate_names_are_rejected() {
        let e = errors("name,function,members\nA,ict,\n,ict,017103 017122\nD,ict,017137 017004\nD,all,017001 017034\nE,ict,017088\n");
        assert!(e.contains("unions.csv: 4 problems"), "{e}");
        assert!(e.contains("row 2 (A): no members"), "{e}");
        assert!(e.contains("row 3: no name"), "{e}");
        assert!(e.contains("row 5 (D): collaboration `D` is listed twice for function ict (also row 4)"), "{e}");
        assert!(e.contains("row 6 (E): one member (017088)"), "{e}");
    }

    #[test]
    fn the_same_name_for_other_functions_is_fine() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unions.csv");
        std::fs::write(&path, "name,function,members\nU,ict,017103 017122\nU,suap_sue,017103 017122\n").unwrap();
        let c = read(&path, &Territory::embedded_default(), &["ict", "suap_sue"]).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].members, vec!["017103", "017122"]);
    }

    #[test]
    fn the_embedded_collaborations_are_the_two_local_police_arrangements_with_sources() {
        let t = Territory::embedded_default();
        let (c, notes) = embedded_default(&t, &["ufficio_tecnico", "polizia_locale"]);
        assert!(notes.is_empty(), "{notes:?}");
        let members: Vec<Vec<&str>> = c.iter().map(|c| c.members.iter().map(String::as_str).collect()).collect();
        // Lograto, Longhena, Maclodio, Orzinuovi, Orzivecchi, Villachiara; Leno, Pavone del Mella,
        // Pralboino, Seniga.
        assert_eq!(
            members,
            [vec!["017091", "017093", "017097", "017125", "017126", "017200"], vec!["017088", "017137", "017152", "017177"]]
        );
        assert!(c.iter().all(|c| c.function == "polizia_locale" && c.source.as_deref().is_some_and(|s| s.len() > 10)), "{c:?}");
    }

    #[test]
    fn embedded_collaborations_a_spec_or_area_cannot_use_are_left_out_and_said() {
        let (c, notes) = embedded_default(&Territory::embedded_default(), &["ict"]);
        assert!(c.is_empty());
        assert_eq!(notes.len(), 2);
        assert!(notes[0].contains("left out: the spec has no function `polizia_locale`"), "{notes:?}");
        let t = Territory::embedded_default();
        let leno_only: Vec<_> = t
            .units
            .iter()
            .enumerate()
            .filter(|(_, u)| u.istat != "017088")
            .map(|(i, _)| crate::territory::MunicipalityId(i as u32))
            .collect();
        let (c, notes) = embedded_default(&t.subset(&leno_only, "without Leno"), &["polizia_locale"]);
        assert_eq!(c.len(), 1);
        assert!(notes[0].contains("017088 not in the area"), "{notes:?}");
    }
}
