//! Property-based mutation tests of every reader, on the real fixtures (issue 9).
//!
//! Each property takes a committed input (or one built here from committed data), applies one to
//! three mutations — truncation at a byte, a byte flip, two tokens, records or fields swapped, a
//! token copied over another, NaN / Infinity / 1e999 (and friends) in place of a number, `,`
//! turned into `;` or a tab, LF turned into CRLF or CR, a UTF-8 BOM, a record duplicated or
//! deleted — and checks the reader:
//! - never panics (library readers run under `catch_unwind`; the binary exits 0 or 2 and never
//!   prints "panicked");
//! - when it rejects the input, the message names the file;
//! - when it accepts the input, the result still satisfies the invariants every later stage
//!   relies on (at least one municipality, unique ids, every value finite, …);
//! - never leaves a partial output: `pianura ensemble` on a mutated area or plan either writes
//!   a complete output folder or leaves the folder (absent, or a previous output) and every
//!   other file byte-identical.
//!
//! Metamorphic properties follow the rules of issue 9: CRLF line endings give the same answer
//! (and the same row numbers) as LF, a BOM is accepted, a `;`-delimited CSV is accepted or named
//! as such, bare NaN tokens and invalid UTF-8 in GeoJSON name the feature.
//!
//! Runs: `PIANURA_FUZZ_CASES` cases per library property (default 32: a few seconds in
//! `cargo test`; `make fuzz` runs 15000), a fortieth of that (at least 4) per binary-level
//! property. The quick run uses a fixed seed; with `PIANURA_FUZZ_CASES` set the seed is random
//! unless `PIANURA_FUZZ_SEED` is given, and every report prints it. A property does not stop at
//! its first failure: it runs every case, groups failures by class (the invariant broken, or the
//! source line that panicked), shrinks the first case of each class with proptest, saves that
//! input under `target/tmp/mutation-failures/` and reports every class at the end. Nothing is
//! persisted between runs (no proptest regression files).

mod common;

#[path = "bad_inputs/harness.rs"]
mod harness;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant};

use pianura::compare::ScenarioFile;
use pianura::features::FeatureMatrix;
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::plan::{collab, Spec, SpecError};
use pianura::territory::{Shapes, Territory};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::{RngSeed, TestRunner};

// ---------------------------------------------------------------------------------------------
// Runs, failures and reproducers

/// Cases per library property: `PIANURA_FUZZ_CASES`, default 32.
fn cases() -> u32 {
    std::env::var("PIANURA_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(32)
}

/// Cases per binary-level property (about 0.4 s each): a fortieth, at least 4.
fn cli_cases() -> u32 {
    (cases() / 40).max(4)
}

/// The seed: fixed for the quick run, random (or `PIANURA_FUZZ_SEED`) for `make fuzz`.
fn seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| {
        if let Some(s) = std::env::var("PIANURA_FUZZ_SEED").ok().and_then(|v| v.parse().ok()) {
            return s;
        }
        if std::env::var_os("PIANURA_FUZZ_CASES").is_none() {
            return 20_260_009;
        }
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        (t.as_nanos() as u64 ^ u64::from(std::process::id())) % 1_000_000_000
    })
}

/// A broken property: its class (what groups failures: the invariant, or where a panic was),
/// the details, and the mutated input with the mutations that made it.
#[derive(Debug, Clone)]
struct Failure {
    class: String,
    detail: String,
    input: Vec<u8>,
    ext: &'static str,
    log: String,
}

type Outcome = Result<(), Failure>;

fn fail(class: impl Into<String>, detail: impl Into<String>) -> Failure {
    Failure { class: class.into(), detail: detail.into(), input: Vec::new(), ext: "txt", log: String::new() }
}

/// `ensure!(condition, "class", "detail {}", …)`: a [`Failure`] of that class when false.
macro_rules! ensure {
    ($cond:expr, $class:expr, $($fmt:tt)+) => {
        let holds: bool = $cond;
        if !holds {
            return Err(fail($class, format!($($fmt)+)));
        }
    };
}

/// Attaches the mutated input and its mutations to a failure of `body`.
fn with_input(input: &[u8], ext: &'static str, log: &str, body: impl FnOnce() -> Outcome) -> Outcome {
    body().map_err(|f| Failure { input: input.to_vec(), ext, log: log.to_string(), ..f })
}

/// The first failing case of one class, shrunk, and how many cases fell in the class.
struct Found<V> {
    value: V,
    failure: Failure,
    count: u32,
    first_case: u32,
}

/// Runs `cases` cases of `property` on values of `strategy`; collects every failure class,
/// shrinks the first case of each, saves its input and fails with a report of them all.
fn fuzz<S>(property: &str, cases: u32, strategy: S, test: impl Fn(&S::Value) -> Outcome)
where
    S: Strategy,
    S::Value: Debug,
{
    let config = ProptestConfig { cases, failure_persistence: None, rng_seed: RngSeed::Fixed(seed()), ..ProptestConfig::default() };
    let mut runner = TestRunner::new(config);
    let mut found: BTreeMap<String, Found<S::Value>> = BTreeMap::new();
    let started = Instant::now();
    for case in 0..cases {
        let mut tree = strategy.new_tree(&mut runner).expect("the strategies never reject");
        let Err(first) = test(&tree.current()) else { continue };
        if let Some(f) = found.get_mut(&first.class) {
            f.count += 1;
            continue;
        }
        // proptest's shrinking loop, kept to failures of the same class.
        let (mut value, mut failure) = (tree.current(), first);
        let shrink_started = Instant::now();
        let mut more = tree.simplify();
        let mut steps = 0;
        while more && steps < 1_000 && shrink_started.elapsed() < Duration::from_secs(60) {
            steps += 1;
            match test(&tree.current()) {
                Err(f) if f.class == failure.class => {
                    (value, failure) = (tree.current(), f);
                    more = tree.simplify();
                }
                _ => more = tree.complicate(),
            }
        }
        found.insert(failure.class.clone(), Found { value, failure, count: 1, first_case: case });
    }
    if found.is_empty() {
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mutation-failures");
    let _ = std::fs::create_dir_all(&dir);
    let mut report = format!(
        "{property}: {} failure class(es) in {cases} cases ({:.0} s, seed {}; rerun with PIANURA_FUZZ_SEED={} PIANURA_FUZZ_CASES={cases})\n",
        found.len(),
        started.elapsed().as_secs_f64(),
        seed(),
        seed()
    );
    for (k, (class, f)) in found.iter().enumerate() {
        let mut saved = String::new();
        if !f.failure.input.is_empty() || !f.failure.log.is_empty() {
            let file = dir.join(format!("{property}-{}.{}", k + 1, f.failure.ext));
            let _ = std::fs::write(&file, &f.failure.input);
            saved = format!("\n    input saved as {}", file.display());
        }
        report.push_str(&format!(
            "\n[{}] {class}: {} case(s), first at case {}\n    shrunk: {}\n    mutations:\n{}    value: {:?}{saved}\n",
            k + 1,
            f.count,
            f.first_case + 1,
            clip(&f.failure.detail, 12).replace('\n', "\n      "),
            f.failure.log.lines().map(|l| format!("    {l}\n")).collect::<String>(),
            f.value,
        ));
    }
    let _ = std::fs::write(dir.join(format!("{property}.txt")), &report);
    panic!("{report}");
}

/// The first `lines` lines of `text`, and how many were left out.
fn clip(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    if all.len() <= lines {
        return text.to_string();
    }
    format!("{}\n… {} more lines", all[..lines].join("\n"), all.len() - lines)
}

thread_local! {
    /// Set while a library reader runs under `catch_unwind`: its panic is recorded, not printed.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                let at = info.location().map_or("unknown place".to_string(), |l| format!("{}:{}", l.file(), l.line()));
                LAST_PANIC.with(|p| *p.borrow_mut() = Some((at, info.to_string())));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs a library call; a panic becomes a failure of class `panic at FILE:LINE`.
fn no_panic<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, Failure> {
    install_panic_hook();
    CATCHING.with(|c| c.set(true));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(false));
    r.map_err(|_| {
        let (at, msg) = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| ("unknown place".into(), String::new()));
        fail(format!("{what} panics at {at}"), msg)
    })
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// The kind of text a mutation works on: it decides what a record is and which special values
/// replace a number.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    /// A one-line GeoJSON FeatureCollection: records are features.
    GeoJson,
    /// Pretty-printed JSON: records are lines.
    Json,
    /// CSV: records are lines, fields split on `,`.
    Csv,
    /// TOML: records are lines.
    Toml,
}

