//! Run directories that appear at their final path only when complete.

use std::ffi::OsString;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::IoError;

/// Distinguishes hidden names made by one process, so two `RunDir`s for the same final
/// path in one process (or a commit's old-directory name) never collide.
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Writes a run directory atomically.
///
/// Files are written into a hidden temporary directory next to the final path (same
/// parent, so the final `rename` stays on one file system and is atomic). Readers thus
/// never see a half-written run, and an earlier run at the same path survives until the
/// new one is complete. Dropping a `RunDir` without [`commit`](RunDir::commit) — an error
/// path or a panic — removes the temporary directory.
///
/// A process killed outright (SIGKILL, power loss) cannot clean up and leaves a hidden
/// `.{name}.partial-*` directory behind; it never touches the final path.
#[derive(Debug)]
pub struct RunDir {
    tmp: PathBuf,
    final_path: PathBuf,
    committed: bool,
}

/// Parent directory and file name of `final_path`, refusing paths without a name
/// (`/`, `..`) because there would be nothing to rename into place.
fn split(final_path: &Path) -> Result<(PathBuf, OsString), IoError> {
    let name = final_path
        .file_name()
        .ok_or_else(|| IoError::invalid(final_path, "a run directory path must end in a directory name"))?;
    let parent = match final_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name.to_os_string()))
}

/// `parent/.{name}.{tag}-{pid}-{n}`, hidden so listings and globs of finished runs skip it.
fn hidden_sibling(parent: &Path, name: &OsString, tag: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut hidden = OsString::from(".");
    hidden.push(name);
    hidden.push(format!(".{tag}-{}-{n}", std::process::id()));
    parent.join(hidden)
}

impl RunDir {
    /// Creates a fresh temporary directory next to `final_path` (same parent, hidden name
    /// like `.{name}.partial-{pid}-{n}`), creating the parent if needed.
    pub fn create(final_path: &Path) -> Result<RunDir, IoError> {
        let (parent, name) = split(final_path)?;
        fs::create_dir_all(&parent).map_err(|e| IoError::fs("create directory", &parent, e))?;
        loop {
            let tmp = hidden_sibling(&parent, &name, "partial");
            // `create_dir` (not `_all`) so a leftover directory of a dead process with a
            // reused pid is never adopted with stale files in it.
            match fs::create_dir(&tmp) {
                Ok(()) => return Ok(RunDir { tmp, final_path: final_path.to_path_buf(), committed: false }),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(IoError::fs("create directory", tmp, e)),
            }
        }
    }

    /// The temporary directory to write the run's files into.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// The path the directory will have after [`commit`](RunDir::commit).
    pub fn final_path(&self) -> &Path {
        &self.final_path
    }

    /// Moves the finished directory into place and returns its final path.
    ///
    /// If `final_path` exists, it is replaced only now: the old directory is renamed
    /// away to a hidden name, the new one renamed in, then the old one deleted, so a
    /// failed or interrupted run never touches an existing run directory. If renaming
    /// the new directory in fails, the old one is put back. If deleting the old one
    /// fails the commit still succeeds (the new run is in place) and a hidden
    /// `.{name}.old-*` directory remains. An existing `final_path` that is not a
    /// directory is refused rather than deleted.
    pub fn commit(mut self) -> Result<PathBuf, IoError> {
        let (parent, name) = split(&self.final_path)?;
        let old = match fs::symlink_metadata(&self.final_path) {
            Ok(meta) if meta.is_dir() => {
                let old = hidden_sibling(&parent, &name, "old");
                fs::rename(&self.final_path, &old)
                    .map_err(|e| IoError::fs("move aside existing run directory", &self.final_path, e))?;
                Some(old)
            }
            Ok(_) => {
                return Err(IoError::invalid(&self.final_path, "exists and is not a directory; refusing to replace it"))
            }
            Err(e) if e.kind() == ErrorKind::NotFound => None,
            Err(e) => return Err(IoError::fs("inspect", &self.final_path, e)),
        };
        if let Err(e) = fs::rename(&self.tmp, &self.final_path) {
            if let Some(old) = &old {
                // Best effort: the error below is what the caller needs to see.
                let _ = fs::rename(old, &self.final_path);
            }
            return Err(IoError::fs("move run directory into place at", &self.final_path, e));
        }
        self.committed = true;
        if let Some(old) = old {
            let _ = fs::remove_dir_all(old);
        }
        Ok(self.final_path.clone())
    }
}

impl Drop for RunDir {
    /// Removes the temporary directory of a run that was never committed.
    fn drop(&mut self) {
        if !self.committed {
            // Nothing useful can be done with an error here (drop may run during a
            // panic); the directory is hidden and harmless if it remains.
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_directory_is_a_hidden_sibling() {
        let dir = tempfile::tempdir().unwrap();
        let final_path = dir.path().join("nested").join("run1");
        let run = RunDir::create(&final_path).unwrap();
        assert_eq!(run.path().parent(), final_path.parent());
        let name = run.path().file_name().unwrap().to_str().unwrap().to_owned();
        let prefix = format!(".run1.partial-{}-", std::process::id());
        assert!(name.starts_with(&prefix), "{name}");
        assert!(run.path().is_dir());
        assert!(!final_path.exists());
    }

    #[test]
    fn two_run_dirs_for_one_path_do_not_share_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let final_path = dir.path().join("run");
        let a = RunDir::create(&final_path).unwrap();
        let b = RunDir::create(&final_path).unwrap();
        assert_ne!(a.path(), b.path());
    }

    #[test]
    fn refuses_to_replace_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let final_path = dir.path().join("run");
        fs::write(&final_path, "keep me").unwrap();
        let run = RunDir::create(&final_path).unwrap();
        let tmp = run.path().to_path_buf();
        let err = run.commit().unwrap_err();
        assert!(err.to_string().contains("not a directory"), "{err}");
        assert_eq!(fs::read_to_string(&final_path).unwrap(), "keep me");
        assert!(!tmp.exists(), "failed commit must clean up");
    }

    #[test]
    fn path_without_a_name_is_rejected() {
        assert!(matches!(RunDir::create(Path::new("/")), Err(IoError::InvalidData { .. })));
    }
}
