//! Every statistic against Elephant 1.2.1 on the same spike trains.
//!
//! `tests/reference/elephant.json` is written by `bench/analysis_reference.py` (run it
//! with Elephant installed to regenerate; CI only reads the file). It holds two data
//! sets, and every test runs on both: `synthetic` — Poisson, gamma (shapes 0.5, 2, 4), a
//! pair sharing half its spikes with 2 ms jitter, a 2-spike and an empty train, over 5 s,
//! with times on a 0.1 ms grid so some spikes sit on bin edges and exercise the binning
//! conventions — and `cuba` — 12 busy excitatory neurons of a 1 s engram CUBA run.
//!
//! Tolerances: where engram computes the same formula, `1e-12` relative (the difference
//! is summation order). Elephant's instantaneous rate and the correlation matrices go
//! through FFTs or dense BLAS products while engram sums sparse terms exactly, so those
//! compare to `1e-9` of the largest magnitude in the result. Distances are `1e-9`
//! relative: van Rossum's `D²` is a difference of sums and loses digits when `D` is
//! small.

use engram_analysis::{
    correlation_matrix, covariance_matrix, cross_correlogram, cv, cv2, fano_factors, firing_rates, golomb_chi,
    instantaneous_rate, intervals, lv, lvr, sttc_matrix, time_histogram, van_rossum_matrix, victor_purpura_matrix,
    welch, BinnedSpikeTrains, Kernel, Matrix, SpikeTrains, WelchParams,
};
use serde_json::Value;

/// The data sets of the reference file, by name.
fn datasets() -> Vec<(String, Value)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/elephant.json"))
        .expect("reference file present");
    let all: Value = serde_json::from_str(&text).expect("reference file is JSON");
    assert_eq!(all["elephant_version"], "1.2.1");
    let sets: Vec<(String, Value)> =
        all["datasets"].as_object().expect("datasets").iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    assert!(sets.len() >= 2, "synthetic and cuba data sets");
    sets
}

/// A JSON number, or NaN for `null` (how the script writes NaN).
fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(num).collect()
}

fn matrix(v: &Value) -> Vec<f64> {
    v.as_array().expect("rows").iter().flat_map(nums).collect()
}

fn trains(r: &Value) -> SpikeTrains {
    let trains = r["trains"].as_array().unwrap().iter().map(nums).collect();
    SpikeTrains::new(trains, num(&r["t_start"]), num(&r["t_stop"])).unwrap()
}

/// Asserts `|a - b| <= rel * max(|b|, floor)` entry by entry, NaN matching NaN only.
fn assert_close(what: &str, ours: &[f64], theirs: &[f64], rel: f64, floor: f64) {
    assert_eq!(ours.len(), theirs.len(), "{what}: lengths differ");
    for (k, (&a, &b)) in ours.iter().zip(theirs).enumerate() {
        if b.is_nan() {
            assert!(a.is_nan(), "{what}[{k}]: engram {a}, Elephant NaN");
            continue;
        }
        let tol = rel * b.abs().max(floor);
        assert!((a - b).abs() <= tol, "{what}[{k}]: engram {a}, Elephant {b}, tolerance {tol}");
    }
}

fn max_abs(x: &[f64]) -> f64 {
    x.iter().filter(|v| v.is_finite()).fold(0.0, |m, v| m.max(v.abs()))
}

#[test]
fn firing_rates_and_time_histogram() {
    for (set, r) in datasets() {
        let st = trains(&r);
        assert_close(&format!("{set}: rate"), &firing_rates(&st), &nums(&r["firing_rate"]), 1e-12, 0.0);
        let h = &r["time_histogram"];
        let binned = BinnedSpikeTrains::new(&st, num(&h["bin_size"])).unwrap();
        assert_close(&format!("{set}: time_histogram"), &time_histogram(&binned), &nums(&h["rate"]), 1e-12, 1e-12);
    }
}

#[test]
fn instantaneous_rate_with_gaussian_and_exponential_kernels() {
    for (set, r) in datasets() {
        let st = trains(&r);
        let gaussian: fn(f64) -> Kernel = |sigma| Kernel::Gaussian { sigma };
        let exponential: fn(f64) -> Kernel = |tau| Kernel::Exponential { tau };
        for (name, make) in [("gaussian", gaussian), ("exponential", exponential)] {
            let case = &r["instantaneous_rate"][name];
            let i = case["train"].as_u64().unwrap() as usize;
            let one = st.select(&[i]);
            let ours = instantaneous_rate(
                &one,
                num(&case["sampling_period"]),
                make(num(&case["sigma"])),
                num(&case["cutoff"]),
            )
            .unwrap();
            let theirs = nums(&case["rate"]);
            assert_close(&format!("{set}: {name}"), &ours.rates[0], &theirs, 1e-9, max_abs(&theirs));
        }
    }
}

