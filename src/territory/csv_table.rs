//! The one CSV reader every CSV input goes through ([`CsvTable`]).

use std::path::{Path, PathBuf};

use super::*;

/// A CSV file opened with its trimmed header; every reader of a CSV input goes through it so
/// that unreadable records, missing columns and encodings are reported the same way, with line
/// numbers.
///
/// The delimiter is the one of `,`, `;` and tab that occurs most often (outside quotes) in the
/// header line — Italian Excel writes `;`. A UTF-8 byte-order mark is skipped. Line numbers come
/// from byte offsets, so CRLF files and quoted fields spanning lines are numbered right.
pub(crate) struct CsvTable {
    path: PathBuf,
    /// Trimmed column names.
    pub headers: Vec<String>,
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    /// Byte offset (in the decoded text) at which each line starts; line 1 at 0.
    line_starts: Vec<usize>,
    /// Invalid UTF-8 sequences: (byte offset in the file, line).
    bad_utf8: Vec<(usize, u64)>,
    /// True when the file holds nothing but white space.
    blank: bool,
}

impl CsvTable {
    /// Opens `path` and reads its header.
    ///
    /// # Errors
    /// The file cannot be read; the header names a column twice or leaves one blank.
    pub fn open(path: &Path) -> Result<CsvTable, TerritoryError> {
        let io = |cause| TerritoryError::Io { path: path.to_path_buf(), cause };
        let raw = std::fs::read(path).map_err(io)?;
        CsvTable::from_bytes(path, &raw)
    }

    /// Reads an in-memory CSV (an embedded fixture) as if it were the file `path`: errors
    /// name `path`.
    ///
    /// # Errors
    /// The header names a column twice or leaves one blank.
    pub fn from_bytes(path: &Path, raw: &[u8]) -> Result<CsvTable, TerritoryError> {
        let bom = if raw.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        let body = &raw[bom..];
        // Invalid bytes are reported (as problems of their records) and decoded as U+FFFD, so
        // the rest of the file is still checked.
        let bad = invalid_utf8_offsets(body);
        let text: Vec<u8> = String::from_utf8_lossy(body).into_owned().into_bytes();
        let raw_line = |o: usize| 1 + body[..o].iter().filter(|&&b| b == b'\n').count() as u64;
        let bad_utf8 = bad.into_iter().map(|o| (o + bom, raw_line(o))).collect();
        let line_starts = std::iter::once(0).chain(text.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1)).collect();
        let blank = text.iter().all(u8::is_ascii_whitespace);
        let delimiter = detect_delimiter(&text);
        let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(std::io::Cursor::new(text));
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|h| h.trim().to_string()).collect(),
            Err(e) => return Err(CsvTable::header_error(path, Problem::Csv(e.to_string()))),
        };
        let mut problems = Vec::new();
        if !blank {
            for (i, h) in headers.iter().enumerate() {
                if h.is_empty() {
                    problems.push((Location::Row { line: 1, unit: None }, Problem::BlankHeader(i + 1)));
                } else if let Some(first) = headers[..i].iter().position(|g| g == h) {
                    let p = Problem::DuplicateHeader { name: h.clone(), first: first + 1, second: i + 1 };
                    problems.push((Location::Row { line: 1, unit: None }, p));
                }
            }
        }
        if !problems.is_empty() {
            return Err(TerritoryError::invalid(path, problems));
        }
        Ok(CsvTable { path: path.to_path_buf(), headers, reader, line_starts, bad_utf8, blank })
    }

    fn header_error(path: &Path, p: Problem) -> TerritoryError {
        TerritoryError::Invalid { path: path.to_path_buf(), problems: vec![(Location::Row { line: 1, unit: None }, p)] }
    }

    /// True when the file is empty or holds only white space.
    pub fn is_blank(&self) -> bool {
        self.blank
    }

    /// Index of the first of `names` present in the header.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.headers.iter().position(|h| h == n))
    }

    /// Like [`CsvTable::column`], but a missing column is an error naming `names[0]` (or
    /// saying the file is empty), and the delimiter found when the header is one column of
    /// text with another candidate in it.
    pub fn require(&self, names: &[&str]) -> Result<usize, TerritoryError> {
        if self.blank {
            return Err(TerritoryError::Invalid { path: self.path.clone(), problems: vec![(Location::File, Problem::EmptyFile)] });
        }
        self.column(names).ok_or_else(|| {
            let p = match look_alike(names, &self.headers) {
                Some(found) => Problem::MissingColumnLike { column: names[0].into(), found },
                None => Problem::MissingColumn(names[0].into()),
            };
            CsvTable::header_error(&self.path, p)
        })
    }

    /// 1-based line of the record starting at a byte offset of the decoded text. The csv
    /// crate places a record after the previous terminator's first byte (the `\n` of a CRLF)
    /// and before any blank lines: those are skipped first.
    fn line_of(&self, byte: u64) -> u64 {
        let text = self.reader.get_ref().get_ref();
        let mut at = byte as usize;
        while at < text.len() && (text[at] == b'\r' || text[at] == b'\n') {
            at += 1;
        }
        self.line_starts.partition_point(|&s| s <= at) as u64
    }

    /// The readable records with their line numbers; unreadable ones, and records holding
    /// invalid UTF-8, become problems.
    pub fn records(&mut self, problems: &mut Vec<(Location, Problem)>) -> Vec<(u64, csv::StringRecord)> {
        let mut out = Vec::new();
        let expected = self.headers.len();
        let read: Vec<Result<csv::StringRecord, csv::Error>> = self.reader.records().collect();
        for record in read {
            match record {
                Ok(r) => out.push((r.position().map_or(0, |p| self.line_of(p.byte())), r)),
                Err(e) => {
                    let line = e.position().map_or(0, |p| self.line_of(p.byte()));
                    let p = match e.kind() {
                        csv::ErrorKind::UnequalLengths { len, .. } => Problem::FieldCount { found: *len as usize, expected },
                        _ => Problem::Csv(e.to_string()),
                    };
                    problems.push((Location::Row { line, unit: None }, p));
                }
            }
        }
        // Each invalid sequence belongs to the last record starting on or before its line
        // (a quoted field may span lines), or to the header.
        let mut by_record: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
        for &(byte, line) in &self.bad_utf8 {
            let k = out.partition_point(|(l, _)| *l <= line).checked_sub(1);
            match by_record.last_mut() {
                Some((last, bytes)) if *last == k => bytes.push(byte),
                _ => by_record.push((k, vec![byte])),
            }
        }
        for (k, bytes) in by_record {
            let (line, column, near) = match k {
                None => (1, None, self.headers.iter().find(|h| h.contains('\u{FFFD}')).cloned().unwrap_or_default()),
                Some(k) => {
                    let (line, r) = &out[k];
                    let found = r.iter().enumerate().find(|(_, f)| f.contains('\u{FFFD}'));
                    let column = found.and_then(|(i, _)| self.headers.get(i).cloned());
                    (*line, column, found.map(|(_, f)| f.trim().to_string()).unwrap_or_default())
                }
            };
            let p = Problem::InvalidUtf8 { byte: bytes[0], count: bytes.len(), column, near };
            problems.push((Location::Row { line, unit: None }, p));
        }
        problems.sort_by_key(|(at, _)| match at {
            Location::Row { line, .. } => *line,
            _ => 0,
        });
        out
    }
}

