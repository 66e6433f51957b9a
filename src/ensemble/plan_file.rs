//! Reader of a plan file to place among the ensemble's samples: the JSON of
//! `pianura zones --json`, of which only `labels` (ISTAT code → zone number) is read.
//!
//! Beside the other readers' rules: a UTF-8 BOM is accepted; a file that is empty, not UTF-8
//! or not JSON says where and what it found; every problem of the labels is listed, not the
//! first. Checking the labels against the area is [`super::plan_from_labels`]'s job.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::territory::normalize_istat;

/// What a plan file must hold, repeated in most errors.
const EXPECTED: &str = "expected the JSON of `pianura zones --json`, with a `labels` object of ISTAT code → zone number";

/// Why a plan file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    /// The file cannot be read at all.
    #[error("cannot read {}", path.display())]
    Read {
        /// The plan file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        cause: std::io::Error,
    },
    /// A byte that is not UTF-8.
    #[error("{}: not UTF-8: invalid byte 0x{byte:02X} at byte {at} (line {line}, after `{before}`); save the file as UTF-8", path.display())]
    NotUtf8 {
        /// The plan file.
        path: PathBuf,
        /// The offending byte.
        byte: u8,
        /// Its offset, from 0 (after a BOM).
        at: usize,
        /// Its line, from 1.
        line: usize,
        /// Up to 60 characters before it on its line.
        before: String,
    },
    /// Nothing but whitespace.
    #[error("{}: the file is empty: {EXPECTED}", path.display())]
    Empty {
        /// The plan file.
        path: PathBuf,
    },
    /// Not JSON; with a hint for the non-finite numbers Python writes.
    #[error("{}: not JSON at line {line}, column {column}: {message}{hint}; the line reads `{shown}`", path.display())]
    NotJson {
        /// The plan file.
        path: PathBuf,
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
        /// serde_json's message, without its position.
        message: String,
        /// `: \`NaN\` is not a JSON value …` or empty.
        hint: String,
        /// The line, trimmed, up to 80 characters.
        shown: String,
    },
    /// JSON, but not an object.
    #[error("{}: found {what} where an object was expected: {EXPECTED}", path.display())]
    NotObject {
        /// The plan file.
        path: PathBuf,
        /// `an array`, `a string`, …
        what: &'static str,
    },
    /// An object whose shape serde refuses.
    #[error("{}: {EXPECTED}", path.display())]
    Shape {
        /// The plan file.
        path: PathBuf,
        /// serde_json's error.
        #[source]
        cause: serde_json::Error,
    },
    /// No `labels` member.
    #[error("{}: no `labels` object ({EXPECTED})", path.display())]
    NoLabels {
        /// The plan file.
        path: PathBuf,
    },
    /// `labels` is not an object.
    #[error("{}: `labels` is {what}: {EXPECTED}", path.display())]
    LabelsNotObject {
        /// The plan file.
        path: PathBuf,
        /// `an array`, `a string`, …
        what: &'static str,
    },
    /// `labels` has no entry.
    #[error("{}: `labels` is empty: {EXPECTED}", path.display())]
    LabelsEmpty {
        /// The plan file.
        path: PathBuf,
    },
    /// Entries of `labels` that are not a code with a whole zone number ≥ 0; all of them.
    #[error("{}", labels_message(path, problems))]
    Labels {
        /// The plan file.
        path: PathBuf,
        /// `code: what is wrong`, in file order.
        problems: Vec<String>,
    },
}

fn labels_message(path: &Path, problems: &[String]) -> String {
    let name = path.display();
    match problems {
        [one] => format!("{name}: `labels`: {one} (zone numbers are whole numbers ≥ 0)"),
        _ => format!("{name}: `labels`: {} problems (zone numbers are whole numbers ≥ 0)\n  {}", problems.len(), problems.join("\n  ")),
    }
}