impl Format {
    /// What replaces a number: non-finite and out-of-range spellings each format can carry
    /// (bare tokens as Python's `json.dump` writes them, TOML's own `nan` / `inf`).
    fn specials(self) -> &'static [&'static str] {
        match self {
            Format::GeoJson | Format::Json => {
                &["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e308", "-1", "\"NaN\"", "\"12.874\"", "\"21,5\""]
            }
            Format::Csv => &["NaN", "nan", "inf", "-inf", "Infinity", "1e999", "1e308", "-1", "12.874", "\"21,5\""],
            Format::Toml => &["nan", "inf", "-inf", "+inf", "1e999", "1e308", "-1", "0", "\"NaN\""],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Eol {
    Crlf,
    Cr,
}

/// One mutation; positions are [`Index`]es resolved against the text at the time it applies.
#[derive(Debug, Clone)]
enum Mutation {
    /// Keep only the bytes before this one.
    Truncate(Index),
    /// XOR one byte with a nonzero mask.
    FlipByte(Index, u8),
    /// Swap two tokens (runs of letters, digits, `_ . + -`).
    SwapTokens(Index, Index),
    /// Write the first token's text over the second.
    CopyToken(Index, Index),
    /// Swap two records (lines; features in GeoJSON).
    SwapRecords(Index, Index),
    /// Swap two `,`-separated fields of one record.
    SwapFields(Index, Index, Index),
    /// Replace a number with a special value; `keyed` prefers numbers after `:` or `=`
    /// (property values rather than coordinates).
    Special { number: Index, keyed: bool, value: Index },
    /// Every `,` becomes this byte.
    Delimiter(u8),
    /// Change every line ending.
    LineEndings(Eol),
    /// Prepend a UTF-8 byte-order mark.
    Bom,
    /// Repeat a record right after itself.
    DuplicateRecord(Index),
    /// Remove a record.
    DeleteRecord(Index),
}

fn mutation(format: Format) -> BoxedStrategy<Mutation> {
    let idx = any::<Index>;
    let structural = prop_oneof![
        2 => idx().prop_map(Mutation::Truncate),
        3 => (idx(), 1u8..=255).prop_map(|(i, m)| Mutation::FlipByte(i, m)),
        2 => (idx(), idx()).prop_map(|(a, b)| Mutation::SwapTokens(a, b)),
        2 => (idx(), idx()).prop_map(|(a, b)| Mutation::CopyToken(a, b)),
        2 => (idx(), idx()).prop_map(|(a, b)| Mutation::SwapRecords(a, b)),
        1 => (idx(), idx(), idx()).prop_map(|(r, a, b)| Mutation::SwapFields(r, a, b)),
        3 => (idx(), any::<bool>(), idx()).prop_map(|(number, keyed, value)| Mutation::Special { number, keyed, value }),
        1 => Just(Mutation::Bom),
        1 => idx().prop_map(Mutation::DuplicateRecord),
        1 => idx().prop_map(Mutation::DeleteRecord),
    ];
    match format {
        Format::Csv => prop_oneof![
            18 => structural,
            1 => prop_oneof![Just(b';'), Just(b'\t')].prop_map(Mutation::Delimiter),
            1 => prop_oneof![Just(Eol::Crlf), Just(Eol::Cr)].prop_map(Mutation::LineEndings),
        ]
        .boxed(),
        // A one-line GeoJSON has no line endings to change; `,` → `;` only breaks the JSON.
        Format::GeoJson => structural.boxed(),
        Format::Json | Format::Toml => prop_oneof![
            18 => structural,
            1 => prop_oneof![Just(Eol::Crlf), Just(Eol::Cr)].prop_map(Mutation::LineEndings),
            1 => Just(Mutation::Delimiter(b';')),
        ]
        .boxed(),
    }
}

/// One to three mutations, applied in order.
fn mutations(format: Format) -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(format), 1..=3)
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'+' | b'-')
}

