//! MNIST-1D (Greydanus & Kobak 2024, "Scaling down deep learning with MNIST-1D"),
//! regenerated exactly as the `mnist1d` package does, without download or Python.
//!
//! Port of `mnist1d/data.py` (`get_templates`, `make_dataset`) and
//! `mnist1d/transform.py` (`transform`) with the package's default arguments: ten
//! 12-point templates are padded with 36–60 zeros, stretched to 72 points, scaled,
//! translated (circularly), given correlated noise (Gaussian-filtered, σ = 2) where
//! the signal is zero and i.i.d. noise everywhere, sheared, and subsampled to 40
//! points; 500 per class, shuffled, standardised, and split 4,000 / 1,000. The random
//! draws are NumPy's legacy `RandomState(42)` ([`super::numpy_random`]), in the
//! package's order, so the series equal the package's output to rounding
//! (checked by `bench/mnist1d_check.py`).

use super::numpy_random::RandomState;
use super::Dataset;

/// The package's `get_dataset_args()` defaults.
struct Args {
    num_samples: usize,
    train_split: f64,
    template_len: usize,
    padding: (usize, usize),
    scale_coeff: f64,
    max_translation: u32,
    corr_noise_scale: f64,
    iid_noise_scale: f64,
    shear_scale: f64,
    final_seq_length: usize,
    seed: u32,
}

const ARGS: Args = Args {
    num_samples: 5000,
    train_split: 0.8,
    template_len: 12,
    padding: (36, 60),
    scale_coeff: 0.4,
    max_translation: 48,
    corr_noise_scale: 0.25,
    iid_noise_scale: 2e-2,
    shear_scale: 0.75,
    final_seq_length: 40,
    seed: 42,
};

const TEMPLATES: [[f64; 12]; 10] = [
    [5., 6., 6.5, 6.75, 7., 7., 7., 7., 6.75, 6.5, 6., 5.],
    [5., 3., 3., 3.4, 3.8, 4.2, 4.6, 5., 5.4, 5.8, 5., 5.],
    [5., 6., 6.5, 6.5, 6., 5.25, 4.75, 4., 3.5, 3.5, 4., 5.],
    [5., 6., 6.5, 6.5, 6., 5., 5., 6., 6.5, 6.5, 6., 5.],
    [5., 4.4, 3.8, 3.2, 2.6, 2.6, 5., 5., 5., 5., 5., 5.],
    [5., 3., 3., 3., 3., 5., 6., 6.5, 6.5, 6., 4.5, 5.],
    [5., 4., 3.5, 3.25, 3., 3., 3., 3., 3.25, 3.5, 4., 5.],
    [5., 7., 7., 6.6, 6.2, 5.8, 5.4, 5., 4.6, 4.2, 5., 5.],
    [5., 4., 3.5, 3.5, 4., 5., 5., 4., 3.5, 3.5, 4., 5.],
    [5., 4., 3.5, 3.5, 4., 5., 5., 5., 5., 4.7, 4.3, 5.],
];

/// The whitened templates, `x / 6` of `get_templates()`.
fn templates() -> Vec<Vec<f64>> {
    TEMPLATES
        .iter()
        .map(|d| {
            let n = d.len() as f64;
            let mean = d.iter().sum::<f64>() / n;
            let mut x: Vec<f64> = d.iter().map(|v| v - mean).collect();
            let std = (x.iter().map(|v| v * v).sum::<f64>() / n).sqrt();
            x.iter_mut().for_each(|v| *v /= std);
            let first = x[0];
            x.iter().map(|v| (v - first) / 6.0).collect()
        })
        .collect()
}

/// `np.linspace(start, stop, n)`.
fn linspace(start: f64, stop: f64, n: usize) -> Vec<f64> {
    let step = (stop - start) / (n - 1) as f64;
    let mut v: Vec<f64> = (0..n).map(|i| i as f64 * step + start).collect();
    v[n - 1] = stop;
    v
}

/// `interp1d(linspace(0, 1, len(x)), x, kind="linear")(linspace(0, 1, n))`, as SciPy computes it.
fn interpolate(x: &[f64], n: usize) -> Vec<f64> {
    let scale = linspace(0.0, 1.0, x.len());
    linspace(0.0, 1.0, n)
        .iter()
        .map(|&xn| {
            // searchsorted(side="left"), clipped to 1..len-1.
            let hi = scale.partition_point(|&s| s < xn).clamp(1, x.len() - 1);
            let lo = hi - 1;
            let slope = (x[hi] - x[lo]) / (scale[hi] - scale[lo]);
            slope * (xn - scale[lo]) + x[lo]
        })
        .collect()
}

