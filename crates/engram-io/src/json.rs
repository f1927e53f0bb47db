//! JSON files.

use std::path::Path;

use crate::IoError;

/// Writes `value` to `path` as pretty-printed JSON followed by a newline, so the file is
/// pleasant to read, diff and `cat`.
pub fn write_json(path: &Path, value: &serde_json::Value) -> Result<(), IoError> {
    let mut text =
        serde_json::to_string_pretty(value).map_err(|error| IoError::Json { path: path.to_path_buf(), error })?;
    text.push('\n');
    std::fs::write(path, text).map_err(|e| IoError::fs("write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_with_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.json");
        write_json(&path, &serde_json::json!({"a": 1, "b": [true]})).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "{\n  \"a\": 1,\n  \"b\": [\n    true\n  ]\n}\n");
    }

    #[test]
    fn error_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("x.json");
        let err = write_json(&path, &serde_json::json!(null)).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("cannot write "), "{msg}");
        assert!(msg.contains(&path.display().to_string()), "{msg}");
    }
}
