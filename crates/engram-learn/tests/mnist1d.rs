//! The Rust port of the mnist1d generator against the `mnist1d` package's own output
//! (values printed by `bench/mnist1d_check.py`: mnist1d 0.0.2.post1, NumPy 2.4.6).

use engram_learn::data::mnist1d;

#[test]
fn port_reproduces_the_package_data_set() {
    let (train, test) = mnist1d::generate();
    assert_eq!((train.len(), test.len(), train.n_features()), (4000, 1000, 40));
    assert_eq!(train.labels[..12], [2, 6, 4, 5, 6, 6, 6, 0, 3, 1, 6, 9]);
    assert_eq!(test.labels[..12], [2, 6, 3, 9, 4, 3, 1, 9, 5, 2, 0, 7]);
    let close = |got: &[f32], want: &[f64]| {
        for (g, w) in got.iter().zip(want) {
            assert!((*g as f64 - w).abs() < 1e-5, "{got:?} vs {want:?}");
        }
    };
    close(
        &train.features[0][..6],
        &[
            -0.3320056673693902,
            -0.4719103656557236,
            -0.778697076293495,
            -1.0097408265367047,
            -0.8823525654053074,
            0.10393481264623418,
        ],
    );
    close(
        &train.features[1234][20..24],
        &[-0.6819486155750717, -2.693776361547253, -2.203416950510001, -0.24009985299358805],
    );
    close(&test.features[999][36..], &[0.4472328851428726, 0.6598756470890784, 0.8777343497528006, 1.193151836835276]);
    // Every value, through the sums of magnitudes (f32 storage: relative 1e-6).
    let sum = |d: &engram_learn::data::Dataset| d.features.iter().flatten().map(|v| v.abs() as f64).sum::<f64>();
    assert!((sum(&train) / 118338.29510719894 - 1.0).abs() < 1e-6);
    assert!((sum(&test) / 29977.877540866408 - 1.0).abs() < 1e-6);
}
