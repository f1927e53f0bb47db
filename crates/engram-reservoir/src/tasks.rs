//! The standard reservoir-computing benchmark series, generated as reservoirpy does.
//!
//! * [`mackey_glass`]: the delay equation of Mackey & Glass (1977), *Science* 197:287,
//!   `dx/dt = a x(t−τ) / (1 + x(t−τ)ⁿ) − b x(t)`, stepped with reservoirpy's
//!   `_mg_rk4` scheme (`reservoirpy/datasets/_chaos.py`) so the series match step for step
//!   when given the same history.
//! * [`narma`]: the NARMA system of Atiya & Parlos (2000), *IEEE TNN* 11:697, in
//!   reservoirpy's indexing: `y(t+1) = a₁ y(t) + a₂ y(t) Σ_{i=1..n} y(t−i)
//!   + b u(t−n) u(t) + c`, with `u` uniform in [0, 0.5].
//! * [`lorenz`]: the Lorenz (1963) system, *J. Atmos. Sci.* 20:130, with σ = 10,
//!   ρ = 28, β = 8/3, integrated by classical RK4.
//! * [`uniform_input`]: i.i.d. input for memory capacity (Jaeger 2002).

use rand::Rng;

use crate::rng::{stream, Part};

/// Parameters of the Mackey-Glass series (reservoirpy's defaults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MackeyGlass {
    /// Delay τ in time units.
    pub tau: f64,
    /// Production rate `a`.
    pub a: f64,
    /// Decay rate `b`.
    pub b: f64,
    /// Hill exponent `n`.
    pub n: f64,
    /// Initial condition `x0`, also the centre of the random history.
    pub x0: f64,
    /// Time between samples `h`.
    pub h: f64,
}

impl Default for MackeyGlass {
    fn default() -> MackeyGlass {
        MackeyGlass { tau: 17.0, a: 0.2, b: 0.1, n: 10.0, x0: 1.2, h: 1.0 }
    }
}

/// reservoirpy's `_mg_rk4` step, kept exactly (it is not textbook RK4, but matching
/// it makes the series identical to reservoirpy's for the same history).
fn mg_step(p: &MackeyGlass, xt: f64, xtau: f64) -> f64 {
    let bh = -p.b * p.h;
    let k1 = bh * xt + p.a * xtau / (1.0 + xtau.powf(p.n));
    let k2 = 2.0 * k1 + bh * k1;
    let k3 = 2.0 * k1 + bh * k2;
    let k4 = k1 + bh * k3;
    xt + (k1 + k2 + k3 + k4) / 6.0
}

/// `steps` samples of the Mackey-Glass series. The history (the `⌊τ/h⌋` values before
/// the start) is `history` when given, else `x0 + 0.2 (U(0,1) − 0.5)` per value from
/// the seed's task stream, as reservoirpy draws it.
pub fn mackey_glass(p: &MackeyGlass, steps: usize, seed: u64, history: Option<&[f64]>) -> Vec<f64> {
    let lag = (p.tau / p.h).floor() as usize;
    let mut x = Vec::with_capacity(lag + steps);
    match history {
        Some(h) => x.extend_from_slice(&h[h.len() - lag..]),
        None => {
            let mut rng = stream(seed, Part::TaskData, 0);
            x.extend((0..lag).map(|_| p.x0 + 0.2 * (rng.random::<f64>() - 0.5)));
        }
    }
    let mut xt = p.x0;
    for i in lag..lag + steps {
        x.push(xt);
        let xtau = if p.tau > 0.0 { x[i - lag] } else { 0.0 };
        xt = mg_step(p, xt, xtau);
    }
    x.split_off(lag)
}

/// The input `u` and output `y` of a NARMA system of `order`, `steps` samples each:
/// reservoirpy's `narma(steps, order)` with `u` from the seed's task stream.
pub fn narma(steps: usize, order: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = stream(seed, Part::TaskData, 1);
    let u: Vec<f64> = (0..steps + order).map(|_| rng.random_range(0.0..0.5)).collect();
    let y = narma_output(&u, order);
    (u[order..].to_vec(), y)
}

/// The NARMA output for a given input of length `steps + order` (reservoirpy's
/// recursion with `a₁ = 0.2, a₂ = 0.04, b = 1.5, c = 0.001`, `y = 0` initially).
pub fn narma_output(u: &[f64], order: usize) -> Vec<f64> {
    let (a1, a2, b, c) = (0.2, 0.04, 1.5, 0.001);
    let total = u.len();
    let mut y = vec![0.0; total];
    for t in order..total.saturating_sub(1) {
        let window: f64 = y[t - order..t].iter().sum();
        y[t + 1] = a1 * y[t] + a2 * y[t] * window + b * u[t - order] * u[t] + c;
    }
    y[order..].to_vec()
}

