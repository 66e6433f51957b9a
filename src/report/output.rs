//! Output folders: pianura writes only into a folder that is missing, empty, or one it wrote
//! itself, and never deletes what it did not write.
//!
//! Every folder pianura writes holds a small [`MARKER`] file naming the command, the version
//! and the files it wrote. [`OutputFolder::prepare`] checks the folder *before* any work (so a
//! refused folder costs no solving), [`OutputFolder::commit`] writes everything into a staging
//! folder beside it and swaps it in only when complete (the previous output stays intact until
//! then), and [`OutputFolder::abandon`] removes the staging folder on an interrupt. Of a
//! previous output only the files its marker lists are removed.

use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Name of the file that marks a folder as written by pianura.
pub const MARKER: &str = ".pianura";

/// Why an output folder or file cannot be written.
#[derive(Debug, Error)]
pub enum OutputError {
    /// `--out` names an existing file.
    #[error("{path}: is a file, not a folder: the output must be a folder pianura creates (or one it wrote before)")]
    NotAFolder {
        /// The path given.
        path: PathBuf,
    },
    /// The folder holds files pianura did not write.
    #[error(
        "{path}: the folder is not empty and pianura did not write {} ({}): pianura writes only into a missing or empty folder or one it wrote itself (marked by {MARKER}), and never deletes what it did not write; name another folder",
        if files.len() == 1 { "this entry" } else { "these entries" },
        shown(files)
    )]
    Foreign {
        /// The folder.
        path: PathBuf,
        /// Entries pianura did not write (names inside the folder).
        files: Vec<String>,
    },
    /// The output would overlap an input.
    #[error("{out}: the output folder {relation} the input {input}: name a folder apart from every input")]
    OverlapsInput {
        /// The output path given.
        out: PathBuf,
        /// The input path given.
        input: PathBuf,
        /// `is`, `contains` or `is inside`.
        relation: &'static str,
    },
    /// The output is the working folder or holds it: it cannot be replaced.
    #[error("{path}: is the current folder or holds it, so it cannot be replaced: name a subfolder, e.g. --out out")]
    HoldsWorkingFolder {
        /// The path given.
        path: PathBuf,
    },
    /// An output file that exists already (pianura does not overwrite single files).
    #[error("{path}: the file exists and pianura does not overwrite files it cannot tell it wrote: remove it or name a new file")]
    FileExists {
        /// The path given.
        path: PathBuf,
    },
    /// The run was interrupted before the output was complete; nothing was written.
    #[error("{path}: interrupted before the output was complete; the previous output is untouched")]
    Interrupted {
        /// The folder.
        path: PathBuf,
    },
    /// A file system operation failed. The message includes the OS cause, so `cause` is not
    /// exposed as `source()`: a printed error chain shows it once.
    #[error("{path}: {cause}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Cause.
        cause: std::io::Error,
    },
}

fn shown(files: &[String]) -> String {
    let mut s: Vec<&str> = files.iter().take(5).map(String::as_str).collect();
    let more = files.len().saturating_sub(5);
    let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
    s.sort_unstable();
    format!("{}{tail}", s.join(", "))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |cause| OutputError::Io { path: path.to_path_buf(), cause }
}

/// What the marker file records: enough to recognise pianura's own files later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Marker {
    /// Always `pianura`.
    written_by: String,
    /// The crate version that wrote the folder.
    version: String,
    /// The command (`plan`, `compare`, `ensemble`).
    command: String,
    /// The files written, sorted.
    files: Vec<String>,
}

impl Marker {
    /// The marker of `dir`, when it has a readable one.
    fn read(dir: &Path) -> Option<Marker> {
        let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
        serde_json::from_str::<Marker>(&text).ok().filter(|m| m.written_by == "pianura")
    }
}

/// An absolute, lexically normalised form of `p`, with the part that exists resolved through
/// symlinks, so that two spellings of one place compare equal.
fn resolved(p: &Path) -> std::io::Result<PathBuf> {
    let abs = std::path::absolute(p)?;
    let mut clean = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    // Resolve the longest existing prefix, keep the rest as written.
    let mut head = clean.clone();
    let mut tail = Vec::new();
    while !head.exists() {
        match head.file_name() {
            Some(name) => tail.push(name.to_os_string()),
            None => break,
        }
        head.pop();
    }
    let mut out = head.canonicalize().unwrap_or(head);
    for name in tail.into_iter().rev() {
        out.push(name);
    }
    Ok(out)
}