/// `scipy.ndimage.gaussian_filter(x, sigma)` in 1-D: truncate 4.0, mode "reflect".
fn gaussian_filter(x: &[f64], sigma: f64) -> Vec<f64> {
    let radius = (4.0 * sigma + 0.5) as i64;
    let mut w: Vec<f64> = (-radius..=radius).map(|k| (-0.5 / (sigma * sigma) * (k * k) as f64).exp()).collect();
    let total: f64 = w.iter().sum();
    w.iter_mut().for_each(|v| *v /= total);
    let n = x.len() as i64;
    let reflect = |mut i: i64| -> usize {
        // Half-sample symmetric: d c b a | a b c d | d c b a.
        loop {
            if i < 0 {
                i = -i - 1;
            } else if i >= n {
                i = 2 * n - i - 1;
            } else {
                return i as usize;
            }
        }
    };
    (0..n).map(|i| (-radius..=radius).zip(&w).map(|(k, wk)| wk * x[reflect(i + k)]).sum()).collect()
}

/// `transform(x, t, args)` of one template.
fn transform(template: &[f64], rng: &mut RandomState) -> Vec<f64> {
    let a = &ARGS;
    let (low, high) = a.padding;
    let p = low + (rng.rand() * (high - low + 1) as f64) as usize;
    let mut x: Vec<f64> = template.iter().map(|v| v + 1e-8).collect();
    x.extend(std::iter::repeat_n(0.0, p));
    let mut x = interpolate(&x, a.template_len + high);
    let factor = 1.0 + a.scale_coeff * (rng.rand() - 0.5);
    x.iter_mut().for_each(|v| *v *= factor);
    let k = rng.choice(a.max_translation) as usize;
    // np.concatenate([x[-k:], x[:-k]]); with k = 0, x[-0:] is all of x and x[:-0] empty.
    if k > 0 {
        x.rotate_right(k);
    }
    let noise: Vec<f64> = (0..x.len()).map(|_| a.corr_noise_scale * rng.randn()).collect();
    let corr = gaussian_filter(&noise, 2.0);
    let mut x: Vec<f64> = x.iter().zip(&corr).map(|(&v, &c)| if v != 0.0 { v } else { c }).collect();
    for v in x.iter_mut() {
        *v += a.iid_noise_scale * rng.randn();
    }
    let coeff = a.shear_scale * (rng.rand() - 0.5);
    let ramp = linspace(-0.5, 0.5, x.len());
    for (v, r) in x.iter_mut().zip(&ramp) {
        *v -= coeff * r;
    }
    interpolate(&x, a.final_seq_length)
}

/// The train (4,000) and test (1,000) sets of `make_dataset(get_dataset_args())`.
pub fn generate() -> (Dataset, Dataset) {
    let a = &ARGS;
    let mut rng = RandomState::new(a.seed);
    let templates = templates();
    let per_class = a.num_samples / templates.len();
    let mut xs = Vec::with_capacity(a.num_samples);
    let mut ys = Vec::with_capacity(a.num_samples);
    for (label, t) in templates.iter().enumerate() {
        for _ in 0..per_class {
            xs.push(transform(t, &mut rng));
            ys.push(label);
        }
    }
    let order = rng.permutation(ys.len());
    let xs: Vec<Vec<f64>> = order.iter().map(|&i| xs[i].clone()).collect();
    let ys: Vec<usize> = order.iter().map(|&i| ys[i]).collect();
    let all: Vec<f64> = xs.iter().flatten().copied().collect();
    let mean = all.iter().sum::<f64>() / all.len() as f64;
    let std = (all.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / all.len() as f64).sqrt();
    let features: Vec<Vec<f32>> = xs.iter().map(|x| x.iter().map(|v| ((v - mean) / std) as f32).collect()).collect();
    let split = (ys.len() as f64 * a.train_split) as usize;
    let train = Dataset { features: features[..split].to_vec(), labels: ys[..split].to_vec(), classes: 10 };
    let test = Dataset { features: features[split..].to_vec(), labels: ys[split..].to_vec(), classes: 10 };
    (train, test)
}
