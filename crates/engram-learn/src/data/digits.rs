//! scikit-learn's `digits` (the UCI optical digits test set: 1,797 8×8 images, 0–16
//! grey levels), read from the CSV that scikit-learn ships,
//! `sklearn/datasets/data/digits.csv.gz` (64 pixel columns and the label per row;
//! gzip or plain text). Pixels are scaled to [0, 1].

use std::io::Read;
use std::path::Path;

use super::Dataset;

/// Reads the digits CSV at `path`; the error says which line is wrong and how.
pub fn load(path: &Path) -> Result<Dataset, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let text = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut s = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut s)
            .map_err(|e| format!("`{}` is not a valid gzip file: {e}", path.display()))?;
        s
    } else {
        String::from_utf8(bytes).map_err(|_| format!("`{}` is neither gzip nor text", path.display()))?
    };
    let mut data = Dataset { classes: 10, ..Dataset::default() };
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let bad = |what: String| format!("`{}` line {}: {what}", path.display(), i + 1);
        let values: Vec<f32> = line
            .split(',')
            .map(|v| v.trim().parse::<f32>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad("expected comma-separated numbers".into()))?;
        if values.len() != 65 {
            return Err(bad(format!("expected 65 values (64 pixels and the label), found {}", values.len())));
        }
        let label = values[64];
        if label.fract() != 0.0 || !(0.0..10.0).contains(&label) {
            return Err(bad(format!("expected a label 0–9, found {label}")));
        }
        if let Some(p) = values[..64].iter().find(|p| !(0.0..=16.0).contains(*p)) {
            return Err(bad(format!("expected pixels in 0–16, found {p}")));
        }
        data.features.push(values[..64].iter().map(|p| p / 16.0).collect());
        data.labels.push(label as usize);
    }
    if data.is_empty() {
        return Err(format!("`{}` has no samples", path.display()));
    }
    Ok(data)
}