/// The entries of `labels` in file order (duplicates kept), or what it is instead.
struct Entries(Result<Vec<(String, serde_json::Value)>, &'static str>);

impl<'de> serde::Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of ISTAT code → zone number")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = map.next_entry::<String, serde_json::Value>()? {
                    v.push(entry);
                }
                Ok(Entries(Ok(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entries, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Entries(Err("an array")))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Entries, E> {
                Ok(Entries(Err("a boolean")))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Entries, E> {
                Ok(Entries(Err("a number")))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Entries, E> {
                Ok(Entries(Err("a number")))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Entries, E> {
                Ok(Entries(Err("a number")))
            }
            fn visit_str<E>(self, _: &str) -> Result<Entries, E> {
                Ok(Entries(Err("a string")))
            }
            fn visit_unit<E>(self) -> Result<Entries, E> {
                Ok(Entries(Err("null")))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(serde::Deserialize)]
struct PlanFile {
    labels: Option<Entries>,
}

/// Reads the `labels` of a `pianura zones --json` file: ISTAT code (as written) → zone number
/// (whole numbers ≥ 0; `2.0` counts as 2).
///
/// # Errors
/// [`PlanFileError`] naming the file and, for bad labels, every code and its problem.
pub fn read_plan_labels(path: &Path) -> Result<BTreeMap<String, u64>, PlanFileError> {
    let bytes = std::fs::read(path).map_err(|cause| PlanFileError::Read { path: path.to_path_buf(), cause })?;
    parse_plan_labels(&bytes, path)
}

/// [`read_plan_labels`] on bytes already read; `path` names them in errors.
///
/// # Errors
/// As [`read_plan_labels`], except [`PlanFileError::Read`].
pub fn parse_plan_labels(bytes: &[u8], path: &Path) -> Result<BTreeMap<String, u64>, PlanFileError> {
    let path_buf = || path.to_path_buf();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        let start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let before: Vec<char> = String::from_utf8_lossy(&bytes[start..at]).trim().chars().rev().take(60).collect();
        let before = before.into_iter().rev().collect();
        PlanFileError::NotUtf8 { path: path_buf(), byte: bytes[at], at, line, before }
    })?;
    if text.trim().is_empty() {
        return Err(PlanFileError::Empty { path: path_buf() });
    }
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| not_json(text, &e, path))?;
    if !v.is_object() {
        let what = match v {
            serde_json::Value::Array(_) => "an array",
            serde_json::Value::String(_) => "a string",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return Err(PlanFileError::NotObject { path: path_buf(), what });
    }
    let file: PlanFile = serde_json::from_str(text).map_err(|cause| PlanFileError::Shape { path: path_buf(), cause })?;
    let entries = match file.labels {
        None => return Err(PlanFileError::NoLabels { path: path_buf() }),
        Some(Entries(Err(what))) => return Err(PlanFileError::LabelsNotObject { path: path_buf(), what }),
        Some(Entries(Ok(e))) if e.is_empty() => return Err(PlanFileError::LabelsEmpty { path: path_buf() }),
        Some(Entries(Ok(e))) => e,
    };
    let mut labels = BTreeMap::new();
    let mut written: BTreeMap<String, String> = BTreeMap::new();
    let mut problems = Vec::new();
    for (code, z) in entries {
        if let Some(first) = written.insert(normalize_istat(&code), code.clone()) {
            let also = if first == code { String::new() } else { format!(" (also as {first:?})") };
            problems.push(format!("{code}: listed twice{also}"));
            continue;
        }
        match zone_number(&z) {
            Ok(z) => {
                labels.insert(code, z);
            }
            Err(m) => problems.push(format!("{code}: {m}")),
        }
    }
    if problems.is_empty() {
        Ok(labels)
    } else {
        Err(PlanFileError::Labels { path: path_buf(), problems })
    }
}

/// A zone number: a whole JSON number ≥ 0 (a float with no fraction counts).
fn zone_number(z: &serde_json::Value) -> Result<u64, String> {
    match z {
        serde_json::Value::Number(n) => match (n.as_u64(), n.as_f64()) {
            (Some(u), _) => Ok(u),
            (None, Some(f)) if f < 0.0 => Err(format!("negative zone number {n}")),
            (None, Some(f)) if f.fract() != 0.0 => Err(format!("fractional zone number {n}")),
            (None, Some(f)) if f < 9.0e15 => Ok(f as u64),
            _ => Err(format!("zone number {n} is too large")),
        },
        serde_json::Value::String(s) => Err(format!("zone number must be a number, found the string {s:?}")),
        other => Err(format!("zone number must be a number, found {other}")),
    }
}

/// Where serde_json stopped, with the line as it reads and a hint for Python's `NaN`.
fn not_json(text: &str, e: &serde_json::Error, path: &Path) -> PlanFileError {
    let (line, column) = (e.line(), e.column());
    let content = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    // serde_json's column points at (or just past) the offending token.
    let from = content.char_indices().map(|(i, _)| i).take_while(|&i| i < column.saturating_sub(1)).last().unwrap_or(0);
    let rest = content[from..].trim_start_matches([' ', ':', ',', '[']);
    let token = ["-Infinity", "Infinity", "NaN"].into_iter().find(|t| rest.starts_with(t) || content[from..].contains(t));
    let hint = match token {
        Some(t) => format!(": `{t}` is not a JSON value (Python's json.dump writes it for a float that is not finite)"),
        None => String::new(),
    };
    let shown = content.trim().chars().take(80).collect();
    let message = e.to_string();
    let message = message.strip_suffix(&format!(" at line {line} column {column}")).unwrap_or(&message).to_string();
    PlanFileError::NotJson { path: path.to_path_buf(), line, column, message, hint, shown }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<BTreeMap<String, u64>, PlanFileError> {
        parse_plan_labels(text.as_bytes(), Path::new("p.json"))
    }

    #[test]
    fn labels_are_read_with_whole_floats_and_a_bom() {
        let got = parse("\u{feff}{\"k\": 2, \"labels\": {\"017103\": 1, \"017122\": 2.0}}").unwrap();
        assert_eq!(got, BTreeMap::from([("017103".to_string(), 1), ("017122".to_string(), 2)]));
    }

    #[test]
    fn every_bad_label_is_listed_in_file_order() {
        let e = parse(r#"{"labels": {"017103": -1, "17103": 1, "017122": 2.5, "017137": "x"}}"#).unwrap_err();
        let PlanFileError::Labels { problems, .. } = &e else { panic!("{e}") };
        assert_eq!(
            problems,
            &[
                "017103: negative zone number -1",
                "17103: listed twice (also as \"017103\")",
                "017122: fractional zone number 2.5",
                "017137: zone number must be a number, found the string \"x\"",
            ]
        );
        assert!(e.to_string().starts_with("p.json: `labels`: 4 problems"), "{e}");
    }

    #[test]
    fn shapes_that_are_not_a_plan_are_named() {
        assert!(matches!(parse(" \n"), Err(PlanFileError::Empty { .. })));
        assert!(matches!(parse("[1]"), Err(PlanFileError::NotObject { what: "an array", .. })));
        assert!(matches!(parse("{}"), Err(PlanFileError::NoLabels { .. })));
        assert!(matches!(parse(r#"{"labels": 3}"#), Err(PlanFileError::LabelsNotObject { what: "a number", .. })));
        assert!(matches!(parse(r#"{"labels": {}}"#), Err(PlanFileError::LabelsEmpty { .. })));
        let e = parse("{\"labels\": {\"017103\": NaN}}").unwrap_err();
        let PlanFileError::NotJson { line: 1, hint, .. } = &e else { panic!("{e}") };
        assert!(hint.contains("`NaN` is not a JSON value"), "{e}");
    }
}