/// Checks that `out` (an output folder or file) keeps clear of every input: not the same
/// path, not inside one, not holding one.
fn check_apart(out: &Path, out_abs: &Path, inputs: &[&Path]) -> Result<(), OutputError> {
    for input in inputs {
        let Ok(inp) = resolved(input) else { continue };
        let relation = if inp == out_abs {
            "is"
        } else if inp.starts_with(out_abs) {
            "contains"
        } else if out_abs.starts_with(&inp) {
            "is inside"
        } else {
            continue;
        };
        return Err(OutputError::OverlapsInput { out: out.to_path_buf(), input: input.to_path_buf(), relation });
    }
    Ok(())
}

/// Entries of an existing folder that pianura did not write (by its marker), sorted.
fn foreign_entries(dir: &Path) -> Result<Vec<String>, OutputError> {
    let marker = Marker::read(dir);
    let marked = marker.is_some();
    let own = marker.map(|m| m.files).unwrap_or_default();
    let mut foreign = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().map_err(io(dir))?.is_file();
        let ours = is_file && (name == MARKER && marked || own.contains(&name));
        if !ours {
            foreign.push(name);
        }
    }
    foreign.sort();
    Ok(foreign)
}

/// An output folder checked before any work, written whole at the end.
#[derive(Debug)]
pub struct OutputFolder {
    out: PathBuf,
    staging: PathBuf,
    previous: PathBuf,
    command: String,
    /// Held by [`OutputFolder::commit`] and [`OutputFolder::abandon`]; true once abandoned.
    state: Mutex<bool>,
}