/// Byte ranges of the tokens of `text`.
fn tokens(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if is_token_byte(text[i]) {
            let start = i;
            while i < text.len() && is_token_byte(text[i]) {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

/// Tokens that read as numbers; with `keyed`, only those right after `:` or `=` (if any).
fn numbers(text: &[u8], keyed: bool) -> Vec<(usize, usize)> {
    let all: Vec<(usize, usize)> = tokens(text)
        .into_iter()
        .filter(|&(a, b)| std::str::from_utf8(&text[a..b]).is_ok_and(|s| s.parse::<f64>().is_ok() && s.bytes().any(|c| c.is_ascii_digit())))
        .collect();
    if !keyed {
        return all;
    }
    let after_key = |a: usize| text[..a].iter().rev().find(|c| !c.is_ascii_whitespace()).is_some_and(|c| matches!(c, b':' | b'='));
    let keyed: Vec<_> = all.iter().copied().filter(|&(a, _)| after_key(a)).collect();
    if keyed.is_empty() {
        all
    } else {
        keyed
    }
}

/// Records as byte ranges, and the separator that joins them: features of a FeatureCollection
/// (separated by `,`) or lines (each with its terminator).
fn records(text: &[u8], format: Format) -> (Vec<(usize, usize)>, &'static [u8]) {
    if format == Format::GeoJson {
        let marker = br#"{"type":"Feature""#;
        let starts: Vec<usize> = text.windows(marker.len()).enumerate().filter(|(_, w)| *w == marker).map(|(i, _)| i).collect();
        if !starts.is_empty() {
            // The last feature ends before the `]}` that closes the collection.
            let mut end = text.len();
            while end > 0 && text[end - 1].is_ascii_whitespace() {
                end -= 1;
            }
            if end >= 2 && &text[end - 2..end] == b"]}" && end - 2 > *starts.last().unwrap() {
                end -= 2;
            }
            let mut out = Vec::new();
            for (k, &s) in starts.iter().enumerate() {
                let e = starts.get(k + 1).map_or(end, |&next| next.saturating_sub(1).max(s));
                out.push((s, e));
            }
            return (out, b",");
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in text.iter().enumerate() {
        if b == b'\n' {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    (out, b"")
}

/// `text` with ranges `a` and `b` (disjoint) exchanged.
fn swap_ranges(text: &[u8], a: (usize, usize), b: (usize, usize)) -> Vec<u8> {
    let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
    let mut out = Vec::with_capacity(text.len());
    out.extend_from_slice(&text[..first.0]);
    out.extend_from_slice(&text[second.0..second.1]);
    out.extend_from_slice(&text[first.1..second.0]);
    out.extend_from_slice(&text[first.0..first.1]);
    out.extend_from_slice(&text[second.1..]);
    out
}

fn splice(text: &[u8], range: (usize, usize), with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + with.len());
    out.extend_from_slice(&text[..range.0]);
    out.extend_from_slice(with);
    out.extend_from_slice(&text[range.1..]);
    out
}

fn show(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let s: String = s.chars().take(40).collect();
    format!("{s:?}")
}

/// Applies one mutation; returns what it did, with byte offsets, for the failure report.
fn apply(text: &mut Vec<u8>, m: &Mutation, format: Format) -> String {
    let len = text.len();
    match m {
        Mutation::Truncate(i) => {
            let at = if len == 0 { 0 } else { i.index(len) };
            text.truncate(at);
            format!("truncate to the first {at} of {len} bytes")
        }
        Mutation::FlipByte(i, mask) => {
            if len == 0 {
                return "flip a byte (empty text: nothing)".into();
            }
            let at = i.index(len);
            let before = text[at];
            text[at] ^= mask;
            format!("byte {at}: 0x{before:02x} → 0x{:02x}", text[at])
        }
        Mutation::SwapTokens(a, b) | Mutation::CopyToken(a, b) => {
            let toks = tokens(text);
            if toks.len() < 2 {
                return "swap/copy tokens (fewer than two tokens: nothing)".into();
            }
            let (x, y) = (toks[a.index(toks.len())], toks[b.index(toks.len())]);
            if x == y {
                return format!("swap/copy token {} with itself: nothing", show(&text[x.0..x.1]));
            }
            let what = format!("{} (byte {}) and {} (byte {})", show(&text[x.0..x.1]), x.0, show(&text[y.0..y.1]), y.0);
            if matches!(m, Mutation::SwapTokens(..)) {
                *text = swap_ranges(text, x, y);
                format!("swap tokens {what}")
            } else {
                let src = text[x.0..x.1].to_vec();
                *text = splice(text, y, &src);
                format!("copy token {what}: the second becomes the first")
            }
        }
        Mutation::SwapRecords(a, b) => {
            let (recs, _) = records(text, format);
            if recs.len() < 2 {
                return "swap records (fewer than two: nothing)".into();
            }
            let (i, j) = (a.index(recs.len()), b.index(recs.len()));
            if i == j {
                return format!("swap record {} with itself: nothing", i + 1);
            }
            *text = swap_ranges(text, recs[i], recs[j]);
            format!("swap records {} and {} (1-based)", i + 1, j + 1)
        }
        Mutation::SwapFields(r, a, b) => {
            let (recs, _) = records(text, format);
            if recs.is_empty() {
                return "swap fields (no record: nothing)".into();
            }
            let ri = r.index(recs.len());
            let (rs, re) = recs[ri];
            let mut fields = Vec::new();
            let mut start = rs;
            for (p, _) in text[rs..re].iter().enumerate().filter(|(_, &b)| b == b',') {
                fields.push((start, rs + p));
                start = rs + p + 1;
            }
            // The last field stops before the line terminator.
            let mut end = re;
            while end > start && matches!(text[end - 1], b'\n' | b'\r') {
                end -= 1;
            }
            fields.push((start, end));
            if fields.len() < 2 {
                return format!("swap fields of record {} (one field: nothing)", ri + 1);
            }
            let (i, j) = (a.index(fields.len()), b.index(fields.len()));
            if i == j {
                return format!("swap field {} of record {} with itself: nothing", i + 1, ri + 1);
            }
            let what = format!("{} and {}", show(&text[fields[i].0..fields[i].1]), show(&text[fields[j].0..fields[j].1]));
            *text = swap_ranges(text, fields[i], fields[j]);
            format!("swap fields {} and {} of record {}: {what}", i + 1, j + 1, ri + 1)
        }
        Mutation::Special { number, keyed, value } => {
            let nums = numbers(text, *keyed);
            if nums.is_empty() {
                return "replace a number (none left: nothing)".into();
            }
            let n = nums[number.index(nums.len())];
            let specials = format.specials();
            let v = specials[value.index(specials.len())];
            let what = format!("replace {} at byte {} with {v}", show(&text[n.0..n.1]), n.0);
            *text = splice(text, n, v.as_bytes());
            what
        }
        Mutation::Delimiter(d) => {
            for b in text.iter_mut() {
                if *b == b',' {
                    *b = *d;
                }
            }
            format!("every `,` → {:?}", *d as char)
        }
        Mutation::LineEndings(eol) => {
            let mut out = Vec::with_capacity(len + len / 16);
            for (i, &b) in text.iter().enumerate() {
                match (eol, b) {
                    (Eol::Crlf, b'\n') if i == 0 || text[i - 1] != b'\r' => out.extend_from_slice(b"\r\n"),
                    (Eol::Cr, b'\n') if i > 0 && text[i - 1] == b'\r' => {}
                    (Eol::Cr, b'\n') => out.push(b'\r'),
                    _ => out.push(b),
                }
            }
            *text = out;
            format!("line endings → {eol:?}")
        }
        Mutation::Bom => {
            text.splice(0..0, [0xEF, 0xBB, 0xBF]);
            "prepend a UTF-8 BOM".into()
        }
        Mutation::DuplicateRecord(i) => {
            let (recs, sep) = records(text, format);
            if recs.is_empty() {
                return "duplicate a record (none: nothing)".into();
            }
            let k = i.index(recs.len());
            let (s, e) = recs[k];
            let mut copy = Vec::new();
            if sep.is_empty() && !text[s..e].ends_with(b"\n") {
                copy.push(b'\n');
                copy.extend_from_slice(&text[s..e]);
            } else {
                copy.extend_from_slice(sep);
                copy.extend_from_slice(&text[s..e]);
            }
            *text = splice(text, (e, e), &copy);
            format!("duplicate record {} (bytes {s}..{e})", k + 1)
        }
        Mutation::DeleteRecord(i) => {
            let (recs, sep) = records(text, format);
            if recs.is_empty() {
                return "delete a record (none: nothing)".into();
            }
            let k = i.index(recs.len());
            let (mut s, mut e) = recs[k];
            // Take one separator with it so the rest stays well formed.
            if !sep.is_empty() {
                if text[e..].starts_with(sep) {
                    e += sep.len();
                } else if s >= sep.len() && &text[s - sep.len()..s] == sep {
                    s -= sep.len();
                }
            }
            *text = splice(text, (s, e), b"");
            format!("delete record {} (bytes {s}..{e})", k + 1)
        }
    }
}

/// The mutated text and a numbered description of each step.
fn mutate(base: &[u8], ms: &[Mutation], format: Format) -> (Vec<u8>, String) {
    let mut text = base.to_vec();
    let mut log = String::new();
    for (i, m) in ms.iter().enumerate() {
        let what = apply(&mut text, m, format);
        log.push_str(&format!("  {}. {what}\n", i + 1));
    }
    (text, log)
}
// ---------------------------------------------------------------------------------------------
// Base inputs

fn read_fixture(rel: &str) -> Vec<u8> {
    std::fs::read(common::fixture(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

fn geojson_base() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| read_fixture("bassa_bresciana/area.geojson"))
}

fn lombardia_units() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| read_fixture("lombardia/units.csv"))
}

fn lombardia_edges() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| read_fixture("lombardia/edges.csv"))
}

fn default_area() -> &'static Territory {
    static T: OnceLock<Territory> = OnceLock::new();
    T.get_or_init(Territory::embedded_default)
}

/// `units.csv` of the 42 Bassa municipalities, written from the committed GeoJSON (ids, names,
/// districts, populations, areas, interior points and the five features); its `edges.csv` is
/// the committed fixtures/bassa_bresciana/edges.csv.
fn bassa_units() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| {
        let t = default_area();
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["istat", "name", "district", "pop", "area_km2", "lon", "lat"];
        header.extend(t.attributes.iter().map(|a| a.name.as_str()));
        w.write_record(&header).unwrap();
        for (i, u) in t.units.iter().enumerate() {
            let (lon, lat) = u.point.expect("the fixture has interior points");
            let mut row = vec![
                u.istat.clone(),
                u.name.clone(),
                u.district.clone().unwrap_or_default(),
                u.pop.expect("the fixture has populations").to_string(),
                u.area_km2.expect("the fixture has areas").to_string(),
                lon.to_string(),
                lat.to_string(),
            ];
            row.extend(t.attributes.iter().map(|a| a.values[i].to_string()));
            w.write_record(&row).unwrap();
        }
        w.into_inner().unwrap()
    })
}

