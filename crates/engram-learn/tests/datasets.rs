//! The shipped digits file and the delay task's samples.

use std::path::Path;

use engram_learn::data::delay_task::DelayTask;
use engram_learn::data::digits;

/// scikit-learn's `load_digits()`: 1,797 images, 64 pixels, these class counts
/// (`np.bincount(load_digits().target)`).
#[test]
fn digits_file_matches_scikit_learn() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/digits.csv.gz");
    let d = digits::load(&path).unwrap();
    assert_eq!((d.len(), d.n_features(), d.classes), (1797, 64, 10));
    let mut counts = [0usize; 10];
    d.labels.iter().for_each(|&l| counts[l] += 1);
    assert_eq!(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    assert!(d.features.iter().flatten().all(|&p| (0.0..=1.0).contains(&p)));
}

/// Two spikes per sample, one per channel, `min_gap..=max_gap` apart, the label's
/// channel first; labels balanced.
#[test]
fn delay_task_samples_have_the_stated_structure() {
    let task = DelayTask { steps: 80, min_gap: 5, max_gap: 20 };
    let d = task.generate(400, 9).unwrap();
    assert_eq!(d.labels.iter().filter(|&&l| l == 1).count(), 200);
    let mut gaps = std::collections::BTreeSet::new();
    for (x, &label) in d.features.iter().zip(&d.labels) {
        let spikes: Vec<(usize, usize)> =
            x.iter().enumerate().filter(|(_, &v)| v > 0.0).map(|(i, _)| (i / 2, i % 2)).collect();
        assert_eq!(spikes.len(), 2);
        let (first, second) = (spikes[0], spikes[1]);
        assert_eq!(first.1, label);
        assert_eq!(second.1, 1 - label);
        gaps.insert(second.0 - first.0);
    }
    assert_eq!(gaps, (5..=20).collect());
    assert_eq!(
        task.generate(1, 0).map(|_| ()).and(DelayTask { steps: 80, min_gap: 9, max_gap: 4 }.generate(1, 0).map(|_| ())),
        Err("expected 1 ≤ min_gap ≤ max_gap, found 9 and 4".to_string())
    );
}
