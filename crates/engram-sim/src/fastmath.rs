//! Elementary functions in f32 written without branches or calls, so that loops over
//! neurons that use them vectorise.
//!
//! `f32::exp` is a call into libm per element; a neuron update that needs one
//! exponential per neuron and step (exponential Euler with conductances) then runs at
//! libm's scalar speed. Measured on COBA (2,000 neurons, 1 s, one thread): the update
//! with a call to `f64::exp_m1` per neuron ran 8 × slower than Brian2's; with
//! [`one_minus_exp_neg`] it vectorises (see `bench/RESULTS.md`).

use std::f32::consts::LN_2;

/// `1 - e^{-x}` for `x ≥ 0`, to within 3e-7 relative of the exact value.
///
/// Below 0.5 a Taylor series of `-expm1(-x)` (no cancellation for small x: the
/// conductance-based update needs it at `x = g dt / C` around 1e-3); above, `1 - e^{-x}`
/// with `e^{-x}` from [`exp_neg`].
#[inline(always)]
pub fn one_minus_exp_neg(x: f32) -> f32 {
    // Horner form of x - x²/2! + x³/3! - ... - x⁸/8!; the first omitted term is below
    // 0.5⁹/9! = 5e-9 for x < 0.5.
    let c = [1.0 / 2.0, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 120.0, 1.0 / 720.0, 1.0 / 5040.0, 1.0 / 40320.0];
    let mut p = -c[6];
    p = c[5] + x * p;
    p = -c[4] + x * p;
    p = c[3] + x * p;
    p = -c[2] + x * p;
    p = c[1] + x * p;
    p = -c[0] + x * p;
    p = 1.0 + x * p;
    let small = x * p;
    let large = 1.0 - exp_neg(x);
    if x < 0.5 {
        small
    } else {
        large
    }
}

/// `e^{-x}` for `x ≥ 0` (0 below f32's normal range), to within 2e-7 relative.
///
/// `e^{-x} = 2^k · e^{r}` with `k = round(-x / ln 2)` and `|r| ≤ ln 2 / 2` (Cephes'
/// `expf` reduction); `e^r` is a
/// Taylor polynomial of degree 7 (error below 0.35⁸/8! = 5e-9) and `2^k` is built from
/// the exponent bits.
///
/// `k` is rounded by adding and subtracting 1.5 · 2²³, which leaves `k` in the low
/// bits of the sum, instead of `round_ties_even` and an `as i32` cast: the same
/// round-to-nearest-even, so the same results bit for bit, but the saturating cast
/// was compiled lane by lane (`vcvttss2si` and NaN checks), and the conductance-based
/// update that calls this per neuron ran at 2.8 ns per neuron and step. COBA at
/// 100,000 neurons, 0.3 s, one thread, alternating runs: 1.42–1.49 s before, 1.10–1.24 s
/// after, with the same spikes bit for bit.
#[inline(always)]
pub fn exp_neg(x: f32) -> f32 {
    const ROUNDER: f32 = 12_582_912.0;
    let shifted = (-x / LN_2).max(-126.0) + ROUNDER;
    let k = shifted - ROUNDER;
    // Cody & Waite's split of ln 2: k · LN_2_HI is exact (LN_2_HI has 9 significant
    // bits, |k| ≤ 126 has 7), so r keeps the accuracy of x instead of that of x / ln 2.
    const LN_2_HI: f32 = 355.0 / 512.0;
    const LN_2_LO: f32 = -2.121_944_4e-4;
    let r = (-x - k * LN_2_HI) - k * LN_2_LO;
    let mut p = 1.0 / 5040.0;
    p = 1.0 / 720.0 + r * p;
    p = 1.0 / 120.0 + r * p;
    p = 1.0 / 24.0 + r * p;
    p = 1.0 / 6.0 + r * p;
    p = 0.5 + r * p;
    p = 1.0 + r * p;
    p = 1.0 + r * p;
    // |k| ≤ 126 < 2²², so the sum's bits are ROUNDER's plus k.
    let k_int = shifted.to_bits().wrapping_sub(ROUNDER.to_bits());
    let scale = f32::from_bits(k_int.wrapping_add(127) << 23);
    scale * p
}

/// `tanh(x)`, to within 5e-7 relative of the exact value, without branches or calls.
///
/// `tanh |x| = m / (2 − m)` with `m = 1 − e^{−2|x|}` from [`one_minus_exp_neg`], which
/// keeps small arguments accurate (no cancellation in `1 − e^{−2|x|}`), and the sign
/// restored by `copysign`. libm's `tanh` is a call per element; an echo-state network
/// with 2,000 units spent 16 % of its time in it (perf, `engram reservoir
/// bench/reservoir/speed.toml -j 1`), and this form vectorises.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    let m = one_minus_exp_neg(2.0 * x.abs());
    (m / (2.0 - m)).copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative error against f64 over 0 ≤ x ≤ 80, log-spaced from 1e-9.
    #[test]
    fn one_minus_exp_neg_is_accurate_everywhere() {
        let mut worst: f64 = 0.0;
        for k in 0..=20_000 {
            let x = 1e-9f64 * (80.0f64 / 1e-9).powf(k as f64 / 20_000.0);
            let x32 = x as f32;
            let exact = -(-(x32 as f64)).exp_m1();
            let got = one_minus_exp_neg(x32) as f64;
            worst = worst.max(((got - exact) / exact).abs());
        }
        assert!(worst < 3e-7, "worst relative error {worst}");
        assert_eq!(one_minus_exp_neg(0.0), 0.0);
    }

    #[test]
    fn exp_neg_is_accurate_down_to_the_normal_range() {
        let mut worst: f64 = 0.0;
        for k in 0..=20_000 {
            let x = 85.0 * k as f64 / 20_000.0;
            let x32 = x as f32;
            let exact = (-(x32 as f64)).exp();
            let got = exp_neg(x32) as f64;
            worst = worst.max(((got - exact) / exact).abs());
        }
        assert!(worst < 2e-7, "worst relative error {worst}");
        assert_eq!(exp_neg(0.0), 1.0);
    }

    #[test]
    fn tanh_is_accurate_and_odd() {
        let mut worst: f64 = 0.0;
        for k in 0..=40_000 {
            let x = 1e-9f64 * (30.0f64 / 1e-9).powf(k as f64 / 40_000.0);
            for x32 in [x as f32, -(x as f32)] {
                let exact = (x32 as f64).tanh();
                let got = tanh(x32) as f64;
                worst = worst.max(((got - exact) / exact).abs());
            }
        }
        assert!(worst < 5e-7, "worst relative error {worst}");
        assert_eq!(tanh(0.0), 0.0);
        assert_eq!(tanh(100.0), 1.0);
        assert_eq!(tanh(-100.0), -1.0);
    }
}