fn bassa_edges() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| read_fixture("bassa_bresciana/edges.csv"))
}

/// An extra-features CSV as a province would publish it: the 205 municipalities of Brescia
/// (ISTAT 017…) from fixtures/lombardia/units.csv, with four columns under new names; 42 of
/// its rows are in the default area.
fn features_base() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| {
        let mut r = csv::Reader::from_reader(lombardia_units());
        let h = r.headers().unwrap().clone();
        let col = |n: &str| h.iter().position(|c| c == n).unwrap_or_else(|| panic!("lombardia/units.csv has {n}"));
        let cols = [col("istat"), col("name"), col("pop"), col("area_km2"), col("lon"), col("lat")];
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["istat", "name", "residents", "surface_km2", "longitude", "latitude"]).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            if rec[cols[0]].starts_with("017") {
                w.write_record(cols.iter().map(|&c| &rec[c])).unwrap();
            }
        }
        w.into_inner().unwrap()
    })
}

/// A collaborations CSV of the default area: one per function plus one for all, members
/// disjoint, written the three ways the reader accepts (spaces, quoted commas).
const COLLAB_BASE: &str = "name,function,members\n\
    Unione Manerbio-Offlaga,all,017103 017122\n\
    Convenzione polizia Leno-Ghedi,polizia_locale,017088 017078\n\
    Convenzione ICT Acquafredda-Calvisano,ict,\"017001,017034\"\n\
    Convenzione SUAP,suap_sue,017039 017009 017032\n\
    Ufficio tecnico associato,ufficio_tecnico,017064 017066\n";

fn spec_base() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/default.toml")).unwrap())
}

fn scenarios_base() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| read_fixture("scenarios/bassa.toml"))
}

/// A real `pianura zones --k 3 --method ward --json` output on the default area.
fn plan_base() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| {
        let out = Command::new(env!("CARGO_BIN_EXE_pianura"))
            .args(["zones", "--k", "3", "--method", "ward", "--objective", "ssd", "--json"])
            .output()
            .expect("binary runs");
        assert!(out.status.success(), "zones --json: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    })
}

/// A temp folder holding `files` (relative path → bytes).
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, bytes) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

// ---------------------------------------------------------------------------------------------
// Invariants of an accepted input

fn finite_in(v: f64, lo: f64, hi: f64) -> bool {
    v.is_finite() && (lo..=hi).contains(&v)
}

/// What every later stage relies on in a loaded territory; `geojson` adds the GeoJSON rules of
/// issue 9 (a name on every feature, a positive area).
fn territory_invariants(t: &Territory, geojson: bool) -> Outcome {
    let n = t.len();
    ensure!(n >= 1, "an accepted area has no municipality", "{} units", n);
    let mut ids = BTreeSet::new();
    for u in &t.units {
        ensure!(!u.istat.trim().is_empty(), "a municipality without id is accepted", "{u:?}");
        ensure!(ids.insert(u.istat.clone()), "an id twice is accepted", "{} twice", u.istat);
        if geojson {
            ensure!(!u.name.trim().is_empty(), "a feature without a name is accepted", "{}: no name", u.istat);
        }
        if let Some(p) = u.pop {
            ensure!(finite_in(p, 0.0, f64::MAX), "a population that is negative or not finite is accepted", "{u}: {p}");
            ensure!(p.fract() == 0.0, "a population that is not a whole number is accepted", "{u}: population {p}");
        }
        if let Some(a) = u.area_km2 {
            ensure!(finite_in(a, 0.0, f64::MAX), "an area that is negative or not finite is accepted", "{u}: {a} km²");
            if geojson {
                ensure!(a > 0.0, "a polygon of zero area is accepted", "{u}: {a} km²");
            }
        }
        if let Some((lon, lat)) = u.point {
            ensure!(
                finite_in(lon, -180.0, 180.0) && finite_in(lat, -90.0, 90.0),
                "a point outside WGS84 is accepted",
                "{u}: ({lon}, {lat})"
            );
        }
    }
    for a in &t.attributes {
        ensure!(
            a.values.len() == n,
            "a feature column of the wrong length",
            "`{}`: {} values for {n} municipalities",
            a.name,
            a.values.len()
        );
        if let Some((i, v)) = a.values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(fail("a non-finite feature value is accepted", format!("{}: `{}` = {v}", t.units[i], a.name)));
        }
    }
    match &t.shapes {
        Shapes::Polygons(ps) => {
            ensure!(ps.len() == n, "not one geometry per municipality", "{} geometries, {n} municipalities", ps.len());
            for (u, p) in t.units.iter().zip(ps) {
                ensure!(!p.0.is_empty(), "an empty geometry is accepted", "{u}");
            }
        }
        Shapes::Edges(es) => {
            for w in es.windows(2) {
                ensure!((w[0].a, w[0].b) < (w[1].a, w[1].b), "edges not sorted or repeated", "{:?}", w);
            }
            for e in es {
                ensure!(e.a < e.b && e.b.index() < n, "an edge out of range", "{e:?} (n = {n})");
                if let Some(b) = e.border_m {
                    ensure!(finite_in(b, 0.0, f64::MAX), "a border length that is negative or not finite is accepted", "{e:?}");
                }
            }
        }
    }
    features_invariants(&FeatureMatrix::from_territory(t), n)
}

/// Standardized features stay finite (a value near 1e308 overflows the standard deviation).
fn features_invariants(f: &FeatureMatrix, n: usize) -> Outcome {
    ensure!(f.n_units() == n, "a feature matrix of the wrong height", "{} rows for {n} municipalities", f.n_units());
    let z = no_panic("FeatureMatrix::standardized", || f.standardized())?;
    for (c, name) in z.names().iter().enumerate() {
        if let Some((i, v)) = z.values().column(c).iter().enumerate().find(|(_, v)| !v.is_finite()) {
            let raw = f.values()[[i, c]];
            return Err(fail("accepted values whose z-scores are not finite", format!("`{name}`, row {i}: raw {raw}, z-score {v}")));
        }
    }
    Ok(())
}

