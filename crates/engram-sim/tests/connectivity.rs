//! Connectivity rules: degree statistics match each rule's distribution.
//!
//! Bounds are 4 standard errors: a correct generator fails one of these checks with
//! probability below 1e-4, and the seeds are fixed, so the tests are deterministic.

mod common;

use common::model;
use engram_sim::connect::Csr;
use engram_sim::Network;

fn build(rule: &str, n_src: usize, n_tgt: usize, same: bool) -> (Csr, usize, usize) {
    let target = if same { "a" } else { "b" };
    let n_b = n_tgt.max(1);
    let m = model(&format!(
        r#"
        [simulation]
        duration = "1 ms"
        seed = 3
        [populations.a]
        n = {n_src}
        model = "lif"
        [populations.b]
        n = {n_b}
        model = "lif"
        [projections.p]
        source = "a"
        target = "{target}"
        weight = "1 pA"
        {rule}
        "#
    ));
    let n_tgt = if same { n_src } else { n_tgt };
    let net = Network::build(&m, 2).expect("builds");
    (net.synapses(0).clone(), n_src, n_tgt)
}

fn in_degrees(c: &Csr, n_tgt: usize) -> Vec<f64> {
    let mut d = vec![0.0; n_tgt];
    for &t in &c.targets {
        d[t as usize] += 1.0;
    }
    d
}

fn out_degrees(c: &Csr) -> Vec<f64> {
    c.row_ptr.windows(2).map(|w| (w[1] - w[0]) as f64).collect()
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (m, x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0))
}

/// Checks sample mean and variance of degrees drawn from Binomial(trials, p).
fn assert_binomial(degrees: &[f64], trials: f64, p: f64) {
    let n = degrees.len() as f64;
    let (mu, var) = (trials * p, trials * p * (1.0 - p));
    let (m, v) = mean_var(degrees);
    assert!((m - mu).abs() < 4.0 * (var / n).sqrt(), "mean {m} vs {mu}");
    // Standard error of a sample variance: sqrt(2 var² / (n - 1)) (near-normal case).
    assert!((v - var).abs() < 4.0 * (2.0 * var * var / (n - 1.0)).sqrt(), "variance {v} vs {var}");
}

fn has_autapse(c: &Csr) -> bool {
    (0..c.row_ptr.len() - 1).any(|s| c.targets[c.row_ptr[s]..c.row_ptr[s + 1]].contains(&(s as u32)))
}

fn has_multapse(c: &Csr) -> bool {
    c.row_ptr.windows(2).any(|w| c.targets[w[0]..w[1]].windows(2).any(|p| p[0] == p[1]))
}

#[test]
fn fixed_probability_degrees_are_binomial() {
    let (c, n_src, n_tgt) = build("rule = \"fixed_probability\"\np = 0.1", 1000, 2000, false);
    assert_binomial(&in_degrees(&c, n_tgt), n_src as f64, 0.1);
    assert_binomial(&out_degrees(&c), n_tgt as f64, 0.1);
    assert!(!has_multapse(&c));
}

#[test]
fn fixed_probability_without_autapses_has_none() {
    let (with, ..) = build("rule = \"fixed_probability\"\np = 0.5", 400, 0, true);
    assert!(has_autapse(&with), "p = 0.5 over 400 neurons gives autapses when allowed");
    let (c, n, _) = build("rule = \"fixed_probability\"\np = 0.5\nautapses = false", 400, 0, true);
    assert!(!has_autapse(&c));
    assert_binomial(&in_degrees(&c, n), (n - 1) as f64, 0.5);
}

#[test]
fn fixed_indegree_gives_exact_indegrees_and_binomial_outdegrees() {
    let (c, n_src, n_tgt) = build("rule = \"fixed_indegree\"\nindegree = 50", 800, 1500, false);
    assert!(in_degrees(&c, n_tgt).iter().all(|&d| d == 50.0));
    assert_binomial(&out_degrees(&c), 50.0 * n_tgt as f64, 1.0 / n_src as f64);
    let (c, n, _) =
        build("rule = \"fixed_indegree\"\nindegree = 300\nautapses = false\nmultapses = false", 400, 0, true);
    assert!(in_degrees(&c, n).iter().all(|&d| d == 300.0));
    assert!(!has_autapse(&c) && !has_multapse(&c));
}

#[test]
fn fixed_outdegree_gives_exact_outdegrees_and_binomial_indegrees() {
    let (c, n_src, n_tgt) = build("rule = \"fixed_outdegree\"\noutdegree = 40", 1500, 900, false);
    assert!(out_degrees(&c).iter().all(|&d| d == 40.0));
    assert_binomial(&in_degrees(&c, n_tgt), 40.0 * n_src as f64, 1.0 / n_tgt as f64);
    let (c, ..) =
        build("rule = \"fixed_outdegree\"\noutdegree = 399\nautapses = false\nmultapses = false", 400, 0, true);
    assert!(out_degrees(&c).iter().all(|&d| d == 399.0));
    assert!(!has_autapse(&c) && !has_multapse(&c));
}

#[test]
fn fixed_total_number_gives_the_total_and_multinomial_degrees() {
    let (c, n_src, n_tgt) = build("rule = \"fixed_total_number\"\nn = 100000", 1000, 500, false);
    assert_eq!(c.len(), 100_000);
    assert_binomial(&in_degrees(&c, n_tgt), 100_000.0, 1.0 / n_tgt as f64);
    assert_binomial(&out_degrees(&c), 100_000.0, 1.0 / n_src as f64);
    let (c, ..) = build("rule = \"fixed_total_number\"\nn = 20000\nautapses = false\nmultapses = false", 200, 0, true);
    assert_eq!(c.len(), 20_000);
    assert!(!has_autapse(&c) && !has_multapse(&c));
}

#[test]
fn all_to_all_and_one_to_one_are_exact() {
    let (c, ..) = build("rule = \"all_to_all\"\nautapses = false", 30, 0, true);
    assert_eq!(c.len(), 30 * 29);
    assert!(!has_autapse(&c) && !has_multapse(&c));
    let (c, ..) = build("rule = \"one_to_one\"", 25, 25, false);
    assert_eq!(c.targets, (0..25).collect::<Vec<u32>>());
}

#[test]
fn rows_are_sorted_by_target() {
    let (c, ..) = build("rule = \"fixed_total_number\"\nn = 50000", 300, 300, false);
    assert!(c.row_ptr.windows(2).all(|w| c.targets[w[0]..w[1]].windows(2).all(|p| p[0] <= p[1])));
}