impl OutputFolder {
    /// Checks `out` before any work: it must be a missing folder, an empty one, or one pianura
    /// wrote (every entry listed by its marker); not a file, not the working folder, and apart
    /// from every input path.
    ///
    /// # Errors
    /// The [`OutputError`] that names the folder and what is in the way.
    pub fn prepare(out: &Path, command: &str, inputs: &[&Path]) -> Result<OutputFolder, OutputError> {
        let out_abs = resolved(out).map_err(io(out))?;
        let cwd = Path::new(".").canonicalize().ok();
        if out_abs.parent().is_none() || cwd.is_some_and(|c| c.starts_with(&out_abs)) {
            return Err(OutputError::HoldsWorkingFolder { path: out.to_path_buf() });
        }
        check_apart(out, &out_abs, inputs)?;
        match std::fs::metadata(out) {
            Ok(m) if !m.is_dir() => return Err(OutputError::NotAFolder { path: out.to_path_buf() }),
            Ok(_) => {
                let files = foreign_entries(out)?;
                if !files.is_empty() {
                    return Err(OutputError::Foreign { path: out.to_path_buf(), files });
                }
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => {
                // The nearest existing ancestor must be a folder we can create inside.
                let mut up = out_abs.parent();
                while let Some(p) = up {
                    if let Ok(m) = std::fs::metadata(p) {
                        if !m.is_dir() {
                            return Err(OutputError::NotAFolder { path: p.to_path_buf() });
                        }
                        break;
                    }
                    up = p.parent();
                }
            }
            Err(e) => return Err(OutputError::Io { path: out.to_path_buf(), cause: e }),
        }
        let parent = out_abs.parent().expect("checked above").to_path_buf();
        let name = out_abs.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let pid = std::process::id();
        Ok(OutputFolder {
            out: out.to_path_buf(),
            staging: parent.join(format!(".{name}.pianura-new-{pid}")),
            previous: parent.join(format!(".{name}.pianura-old-{pid}")),
            command: command.to_string(),
            state: Mutex::new(false),
        })
    }

    /// The folder as given.
    pub fn path(&self) -> &Path {
        &self.out
    }

    /// Writes `files` (name → bytes) and the marker into a staging folder, then swaps it in
    /// for the previous output, whose own files are removed last. On any error nothing has
    /// changed: the staging folder is removed and the previous output is where it was.
    ///
    /// # Errors
    /// [`OutputError`] naming the path; [`OutputError::Foreign`] when somebody put files into
    /// the folder while pianura worked.
    pub fn commit(&self, files: &[(String, Vec<u8>)]) -> Result<(), OutputError> {
        let mut abandoned = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if *abandoned {
            return Err(OutputError::Interrupted { path: self.out.clone() });
        }
        let result = self.swap_in(files);
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
        *abandoned = true; // nothing left to clean up either way
        result
    }

    fn swap_in(&self, files: &[(String, Vec<u8>)]) -> Result<(), OutputError> {
        let parent = self.staging.parent().expect("staging has a parent");
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        std::fs::create_dir(&self.staging).map_err(io(&self.staging))?;
        let mut names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        names.sort();
        let marker =
            Marker { written_by: "pianura".into(), version: env!("CARGO_PKG_VERSION").into(), command: self.command.clone(), files: names };
        let mut marker_bytes = serde_json::to_vec_pretty(&marker).expect("serializable");
        marker_bytes.push(b'\n');
        for (name, bytes) in files.iter().chain(std::iter::once(&(MARKER.to_string(), marker_bytes))) {
            let path = self.staging.join(name);
            std::fs::write(&path, bytes).map_err(io(&path))?;
        }
        // Checked again: files may have appeared during the run.
        let had_previous = match std::fs::metadata(&self.out) {
            Ok(m) if !m.is_dir() => return Err(OutputError::NotAFolder { path: self.out.clone() }),
            Ok(_) => {
                let foreign = foreign_entries(&self.out)?;
                if !foreign.is_empty() {
                    return Err(OutputError::Foreign { path: self.out.clone(), files: foreign });
                }
                std::fs::rename(&self.out, &self.previous).map_err(io(&self.out))?;
                true
            }
            Err(_) => false,
        };
        if let Err(cause) = std::fs::rename(&self.staging, &self.out) {
            if had_previous {
                let _ = std::fs::rename(&self.previous, &self.out);
            }
            return Err(OutputError::Io { path: self.out.clone(), cause });
        }
        if had_previous {
            remove_own(&self.previous);
        }
        Ok(())
    }

    /// Undoes an unfinished commit (for an interrupt): waits for a commit in progress to
    /// finish, then removes the staging folder and puts a previous output back if it had
    /// been moved aside. Later commits are refused.
    pub fn abandon(&self) {
        let mut abandoned = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !*abandoned {
            let _ = std::fs::remove_dir_all(&self.staging);
            if self.previous.exists() && !self.out.exists() {
                let _ = std::fs::rename(&self.previous, &self.out);
            }
        }
        *abandoned = true;
    }
}

/// Removes a previous output: the files its marker lists, the marker, then the folder if it
/// is empty. Anything else stays.
fn remove_own(dir: &Path) {
    if let Some(m) = Marker::read(dir) {
        for f in &m.files {
            let _ = std::fs::remove_file(dir.join(f));
        }
        let _ = std::fs::remove_file(dir.join(MARKER));
    }
    let _ = std::fs::remove_dir(dir);
}

/// Checks a single output file before any work: apart from every input, and not an existing
/// file (pianura cannot tell it wrote one).
///
/// # Errors
/// [`OutputError::FileExists`], [`OutputError::OverlapsInput`] or [`OutputError::NotAFolder`]
/// for a folder given as a file.
pub fn check_new_file(path: &Path, inputs: &[&Path]) -> Result<(), OutputError> {
    let abs = resolved(path).map_err(io(path))?;
    check_apart(path, &abs, inputs)?;
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => Err(OutputError::NotAFolder { path: path.to_path_buf() }),
        Ok(_) => Err(OutputError::FileExists { path: path.to_path_buf() }),
        Err(_) => Ok(()),
    }
}