/// The graph of an accepted territory builds without panicking (an error is fine).
fn graph_builds(t: &Territory) -> Outcome {
    no_panic("AdjacencyGraph::build", || AdjacencyGraph::build(t, Contiguity::Queen)).map(drop)
}

fn names_file(msg: &str, files: &[&str]) -> Outcome {
    ensure!(files.iter().any(|f| msg.contains(f)), "the error does not name the file", "expected one of {files:?} in: {msg}");
    Ok(())
}

/// An accepted spec: features listed once, finite non-negative weights with at least one
/// positive, finite population bounds in order, keep-together groups of two or more, and
/// weighted distances that stay finite (weights of 1e308 overflow them).
fn spec_invariants(spec: &Spec, raw: &FeatureMatrix) -> Outcome {
    let feats = &spec.area.features;
    let distinct: BTreeSet<&String> = feats.iter().collect();
    ensure!(distinct.len() == feats.len(), "a spec listing a feature twice is accepted", "area.features = {feats:?}");
    ensure!(spec.solver.time_limit > 0.0, "a non-positive solver time limit is accepted", "{}", spec.solver.time_limit);
    let z = raw.select(feats).map_err(|e| fail("checked features do not select", e.to_string()))?.standardized();
    for (id, f) in &spec.functions {
        let w: Vec<(String, f64)> = feats.iter().map(|n| (n.clone(), f.weights.get(n).copied().unwrap_or(1.0))).collect();
        for (n, v) in &w {
            ensure!(v.is_finite() && *v >= 0.0, "a negative or non-finite weight is accepted", "functions.{id}.weights.{n} = {v}");
        }
        ensure!(
            w.iter().any(|(_, v)| *v > 0.0),
            "a spec whose weights are all zero is accepted",
            "functions.{id}.weights = {:?}",
            f.weights
        );
        for (what, lo, hi) in [("zones", f.zones.min_pop, f.zones.max_pop), ("groups", f.groups.min_pop, f.groups.max_pop)] {
            for v in [lo, hi].into_iter().flatten() {
                ensure!(finite_in(v, 0.0, f64::MAX), "a negative or non-finite population bound is accepted", "functions.{id}.{what}: {v}");
            }
            if let (Some(lo), Some(hi)) = (lo, hi) {
                ensure!(lo <= hi, "min_pop above max_pop is accepted", "functions.{id}.{what}: {lo} > {hi}");
            }
        }
        let g = &f.groups;
        ensure!(
            g.min_units >= 1 && g.min_units <= g.max_units,
            "group sizes out of order are accepted",
            "functions.{id}.groups: {}..{}",
            g.min_units,
            g.max_units
        );
        ensure!(
            g.compactness.is_finite() && g.compactness >= 0.0,
            "a non-finite compactness is accepted",
            "functions.{id}: {}",
            g.compactness
        );
        for (i, group) in f.keep_together.iter().enumerate() {
            ensure!(group.len() >= 2, "an empty or one-member keep_together is accepted", "functions.{id}.keep_together[{i}] = {group:?}");
        }
        let x = z.weighted(&w).map_err(|e| fail("checked weights are rejected later", format!("functions.{id}: {e}")))?;
        if let Some(((i, j), v)) = x.dissimilarity().indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(fail("accepted weights whose weighted distances are not finite", format!("functions.{id}: rows {i} and {j}: {v}")));
        }
    }
    Ok(())
}

/// Accepted collaborations: known functions, two or more distinct known members, and no
/// municipality in two collaborations of the same function (`all` counts for every function).
fn collab_invariants(cs: &[collab::Collaboration], t: &Territory, functions: &[&str]) -> Outcome {
    for c in cs {
        ensure!(
            c.applies_to("all") || functions.contains(&c.function.as_str()),
            "an unknown function is accepted",
            "{:?}: {:?}",
            c.name,
            c.function
        );
        let distinct: BTreeSet<&String> = c.members.iter().collect();
        ensure!(distinct.len() == c.members.len(), "a collaboration listing a member twice is accepted", "{:?}: {:?}", c.name, c.members);
        ensure!(distinct.len() >= 2, "a collaboration of fewer than two municipalities is accepted", "{:?}: {:?}", c.name, c.members);
        for m in &c.members {
            ensure!(t.find(m).is_some(), "an unknown member is accepted", "{:?}: {m}", c.name);
        }
    }
    for f in functions {
        let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
        for c in cs.iter().filter(|c| c.applies_to(f)) {
            for m in &c.members {
                if let Some(first) = owner.insert(m, &c.name) {
                    ensure!(
                        first == c.name,
                        "one municipality in two collaborations of the same function is accepted",
                        "{m} in {first:?} and {:?}, both for {f}",
                        c.name
                    );
                }
            }
        }
    }
    Ok(())
}

