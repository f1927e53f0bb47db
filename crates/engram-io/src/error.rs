//! The error type of this crate.

use std::path::PathBuf;

/// Why writing a result file failed.
///
/// Every variant carries the path concerned and its message says what was being done,
/// because a run writes many files and "permission denied" alone does not say which.
/// The underlying error is kept in a public field (and printed in the message) rather
/// than chained as `source`, so a one-line report already contains the cause.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IoError {
    /// A file-system operation failed.
    #[error("cannot {action} {}: {error}", path.display())]
    Fs {
        /// What was attempted, e.g. "create directory".
        action: &'static str,
        /// The file or directory operated on.
        path: PathBuf,
        /// The operating system's error.
        error: std::io::Error,
    },
    /// Writing an array into an NPZ archive failed.
    #[error("cannot write {what} to NPZ file {}: {error}", path.display())]
    Npz {
        /// The archive being written.
        path: PathBuf,
        /// Which array (or "archive" for the final flush).
        what: String,
        /// The NPZ writer's error.
        error: ndarray_npy::WriteNpzError,
    },
    /// Serialising JSON failed.
    #[error("cannot serialise JSON for {}: {error}", path.display())]
    Json {
        /// The JSON file being written.
        path: PathBuf,
        /// The serialiser's error.
        error: serde_json::Error,
    },
    /// Drawing or encoding a plot failed.
    #[error("cannot draw plot {}: {message}", path.display())]
    Plot {
        /// The image file being written.
        path: PathBuf,
        /// The plotting library's error, as text because its type is generic over the
        /// drawing backend.
        message: String,
    },
    /// A file being read is not what it should be: not an archive, a missing or
    /// mistyped array, mismatched lengths.
    #[error("{}: {message}", path.display())]
    Corrupt {
        /// The file read.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The data handed in is inconsistent (mismatched lengths, clashing names, …).
    #[error("invalid data for {}: {message}", path.display())]
    InvalidData {
        /// The file that was to be written.
        path: PathBuf,
        /// What is inconsistent.
        message: String,
    },
}

impl IoError {
    /// Shorthand for [`IoError::Fs`].
    pub(crate) fn fs(action: &'static str, path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        IoError::Fs { action, path: path.into(), error }
    }

    /// Shorthand for [`IoError::InvalidData`].
    pub(crate) fn invalid(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        IoError::InvalidData { path: path.into(), message: message.into() }
    }
}
