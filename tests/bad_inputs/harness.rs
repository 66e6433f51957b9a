//! The sandbox every bad-input case runs in.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// A fresh folder with the user's own files (`notes.txt`, `budget.xlsx`) and a previous
/// pianura output (`prev/`, written by `pianura ensemble`), plus whatever a case writes.
/// Commands run with this folder as their working directory.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

/// A copy of a previous output, made once per test binary.
fn previous_output() -> &'static Path {
    static PREV: OnceLock<tempfile::TempDir> = OnceLock::new();
    PREV.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = Command::new(env!("CARGO_BIN_EXE_pianura"))
            .args(["ensemble", "--k", "3", "--samples", "20", "--burn-in", "5", "--out", "prev", "--json"])
            .current_dir(dir.path())
            .output()
            .expect("binary runs");
        assert!(out.status.success(), "the previous output could not be made: {}", String::from_utf8_lossy(&out.stderr));
        dir
    })
    .path()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` (relative path → bytes); folders as entries with no bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(root).unwrap().to_path_buf();
            if e.file_type().unwrap().is_dir() {
                out.insert(rel, None);
                walk(root, &e.path(), out);
            } else {
                out.insert(rel, Some(std::fs::read(e.path()).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

impl Sandbox {
    /// A sandbox with the user's files and a previous output in `prev/`.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("notes.txt"), "the user's own notes\n").unwrap();
        std::fs::write(dir.path().join("budget.xlsx"), [0x50u8, 0x4b, 3, 4, 0, 1, 2]).unwrap();
        copy_tree(&previous_output().join("prev"), &dir.path().join("prev"));
        Sandbox { dir }
    }

    /// The sandbox folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `bytes` to `rel` (parents created) and returns the relative path as given.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.dir.path().join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).unwrap();
        }
        std::fs::write(path, bytes).unwrap();
        rel.to_string()
    }

    /// Copies a committed fixture (path under `fixtures/`) to `rel` and returns `rel`.
    pub fn fixture(&self, fixture: &str, rel: &str) -> String {
        let from = crate::common::fixture(fixture);
        let to = self.dir.path().join(rel);
        if from.is_dir() {
            copy_tree(&from, &to);
        } else {
            if let Some(p) = to.parent() {
                std::fs::create_dir_all(p).unwrap();
            }
            std::fs::copy(from, to).unwrap();
        }
        rel.to_string()
    }

    /// Runs `pianura args…` in the sandbox.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_pianura")).args(args).current_dir(self.dir.path()).output().expect("binary runs")
    }

    /// Runs a command that must fail: exit code 2, no panic, every `culprit` in the message
    /// (stderr), and every file in the sandbox byte-identical afterwards. Returns stderr.
    pub fn fails(&self, args: &[&str], culprits: &[&str]) -> String {
        let before = snapshot(self.root());
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "pianura {args:?} should exit 2; stderr:\n{stderr}");
        assert!(!stderr.contains("panicked"), "pianura {args:?} panicked:\n{stderr}");
        for c in culprits {
            assert!(stderr.contains(c), "pianura {args:?}: the message should name {c:?}:\n{stderr}");
        }
        assert_unchanged(&before, &snapshot(self.root()), args);
        stderr
    }

    /// Runs a command that must succeed with a warning: exit 0, every `culprit` on stderr.
    /// Returns (stdout, stderr).
    pub fn warns(&self, args: &[&str], culprits: &[&str]) -> (String, String) {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "pianura {args:?} should succeed with a warning; stderr:\n{stderr}");
        for c in culprits {
            assert!(stderr.contains(c), "pianura {args:?}: the warning should name {c:?}:\n{stderr}");
        }
        (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
    }
}

/// Asserts two snapshots are equal, naming what changed.
pub fn assert_unchanged(before: &BTreeMap<PathBuf, Option<Vec<u8>>>, after: &BTreeMap<PathBuf, Option<Vec<u8>>>, args: &[&str]) {
    let gone: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    let new: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let changed: Vec<_> = before.iter().filter(|(k, v)| after.get(*k).is_some_and(|w| w != *v)).map(|(k, _)| k).collect();
    assert!(
        gone.is_empty() && new.is_empty() && changed.is_empty(),
        "pianura {args:?} changed the sandbox: removed {gone:?}, added {new:?}, changed {changed:?}"
    );
}