#[test]
fn interval_statistics() {
    for (set, r) in datasets() {
        let st = trains(&r);
        let v = &r["variability"];
        let isis: Vec<Vec<f64>> = st.trains().iter().map(|t| intervals(t)).collect();
        let per = |f: &dyn Fn(&[f64]) -> f64| isis.iter().map(|i| f(i)).collect::<Vec<f64>>();
        assert_close(&format!("{set}: cv"), &per(&cv), &nums(&v["cv"]), 1e-12, 0.0);
        assert_close(&format!("{set}: cv2"), &per(&cv2), &nums(&v["cv2"]), 1e-12, 0.0);
        assert_close(&format!("{set}: lv"), &per(&lv), &nums(&v["lv"]), 1e-12, 0.0);
        let big_r = num(&v["lvr_R"]);
        assert_close(&format!("{set}: lvr"), &per(&|i| lvr(i, big_r)), &nums(&v["lvr"]), 1e-12, 0.0);
    }
}

#[test]
fn fano_factor_over_windows() {
    // Elephant's fanofactor over time slices of one train; no stored spike sits on a
    // window edge, where time_slice would count it in both windows.
    for (set, r) in datasets() {
        let f = &r["fano"];
        let ours = fano_factors(&trains(&r), num(&f["window"])).unwrap();
        assert_close(&format!("{set}: fano"), &ours, &nums(&f["values"]), 1e-12, 0.0);
    }
}

#[test]
fn correlation_covariance_and_synchrony() {
    for (set, r) in datasets() {
        let c = &r["correlation"];
        let binned = BinnedSpikeTrains::new(&trains(&r), num(&c["bin_size"])).unwrap();
        let Matrix { values, .. } = correlation_matrix(&binned);
        assert_close(&format!("{set}: corrcoef"), &values, &matrix(&c["corrcoef"]), 1e-9, 1.0);
        let cov = covariance_matrix(&binned).unwrap();
        let theirs = matrix(&c["covariance"]);
        assert_close(&format!("{set}: covariance"), &cov.values, &theirs, 1e-9, max_abs(&theirs));
        // χ is not in Elephant; the script computes it with NumPy from Elephant's binning.
        assert_close(&format!("{set}: golomb_chi"), &[golomb_chi(&binned)], &[num(&c["golomb_chi"])], 1e-12, 0.0);
    }
}

#[test]
fn cross_correlogram_counts_are_identical() {
    for (set, r) in datasets() {
        let h = &r["cch"];
        let binned = BinnedSpikeTrains::new(&trains(&r), num(&r["correlation"]["bin_size"])).unwrap();
        let max_lag = h["max_lag"].as_u64().unwrap() as usize;
        let (i, j) = (h["i"].as_u64().unwrap() as usize, h["j"].as_u64().unwrap() as usize);
        assert_eq!(cross_correlogram(&binned, i, j, max_lag), nums(&h["counts"]), "{set}");
    }
}

#[test]
fn spike_time_tiling_coefficient() {
    for (set, r) in datasets() {
        let s = &r["sttc"];
        let ours = sttc_matrix(&trains(&r), num(&s["dt"])).unwrap();
        assert_close(&format!("{set}: sttc"), &ours.values, &matrix(&s["matrix"]), 1e-12, 1e-3);
    }
}

#[test]
fn van_rossum_and_victor_purpura_distances() {
    for (set, r) in datasets() {
        let st = trains(&r);
        let vr = van_rossum_matrix(&st, num(&r["van_rossum"]["tau"])).unwrap();
        assert_close(&format!("{set}: van_rossum"), &vr.values, &matrix(&r["van_rossum"]["matrix"]), 1e-9, 1.0);
        let vp = victor_purpura_matrix(&st, num(&r["victor_purpura"]["q"])).unwrap();
        assert_close(&format!("{set}: victor_purpura"), &vp.values, &matrix(&r["victor_purpura"]["matrix"]), 1e-9, 1.0);
    }
}

#[test]
fn welch_spectrum_of_the_population_rate() {
    for (set, r) in datasets() {
        let w = &r["welch"];
        let binned = BinnedSpikeTrains::new(&trains(&r), num(&r["correlation"]["bin_size"])).unwrap();
        // The script's signal is the same population rate; check that first.
        let signal = time_histogram(&binned);
        assert_close(&format!("{set}: signal"), &signal, &nums(&w["signal"]), 1e-12, 1.0);
        let s = welch(&signal, num(&w["fs"]), WelchParams::default()).unwrap();
        assert_close(&format!("{set}: freqs"), &s.freqs, &nums(&w["freqs"]), 1e-12, 1.0);
        let theirs = nums(&w["psd"]);
        assert_close(&format!("{set}: psd"), &s.psd, &theirs, 1e-9, max_abs(&theirs));
    }
}