/// Accepted scenarios: unique names, finite non-negative weights whose weighted
/// distances stay finite on the default area, features listed once, finite bounds in order, a
/// positive finite time limit. (`k = 0` is left to the runner, which rejects it by name.)
fn scenario_invariants(file: &ScenarioFile) -> Outcome {
    let raw = FeatureMatrix::from_territory(default_area());
    ensure!(!file.scenario.is_empty(), "a file without scenarios is accepted", "");
    let names: BTreeSet<&String> = file.scenario.iter().map(|s| &s.name).collect();
    ensure!(names.len() == file.scenario.len(), "a scenario name twice is accepted", "{names:?}");
    for s in &file.scenario {
        let n = &s.name;
        for (feat, w) in &s.weights {
            ensure!(finite_in(*w, 0.0, f64::MAX), "a negative or non-finite scenario weight is accepted", "{n:?}: {feat} = {w}");
        }
        let distinct: BTreeSet<&String> = s.features.iter().collect();
        ensure!(distinct.len() == s.features.len(), "a scenario listing a feature twice is accepted", "{n:?}: {:?}", s.features);
        for v in [s.min_pop, s.max_pop].into_iter().flatten() {
            ensure!(finite_in(v, 0.0, f64::MAX), "a negative or non-finite scenario population bound is accepted", "{n:?}: {v}");
        }
        if let (Some(lo), Some(hi)) = (s.min_pop, s.max_pop) {
            ensure!(lo <= hi, "a scenario with min_pop above max_pop is accepted", "{n:?}: {lo} > {hi}");
        }
        if let (Some(lo), Some(hi)) = (s.min_units, s.max_units) {
            ensure!(lo <= hi, "a scenario with min_units above max_units is accepted", "{n:?}: {lo} > {hi}");
        }
        ensure!(
            s.time_limit.is_finite() && s.time_limit > 0.0,
            "a non-positive or non-finite scenario time limit is accepted",
            "{n:?}: {}",
            s.time_limit
        );
        // Names the area lacks are the runner's to reject (it knows the area); the rest must
        // give finite distances.
        let selected = if s.features.is_empty() { Ok(raw.clone()) } else { raw.select(&s.features) };
        if let Ok(z) = selected {
            let z = z.standardized();
            let w: Vec<(String, f64)> = z.names().iter().map(|c| (c.clone(), s.weights.get(c).copied().unwrap_or(1.0))).collect();
            if let Ok(x) = z.weighted(&w) {
                if let Some(((i, j), v)) = x.dissimilarity().indexed_iter().find(|(_, v)| !v.is_finite()) {
                    return Err(fail(
                        "accepted scenario weights whose weighted distances are not finite",
                        format!("{n:?}: rows {i} and {j}: {v}"),
                    ));
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Library readers

/// Loads a folder or file with `Territory::load`, checks an accepted area, and that an error
/// names one of `files`.
fn load_checked(path: &Path, files: &[&str], geojson: bool) -> Outcome {
    match no_panic("Territory::load", || Territory::load(path))? {
        Ok(t) => {
            territory_invariants(&t, geojson)?;
            graph_builds(&t)
        }
        Err(e) => names_file(&e.to_string(), files),
    }
}

#[test]
fn geojson_reader_survives_mutations() {
    fuzz("geojson_reader", cases(), mutations(Format::GeoJson), |ms| {
        let (text, log) = mutate(geojson_base(), ms, Format::GeoJson);
        with_input(&text, "geojson", &log, || {
            let dir = folder(&[("area.geojson", &text)]);
            load_checked(&dir.path().join("area.geojson"), &["area.geojson"], true)
        })
    });
}

/// A csv folder with one of its two files mutated.
fn csv_folder_property(property: &str, units: &'static [u8], edges: &'static [u8]) {
    fuzz(property, cases(), (any::<bool>(), mutations(Format::Csv)), |(in_edges, ms)| {
        let (name, base, other) =
            if *in_edges { ("edges.csv", edges, ("units.csv", units)) } else { ("units.csv", units, ("edges.csv", edges)) };
        let (text, log) = mutate(base, ms, Format::Csv);
        with_input(&text, "csv", &format!("  (in {name})\n{log}"), || {
            let dir = folder(&[(name, &text), other]);
            load_checked(dir.path(), &["units.csv", "edges.csv"], false)
        })
    });
}

#[test]
fn csv_folder_reader_survives_mutations_of_lombardia() {
    csv_folder_property("csv_folder_reader_lombardia", lombardia_units(), lombardia_edges());
}

#[test]
fn csv_folder_reader_survives_mutations_of_the_42_bassa_units() {
    csv_folder_property("csv_folder_reader_bassa", bassa_units(), bassa_edges());
}

#[test]
fn features_csv_join_survives_mutations() {
    fuzz("features_csv_join", cases(), mutations(Format::Csv), |ms| {
        let (text, log) = mutate(features_base(), ms, Format::Csv);
        with_input(&text, "csv", &log, || {
            let dir = folder(&[("income.csv", &text)]);
            let path = dir.path().join("income.csv");
            let t = default_area();
            let base = FeatureMatrix::from_territory(t);
            match no_panic("FeatureMatrix::join_csv", || base.join_csv(&path, t))? {
                Ok(f) => {
                    let k = base.names().len();
                    ensure!(f.names().len() > k, "a features CSV with no column is accepted", "{:?}", f.names());
                    ensure!(f.names()[..k] == *base.names(), "the join reorders the area's features", "{:?}", f.names());
                    let distinct: BTreeSet<&String> = f.names().iter().collect();
                    ensure!(distinct.len() == f.names().len(), "a column name twice is accepted", "{:?}", f.names());
                    if let Some(((r, c), v)) = f.values().indexed_iter().find(|(_, v)| !v.is_finite()) {
                        return Err(fail("a non-finite feature value is accepted", format!("{}: `{}` = {v}", t.units[r], f.names()[c])));
                    }
                    features_invariants(&f, t.len())
                }
                Err(e) => names_file(&e.to_string(), &["income.csv"]),
            }
        })
    });
}

#[test]
fn spec_parser_survives_mutations() {
    fuzz("spec_parser", cases(), mutations(Format::Toml), |ms| {
        let (text, log) = mutate(spec_base(), ms, Format::Toml);
        with_input(&text, "toml", &log, || {
            // The CLI reads the file as UTF-8 first: invalid UTF-8 never reaches the parser.
            let Ok(s) = std::str::from_utf8(&text) else { return Ok(()) };
            let t = default_area();
            let raw = FeatureMatrix::from_territory(t);
            let src = "my-spec.toml";
            let parsed = no_panic("Spec::parse + check", || -> Result<Spec, SpecError> {
                let spec = Spec::parse(s, src)?;
                spec.check(t, raw.names(), src)?;
                Ok(spec)
            })?;
            match parsed {
                Ok(spec) => spec_invariants(&spec, &raw),
                Err(e) => names_file(&e.to_string(), &[src]),
            }
        })
    });
}

#[test]
fn collaborations_reader_survives_mutations() {
    fuzz("collaborations_reader", cases(), mutations(Format::Csv), |ms| {
        let (text, log) = mutate(COLLAB_BASE.as_bytes(), ms, Format::Csv);
        with_input(&text, "csv", &log, || {
            let dir = folder(&[("unions.csv", &text)]);
            let path = dir.path().join("unions.csv");
            let t = default_area();
            let spec = Spec::embedded_default();
            let ids = spec.function_ids();
            match no_panic("collab::read", || collab::read(&path, t, &ids))? {
                Ok(cs) => collab_invariants(&cs, t, &ids),
                Err(e) => names_file(&e.to_string(), &["unions.csv"]),
            }
        })
    });
}

#[test]
fn scenario_parser_survives_mutations() {
    fuzz("scenario_parser", cases(), mutations(Format::Toml), |ms| {
        let (text, log) = mutate(scenarios_base(), ms, Format::Toml);
        with_input(&text, "toml", &log, || {
            let Ok(s) = std::str::from_utf8(&text) else { return Ok(()) };
            let src = "scenarios.toml";
            match no_panic("ScenarioFile::parse", || ScenarioFile::parse(s, src))? {
                Ok(f) => scenario_invariants(&f),
                Err(e) => names_file(&e.to_string(), &[src]),
            }
        })
    });
}

// ---------------------------------------------------------------------------------------------
// The binary: exit 0 or 2, no panic, no partial output

struct Run {
    code: Option<i32>,
    stderr: String,
    timed_out: bool,
}

/// Runs `pianura args…` in `cwd` with stdout and stderr in files outside it, killing it after
/// two minutes.
fn run_bin(cwd: &Path, args: &[&str]) -> Run {
    let logs = tempfile::tempdir().expect("temp dir");
    let (out, err) = (logs.path().join("stdout"), logs.path().join("stderr"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("binary runs");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.and_then(|s| s.code()),
        stderr: String::from_utf8_lossy(&std::fs::read(&err).unwrap_or_default()).into_owned(),
        timed_out: status.is_none(),
    }
}

/// `src/x.rs:12` from a panic message on stderr.
fn panic_location(stderr: &str) -> Option<String> {
    let rest = &stderr[stderr.find("panicked at ")? + "panicked at ".len()..];
    let mut parts = rest.splitn(3, ':');
    Some(format!("{}:{}", parts.next()?, parts.next()?))
}

type Snapshot = BTreeMap<PathBuf, Option<Vec<u8>>>;

fn changes(before: &Snapshot, after: &Snapshot) -> String {
    let gone: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    let new: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let changed: Vec<_> = before.iter().filter(|(k, v)| after.get(*k).is_some_and(|w| w != *v)).map(|(k, _)| k).collect();
    format!("removed {gone:?}, added {new:?}, changed {changed:?}")
}

/// `pianura ensemble --k 3 --samples 20 --burn-in 5 EXTRA --out OUT` in the sandbox, where OUT
/// is absent (`out`) or a previous output (`prev`). Exit 2: the sandbox is byte-identical.
/// Exit 0: nothing outside OUT changed and OUT holds a complete output.
fn ensemble_case(sb: &harness::Sandbox, extra: &[&str], into_prev: bool) -> Outcome {
    let out = if into_prev { "prev" } else { "out" };
    let mut args = vec!["ensemble", "--k", "3", "--samples", "20", "--burn-in", "5"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", out]);
    let before = harness::snapshot(sb.root());
    let r = run_bin(sb.root(), &args);
    let stderr = r.stderr.trim_end();
    ensure!(!r.timed_out, "pianura ensemble runs over two minutes", "{args:?}");
    if let Some(at) = panic_location(stderr) {
        return Err(fail(format!("pianura panics at {at}"), stderr.to_string()));
    }
    ensure!(matches!(r.code, Some(0 | 2)), "pianura exits with a code other than 0 or 2", "exit {:?}: {stderr}", r.code);
    let after = harness::snapshot(sb.root());
    if r.code == Some(2) {
        ensure!(stderr.starts_with("error:"), "a failed run without an error message", "{stderr:?}");
        ensure!(after == before, "a failed run changes files", "--out {out}: {}\n{stderr}", changes(&before, &after));
        return Ok(());
    }
    let outside =
        |s: &Snapshot| -> Snapshot { s.iter().filter(|(k, _)| !k.starts_with(out)).map(|(k, v)| (k.clone(), v.clone())).collect() };
    ensure!(
        outside(&before) == outside(&after),
        "a successful run changes files outside --out",
        "{}",
        changes(&outside(&before), &outside(&after))
    );
    let file = |name: &str| after.get(&Path::new(out).join(name)).cloned().flatten().unwrap_or_default();
    let json: Option<serde_json::Value> = serde_json::from_slice(&file("ensemble.json")).ok();
    ensure!(json.as_ref().is_some_and(|v| v.get("summary").is_some()), "a successful run without a complete ensemble.json", "--out {out}");
    ensure!(
        String::from_utf8_lossy(&file("ensemble.html")).contains("</html>"),
        "a successful run without a complete ensemble.html",
        "--out {out}"
    );
    Ok(())
}

#[test]
fn ensemble_on_a_mutated_geojson_area_fails_cleanly_or_writes_everything() {
    fuzz("ensemble_geojson_area", cli_cases(), (mutations(Format::GeoJson), any::<bool>()), |(ms, into_prev)| {
        let (text, log) = mutate(geojson_base(), ms, Format::GeoJson);
        with_input(&text, "geojson", &log, || {
            let sb = harness::Sandbox::new();
            sb.write("area.geojson", &text);
            ensemble_case(&sb, &["--area", "area.geojson"], *into_prev)
        })
    });
}

#[test]
fn ensemble_on_a_mutated_csv_folder_fails_cleanly_or_writes_everything() {
    fuzz("ensemble_csv_folder", cli_cases(), (any::<bool>(), mutations(Format::Csv), any::<bool>()), |(in_edges, ms, into_prev)| {
        let (name, base) = if *in_edges { ("edges.csv", bassa_edges()) } else { ("units.csv", bassa_units()) };
        let (text, log) = mutate(base, ms, Format::Csv);
        with_input(&text, "csv", &format!("  (in {name})\n{log}"), || {
            let sb = harness::Sandbox::new();
            sb.write("area/units.csv", bassa_units());
            sb.write("area/edges.csv", bassa_edges());
            sb.write(&format!("area/{name}"), &text);
            ensemble_case(&sb, &["--area", "area"], *into_prev)
        })
    });
}

#[test]
fn ensemble_with_a_mutated_plan_file_fails_cleanly_or_writes_everything() {
    fuzz("ensemble_plan_file", cli_cases(), (mutations(Format::Json), any::<bool>()), |(ms, into_prev)| {
        let (text, log) = mutate(plan_base(), ms, Format::Json);
        with_input(&text, "json", &log, || {
            let sb = harness::Sandbox::new();
            sb.write("zones.json", &text);
            ensemble_case(&sb, &["--plan", "zones.json"], *into_prev)
        })
    });
}

// ---------------------------------------------------------------------------------------------
// Metamorphic properties: line endings, BOM, delimiter, precise GeoJSON messages

/// The CSV inputs, each read by its own reader against the default area.
#[derive(Debug, Clone, Copy, PartialEq)]
enum CsvInput {
    Units,
    Edges,
    Features,
    Collaborations,
}

impl CsvInput {
    const ALL: [CsvInput; 4] = [CsvInput::Units, CsvInput::Edges, CsvInput::Features, CsvInput::Collaborations];

    fn base(self) -> &'static [u8] {
        match self {
            CsvInput::Units => bassa_units(),
            CsvInput::Edges => bassa_edges(),
            CsvInput::Features => features_base(),
            CsvInput::Collaborations => COLLAB_BASE.as_bytes(),
        }
    }

    /// Reads `text` as this input (the other file of a csv folder unchanged) and describes the
    /// answer without the folder's path: the result's Debug text, or the error message with
    /// byte offsets (which line endings legitimately move) blanked.
    fn answer(self, text: &[u8]) -> Result<String, String> {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let clean = |s: String| {
            let s = s.replace(&root.display().to_string(), "DIR");
            let mut out = String::with_capacity(s.len());
            let mut rest = s.as_str();
            while let Some(i) = rest.find("byte") {
                out.push_str(&rest[..i + 4]);
                rest = &rest[i + 4..];
                let skip = rest.len() - rest.trim_start_matches([':', ' ']).len();
                out.push_str(&rest[..skip]);
                rest = &rest[skip..];
                let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                if digits > 0 {
                    out.push('#');
                }
                rest = &rest[digits..];
            }
            out.push_str(rest);
            out
        };
        let t = default_area();
        let r = match self {
            CsvInput::Units | CsvInput::Edges => {
                let (name, other) = if self == CsvInput::Units {
                    ("units.csv", ("edges.csv", bassa_edges()))
                } else {
                    ("edges.csv", ("units.csv", bassa_units()))
                };
                std::fs::write(root.join(name), text).unwrap();
                std::fs::write(root.join(other.0), other.1).unwrap();
                Territory::load(root).map(|t| format!("{:?}", unsourced(t))).map_err(|e| e.to_string())
            }
            CsvInput::Features => {
                std::fs::write(root.join("income.csv"), text).unwrap();
                FeatureMatrix::from_territory(t).join_csv(&root.join("income.csv"), t).map(|f| format!("{f:?}")).map_err(|e| e.to_string())
            }
            CsvInput::Collaborations => {
                std::fs::write(root.join("unions.csv"), text).unwrap();
                let spec = Spec::embedded_default();
                collab::read(&root.join("unions.csv"), t, &spec.function_ids()).map(|c| format!("{c:?}")).map_err(|e| e.to_string())
            }
        };
        r.map_err(clean)
    }
}

fn lf_to_crlf(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 16);
    for &b in text {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

#[test]
fn csv_readers_answer_the_same_with_crlf_line_endings() {
    let input = prop_oneof![Just(CsvInput::Units), Just(CsvInput::Edges), Just(CsvInput::Features), Just(CsvInput::Collaborations)];
    fuzz("csv_crlf", cases(), (input, mutations(Format::Csv)), |(input, ms)| {
        let (text, log) = mutate(input.base(), ms, Format::Csv);
        // Only LF files whose quotes close on their line: CRLF then changes nothing but the
        // line terminators.
        let quotes_close = text.split(|&b| b == b'\n').all(|l| l.iter().filter(|&&b| b == b'"').count() % 2 == 0);
        if text.contains(&b'\r') || !quotes_close {
            return Ok(());
        }
        let crlf = lf_to_crlf(&text);
        with_input(&crlf, "csv", &format!("  ({input:?})\n{log}  then LF → CRLF\n"), || {
            let (lf_answer, crlf_answer) = (no_panic("reader", || input.answer(&text))?, no_panic("reader", || input.answer(&crlf))?);
            ensure!(
                lf_answer == crlf_answer,
                format!("{input:?}: CRLF line endings change the answer"),
                "LF: {}\nCRLF: {}",
                lf_answer.as_ref().map_or_else(|e| e.clone(), |_| "accepted".into()),
                crlf_answer.as_ref().map_or_else(|e| e.clone(), |_| "accepted".into())
            );
            Ok(())
        })
    });
}

#[test]
fn every_reader_accepts_a_utf8_bom() {
    let mut problems = Vec::new();
    let bom = |b: &[u8]| [&[0xEF, 0xBB, 0xBF][..], b].concat();
    for input in CsvInput::ALL {
        let (plain, with_bom) = (input.answer(input.base()), input.answer(&bom(input.base())));
        if plain != with_bom {
            problems.push(format!("{input:?}: {}", with_bom.err().unwrap_or_else(|| "a different result".into())));
        }
    }
    let dir = folder(&[("area.geojson", &bom(geojson_base()))]);
    match Territory::load(&dir.path().join("area.geojson")) {
        Ok(t) => {
            if unsourced(t) != unsourced(Territory::embedded_default()) {
                problems.push("GeoJSON: a different territory".into());
            }
        }
        Err(e) => problems.push(format!("GeoJSON: {e}")),
    }
    assert!(problems.is_empty(), "a UTF-8 BOM must be accepted:\n{}", problems.join("\n"));
}

#[test]
fn semicolon_delimited_csvs_are_accepted_or_named() {
    let semi = |b: &[u8]| b.iter().map(|&c| if c == b',' { b';' } else { c }).collect::<Vec<u8>>();
    let named = |msg: &str| ["';'", "`;`", "\";\"", "semicolon"].iter().any(|s| msg.contains(s));
    let mut problems = Vec::new();
    for input in CsvInput::ALL {
        match (input.answer(input.base()), input.answer(&semi(input.base()))) {
            (plain, with_semi) if plain == with_semi => {}
            (_, Err(msg)) if named(&msg) => {}
            (_, Err(msg)) => problems.push(format!("{input:?}: {msg}")),
            (_, Ok(_)) => problems.push(format!("{input:?}: accepted with a different result")),
        }
    }
    // A whole folder from Italian Excel: both files with `;`.
    let dir = folder(&[("units.csv", &semi(bassa_units())), ("edges.csv", &semi(bassa_edges()))]);
    match Territory::load(dir.path()) {
        Ok(t) => {
            let plain = Territory::load(folder(&[("units.csv", bassa_units()), ("edges.csv", bassa_edges())]).path()).unwrap();
            if unsourced(t) != unsourced(plain.clone()) {
                problems.push("units.csv + edges.csv: accepted with a different result".into());
            }
        }
        Err(e) if named(&e.to_string()) => {}
        Err(e) => problems.push(format!("units.csv + edges.csv: {e}")),
    }
    assert!(problems.is_empty(), "a `;`-delimited CSV must be read, or the message must say the file uses ';':\n{}", problems.join("\n"));
}

/// Properties the GeoJSON reader reads (numbers); a bad value in one must name it.
const READ_PROPERTIES: &[&str] = &["pop_2023", "lon", "lat", "log_pop", "log_density", "share_65plus", "share_under15", "growth"];

/// Byte range of the value of `"key":` in the `feature`-th feature (0-based) of the base text.
fn property_value(text: &[u8], feature: usize, key: &str) -> Option<(usize, usize)> {
    let (recs, _) = records(text, Format::GeoJson);
    let (s, e) = *recs.get(feature)?;
    let needle = format!("\"{key}\":");
    let at = s + text[s..e].windows(needle.len()).position(|w| w == needle.as_bytes())? + needle.len();
    let end = at + text[at..e].iter().position(|&b| b == b',' || b == b'}')?;
    Some((at, end))
}

#[test]
fn bare_nan_tokens_in_geojson_name_the_feature_and_property() {
    let tokens = prop_oneof![Just("NaN"), Just("Infinity"), Just("-Infinity"), Just("1e999"), Just("-1e999")];
    fuzz("geojson_nan_tokens", cases(), (0usize..42, 0..READ_PROPERTIES.len(), tokens), |&(feature, key, token)| {
        let key = READ_PROPERTIES[key];
        let base = geojson_base();
        let range = property_value(base, feature, key).expect("every feature of the fixture has the read properties");
        let text = splice(base, range, token.as_bytes());
        let log = format!("  1. feature {}: \"{key}\": {} → {token}\n", feature + 1, show(&base[range.0..range.1]));
        with_input(&text, "geojson", &log, || {
            let dir = folder(&[("area.geojson", &text)]);
            match no_panic("Territory::load", || Territory::load(&dir.path().join("area.geojson")))? {
                Ok(_) => Err(fail(
                    "a bare NaN / Infinity / 1e999 in a GeoJSON property is accepted",
                    format!("{token} in feature {}, {key}", feature + 1),
                )),
                Err(e) => {
                    let msg = e.to_string();
                    let (f, k) = (format!("feature {}", feature + 1), key.to_string());
                    ensure!(
                        msg.contains(&f) && msg.contains(&k),
                        "a bare NaN / Infinity / 1e999 in GeoJSON: the error does not name the feature and property",
                        "{token}: expected {f:?} and {k:?} in: {msg}"
                    );
                    Ok(())
                }
            }
        })
    });
}

#[test]
fn invalid_utf8_in_geojson_names_the_feature_and_byte() {
    fuzz("geojson_invalid_utf8", cases(), (0usize..42, any::<Index>()), |&(feature, pos)| {
        let base = geojson_base();
        let (s, e) = property_value(base, feature, "name").expect("every feature has a name");
        // A byte inside the quoted name becomes 0xFF, never valid in UTF-8.
        let at = s + 1 + pos.index(e - s - 2);
        let mut text = base.to_vec();
        text[at] = 0xFF;
        let log = format!("  1. feature {}: byte {at} of its name → 0xFF\n", feature + 1);
        with_input(&text, "geojson", &log, || {
            let dir = folder(&[("area.geojson", &text)]);
            match no_panic("Territory::load", || Territory::load(&dir.path().join("area.geojson")))? {
                Ok(_) => Err(fail("invalid UTF-8 is accepted", log.clone())),
                Err(e) => {
                    let msg = e.to_string();
                    let f = format!("feature {}", feature + 1);
                    let offset = [at.to_string(), (at + 1).to_string()];
                    ensure!(msg.contains(&f), "invalid UTF-8 in GeoJSON: the error does not name the feature", "expected {f:?} in: {msg}");
                    ensure!(
                        offset.iter().any(|o| msg.contains(o.as_str())),
                        "invalid UTF-8 in GeoJSON: the error does not give the byte offset",
                        "expected byte {at} in: {msg}"
                    );
                    Ok(())
                }
            }
        })
    });
}

/// The territory with its `source` cleared, so readings of two files compare by content.
fn unsourced(mut t: Territory) -> Territory {
    t.source.clear();
    t
}