/// Writes a new single file through a temporary file beside it, renamed at the end, so it
/// is never half-written; refuses to replace a file that appeared meanwhile.
///
/// # Errors
/// [`OutputError`] naming the path.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.pianura-new-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(io(&tmp))?;
    // A hard link fails when the target exists: no window in which a user's file is replaced.
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(OutputError::FileExists { path: path.to_path_buf() }),
        Err(cause) => Err(OutputError::Io { path: path.to_path_buf(), cause }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<(String, Vec<u8>)> {
        vec![("a.json".into(), b"{}".to_vec()), ("b.html".into(), b"<p>".to_vec())]
    }

    #[test]
    fn a_missing_folder_is_created_with_its_marker() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new/out");
        OutputFolder::prepare(&out, "plan", &[]).unwrap().commit(&files()).unwrap();
        let m = Marker::read(&out).unwrap();
        assert_eq!(m.command, "plan");
        assert_eq!(m.files, ["a.json", "b.html"]);
        assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"<p>");
        // Nothing but the output itself is left beside it.
        let beside: Vec<_> = std::fs::read_dir(dir.path().join("new")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(beside, ["out"]);
    }

    #[test]
    fn its_own_folder_is_replaced_and_only_its_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        OutputFolder::prepare(&out, "plan", &[]).unwrap().commit(&files()).unwrap();
        let again = vec![("c.csv".to_string(), b"x".to_vec())];
        OutputFolder::prepare(&out, "plan", &[]).unwrap().commit(&again).unwrap();
        let mut names: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names, [".pianura", "c.csv"]);
    }

    #[test]
    fn a_folder_with_a_users_file_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        OutputFolder::prepare(&out, "plan", &[]).unwrap().commit(&files()).unwrap();
        std::fs::write(out.join("budget.xlsx"), b"mine").unwrap();
        let err = OutputFolder::prepare(&out, "plan", &[]).unwrap_err();
        assert!(matches!(&err, OutputError::Foreign { files, .. } if files == &["budget.xlsx"]), "{err}");
        // Also when it appears during the run: the commit refuses and leaves everything.
        std::fs::remove_file(out.join("budget.xlsx")).unwrap();
        let folder = OutputFolder::prepare(&out, "plan", &[]).unwrap();
        std::fs::write(out.join("late.txt"), b"mine").unwrap();
        assert!(matches!(folder.commit(&[]), Err(OutputError::Foreign { .. })));
        assert_eq!(std::fs::read(out.join("late.txt")).unwrap(), b"mine");
        assert_eq!(std::fs::read(out.join("a.json")).unwrap(), b"{}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no staging folder left");
    }

    #[test]
    fn a_forged_or_unreadable_marker_does_not_make_a_folder_ours() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MARKER), b"not json").unwrap();
        let err = OutputFolder::prepare(dir.path(), "plan", &[]).unwrap_err();
        assert!(matches!(&err, OutputError::Foreign { files, .. } if files == &[MARKER]), "{err}");
    }

    #[test]
    fn inputs_and_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let area = dir.path().join("area");
        std::fs::create_dir(&area).unwrap();
        std::fs::write(area.join("units.csv"), b"istat\n").unwrap();
        let units = area.join("units.csv");
        for (out, relation) in [(area.clone(), "is"), (dir.path().to_path_buf(), "contains"), (area.join("out"), "is inside")] {
            match OutputFolder::prepare(&out, "plan", &[&area]) {
                Err(OutputError::OverlapsInput { relation: r, .. }) => assert_eq!(r, relation, "{}", out.display()),
                other => panic!("{}: {other:?}", out.display()),
            }
        }
        assert!(matches!(OutputFolder::prepare(&units, "plan", &[]), Err(OutputError::NotAFolder { .. })));
        assert!(matches!(OutputFolder::prepare(&units.join("out"), "plan", &[]), Err(OutputError::NotAFolder { .. })));
        // The same place spelt another way is still the input.
        let dotted = area.join("..").join("area").join(".");
        assert!(matches!(OutputFolder::prepare(&dotted, "plan", &[&area]), Err(OutputError::OverlapsInput { relation: "is", .. })));
    }

    #[test]
    fn abandon_removes_the_staging_folder_and_refuses_a_later_commit() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let folder = OutputFolder::prepare(&out, "plan", &[]).unwrap();
        std::fs::create_dir(&folder.staging).unwrap();
        folder.abandon();
        assert!(!folder.staging.exists());
        assert!(matches!(folder.commit(&files()), Err(OutputError::Interrupted { .. })));
        assert!(!out.exists());
    }

    #[test]
    fn a_new_file_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("edges.csv");
        check_new_file(&path, &[]).unwrap();
        write_new_file(&path, b"a,b\n").unwrap();
        assert!(matches!(check_new_file(&path, &[]), Err(OutputError::FileExists { .. })));
        assert!(matches!(write_new_file(&path, b"other"), Err(OutputError::FileExists { .. })));
        assert_eq!(std::fs::read(&path).unwrap(), b"a,b\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