/// `steps` samples (x, y, z interleaved) of the Lorenz-63 system sampled every `h`
/// time units (reservoirpy's default 0.03) from `(1, 1, 1)`; each sample interval is
/// integrated with 10 RK4 steps.
pub fn lorenz(steps: usize, h: f64) -> Vec<f64> {
    let (sigma, rho, beta) = (10.0, 28.0, 8.0 / 3.0);
    let f = |s: [f64; 3]| [sigma * (s[1] - s[0]), s[0] * (rho - s[2]) - s[1], s[0] * s[1] - beta * s[2]];
    let sub = 10;
    let dt = h / sub as f64;
    let mut s = [1.0, 1.0, 1.0];
    let mut out = Vec::with_capacity(3 * steps);
    for _ in 0..steps {
        out.extend_from_slice(&s);
        for _ in 0..sub {
            let add = |a: [f64; 3], k: [f64; 3], c: f64| [a[0] + c * k[0], a[1] + c * k[1], a[2] + c * k[2]];
            let k1 = f(s);
            let k2 = f(add(s, k1, dt / 2.0));
            let k3 = f(add(s, k2, dt / 2.0));
            let k4 = f(add(s, k3, dt));
            for d in 0..3 {
                s[d] += dt / 6.0 * (k1[d] + 2.0 * k2[d] + 2.0 * k3[d] + k4[d]);
            }
        }
    }
    out
}

/// `steps` i.i.d. samples uniform in `[−1, 1]` (the memory-capacity input).
/// The periodic target of Sussillo & Abbott (2009), Fig. 2: four harmonics,
/// `f(t) = (1.3/1.5) [sin(ωt) + sin(2ωt)/2 + sin(3ωt)/6 + sin(4ωt)/3]` with
/// `ω = 2π / period` (their `force_external_feedback_loop.m`: amplitude 1.3, frequency
/// 1/60 in `sin(kπ f t)`, divided by 1.5), one value per step.
pub fn sines(steps: usize, period: usize) -> Vec<f64> {
    let omega = 2.0 * std::f64::consts::PI / period as f64;
    (0..steps)
        .map(|t| {
            let w = omega * t as f64;
            1.3 / 1.5 * (w.sin() + (2.0 * w).sin() / 2.0 + (3.0 * w).sin() / 6.0 + (4.0 * w).sin() / 3.0)
        })
        .collect()
}

pub fn uniform_input(steps: usize, seed: u64) -> Vec<f64> {
    let mut rng = stream(seed, Part::TaskData, 2);
    (0..steps).map(|_| rng.random_range(-1.0..=1.0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mackey_glass_matches_reservoirpy_for_a_constant_history() {
        // reservoirpy 0.4.2: mackey_glass(8, history=np.full(17, 1.2)).ravel()
        let expect = [
            1.2,
            1.1201719612803323,
            1.047700076328682,
            0.9819064755753261,
            0.922175755131392,
            0.8679492205763666,
            0.8187196611805867,
            0.7740266056831279,
        ];
        let x = mackey_glass(&MackeyGlass::default(), 8, 0, Some(&[1.2; 17]));
        for (a, b) in x.iter().zip(expect) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
    }

    #[test]
    fn mackey_glass_is_chaotic_between_its_known_bounds() {
        let x = mackey_glass(&MackeyGlass::default(), 3000, 1, None);
        let tail = &x[500..];
        let (lo, hi) = tail.iter().fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
        // reservoirpy's mackey_glass(3000) spans [0.42, 1.32] after step 500; another
        // random history gives another trajectory on the same attractor.
        assert!(lo > 0.35 && lo < 0.5 && hi > 1.25 && hi < 1.4, "[{lo}, {hi}]");
    }

    #[test]
    fn narma_follows_its_recursion() {
        let (u, y) = narma(300, 10, 3);
        assert_eq!((u.len(), y.len()), (300, 300));
        // The recursion in the output's own indexing, from t = 10 on (the full input
        // has `order` leading samples that are not returned).
        for t in 10..299 {
            let window: f64 = y[t - 10..t].iter().sum();
            let expect = 0.2 * y[t] + 0.04 * y[t] * window + 1.5 * u[t - 10] * u[t] + 0.001;
            assert!((y[t + 1] - expect).abs() < 1e-14);
        }
    }

    #[test]
    fn lorenz_stays_on_the_attractor() {
        let s = lorenz(2000, 0.03);
        let z: Vec<f64> = s.chunks(3).skip(200).map(|p| p[2]).collect();
        let mean = z.iter().sum::<f64>() / z.len() as f64;
        // The mean of z on the attractor is about 23.5 (ρ − 1 = 27 at the fixed points).
        assert!(mean > 21.0 && mean < 26.0, "{mean}");
    }
}