/// `,`, `;` or tab: whichever occurs most often outside quotes in the first line (`,` on ties
/// and when none occurs).
pub(super) fn detect_delimiter(text: &[u8]) -> u8 {
    let first = text.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in first {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in counts.iter_mut().filter(|c| c.0 == b) {
                c.1 += 1;
            }
        }
    }
    counts.iter().fold((b',', 0), |best, &c| if c.1 > best.1 { c } else { best }).0
}

/// Other spellings of the names pianura reads: ISTAT's own files (`PRO_COM_T`, `COMUNE`),
/// Italian headers, other letter cases.
pub(super) const ALIASES: &[(&str, &[&str])] = &[
    ("istat", &["pro_com_t", "pro_com", "cod_istat", "codice_istat", "codistat", "istat_code", "cod_com"]),
    ("id", &[]),
    ("name", &["nome", "comune", "denominazione", "nome_comune", "denominazione_comune", "municipality"]),
    ("a", &["from", "source", "istat_a"]),
    ("b", &["to", "target", "istat_b"]),
];

/// The first of `present` that is another spelling of one of `wanted` (letter case aside,
/// or an [`ALIASES`] entry).
pub(crate) fn look_alike<'a>(wanted: &[&str], present: impl IntoIterator<Item = &'a String>) -> Option<String> {
    let present: Vec<&String> = present.into_iter().collect();
    present
        .iter()
        .find(|p| {
            let l = p.to_lowercase();
            wanted.iter().any(|w| *w == l || ALIASES.iter().any(|(name, others)| name == w && others.contains(&l.as_str())))
        })
        .map(|p| p.to_string())
}

/// How a [`Location`] names the municipality on a feature or row: `017103 Manerbio`, the id
/// or the name alone when only one is there, nothing when neither is.
pub(super) fn unit_label(istat: Option<&str>, name: Option<&str>) -> Option<String> {
    let (istat, name) = (istat.filter(|s| !s.trim().is_empty()), name.filter(|s| !s.trim().is_empty()));
    match (istat, name) {
        (Some(id), Some(n)) => Some(format!("{id} {n}")),
        (Some(s), None) | (None, Some(s)) => Some(s.to_string()),
        (None, None) => None,
    }
}

/// Remembers ids already seen and reports duplicates with the first location.
#[derive(Default)]
pub(super) struct SeenIds(std::collections::HashMap<String, String>);

impl SeenIds {
    pub(super) fn check(&mut self, istat: &str, here: String) -> Result<(), Problem> {
        match self.0.get(istat) {
            Some(first) => Err(Problem::DuplicateId { istat: istat.to_string(), first: first.clone() }),
            None => {
                self.0.insert(istat.to_string(), here);
                Ok(())
            }
        }
    }
}
