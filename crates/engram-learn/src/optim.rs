//! Adam and AdamW with global-norm gradient clipping and a cosine schedule.
//!
//! Adam: Kingma & Ba 2015, Algorithm 1; AdamW: Loshchilov & Hutter 2019 (weight decay
//! applied to the weights directly, not through the gradient). The learning rate
//! follows `lr(e) = lr_min + (lr - lr_min)(1 + cos(π e / E)) / 2` over `E` epochs
//! (Loshchilov & Hutter 2017, without restarts), PyTorch's `CosineAnnealingLR`.

use crate::param::{Grads, Param};

/// Optimiser settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Learning rate.
    pub lr: f64,
    /// First-moment decay.
    pub beta1: f64,
    /// Second-moment decay.
    pub beta2: f64,
    /// Added to the root of the second moment.
    pub eps: f64,
    /// Decoupled weight decay (AdamW); 0 for Adam.
    pub weight_decay: f64,
    /// Largest global gradient norm; larger gradients are scaled down (0: no clipping).
    pub clip_norm: f64,
}

impl Default for AdamConfig {
    fn default() -> AdamConfig {
        AdamConfig { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0, clip_norm: 0.0 }
    }
}

/// The cosine schedule's rate at `epoch` of `epochs`, ending at `lr_min`.
pub fn cosine_lr(lr: f64, lr_min: f64, epoch: usize, epochs: usize) -> f64 {
    if epochs == 0 {
        return lr;
    }
    lr_min + (lr - lr_min) * (1.0 + (std::f64::consts::PI * epoch as f64 / epochs as f64).cos()) / 2.0
}

/// Adam's state: moments per parameter.
pub struct Adam {
    /// The settings.
    pub config: AdamConfig,
    m: Vec<Vec<f64>>,
    v: Vec<Vec<f64>>,
    t: i32,
}

impl Adam {
    /// A fresh optimiser for parameters shaped like `params`.
    pub fn new(config: AdamConfig, params: &[&Param<f32>]) -> Adam {
        let zeros = || params.iter().map(|p| vec![0.0; p.value.len()]).collect();
        Adam { config, m: zeros(), v: zeros(), t: 0 }
    }

    /// One update with learning rate `lr`; returns the gradient norm before clipping.
    /// Weight decay applies to weights (`w_in`, `w_rec`) only. The absent entries of a
    /// masked weight matrix are not parameters: they count in neither the norm nor the
    /// update, so they stay exactly 0.
    pub fn step(&mut self, params: &mut [&mut Param<f32>], grads: &Grads<f32>, lr: f64) -> f64 {
        let c = self.config;
        let norm = grads
            .iter()
            .zip(params.iter())
            .filter(|(_, p)| p.trainable)
            .flat_map(|(g, p)| g.iter().enumerate().filter(|&(i, _)| p.exists(i)).map(|(_, g)| g))
            .map(|&g| (g as f64) * (g as f64))
            .sum::<f64>()
            .sqrt();
        let scale = if c.clip_norm > 0.0 && norm > c.clip_norm { c.clip_norm / norm } else { 1.0 };
        self.t += 1;
        let bias1 = 1.0 - c.beta1.powi(self.t);
        let bias2 = 1.0 - c.beta2.powi(self.t);
        for (k, p) in params.iter_mut().enumerate() {
            if !p.trainable {
                continue;
            }
            let decay = if p.name.starts_with("w_") { c.weight_decay } else { 0.0 };
            let mask = p.mask.as_deref();
            for (i, x) in p.value.iter_mut().enumerate() {
                if mask.is_some_and(|m| !m[i]) {
                    continue;
                }
                let g = grads[k][i] as f64 * scale;
                let m = &mut self.m[k][i];
                let v = &mut self.v[k][i];
                *m = c.beta1 * *m + (1.0 - c.beta1) * g;
                *v = c.beta2 * *v + (1.0 - c.beta2) * g * g;
                let update = lr * (*m / bias1) / ((*v / bias2).sqrt() + c.eps);
                *x = (*x as f64 * (1.0 - lr * decay) - update) as f32;
            }
        }
        norm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adam's first step moves every coordinate by `lr` against the gradient's sign
    /// (m̂ / √v̂ = g / |g|), the property Kingma & Ba state in section 2.1.
    #[test]
    fn first_adam_step_has_size_lr() {
        let mut p = Param::new("w_in", vec![3], vec![1.0f32, -2.0, 0.5], true);
        let grads = vec![vec![0.3f32, -7.0, 1e-3]];
        let mut adam = Adam::new(AdamConfig { lr: 0.01, ..AdamConfig::default() }, &[&p]);
        adam.step(&mut [&mut p], &grads, 0.01);
        let moved: Vec<f32> = p.value.iter().zip([1.0f32, -2.0, 0.5]).map(|(a, b)| a - b).collect();
        for (d, want) in moved.iter().zip([-0.01f32, 0.01, -0.01]) {
            assert!((d - want).abs() < 1e-4, "{moved:?}");
        }
    }

    #[test]
    fn cosine_schedule_starts_high_and_ends_at_the_minimum() {
        assert_eq!(cosine_lr(1.0, 0.1, 0, 10), 1.0);
        assert!((cosine_lr(1.0, 0.1, 5, 10) - 0.55).abs() < 1e-12);
        assert!((cosine_lr(1.0, 0.1, 10, 10) - 0.1).abs() < 1e-12);
    }

    /// Absent entries of a masked matrix keep the value 0 under gradients and decay,
    /// and do not count in the clipping norm.
    #[test]
    fn masked_entries_stay_zero_and_do_not_count_in_the_norm() {
        let mut p =
            Param::new("w_in", vec![4], vec![0.5f32, 0.5, -0.5, 0.5], true).with_mask(vec![true, false, true, false]);
        assert_eq!(p.value, [0.5, 0.0, -0.5, 0.0]);
        let config = AdamConfig { weight_decay: 0.1, ..AdamConfig::default() };
        let mut adam = Adam::new(config, &[&p]);
        for _ in 0..20 {
            let norm = adam.step(&mut [&mut p], &vec![vec![3.0f32, 100.0, 4.0, -100.0]], 0.01);
            assert_eq!(norm, 5.0);
        }
        assert_eq!((p.value[1], p.value[3]), (0.0, 0.0));
        assert!(p.value[0] < 0.5 && p.value[2] < -0.5, "{:?}", p.value);
    }

    #[test]
    fn clipping_scales_the_gradient_to_the_norm() {
        let mut p = Param::new("w_in", vec![2], vec![0.0f32, 0.0], true);
        let grads = vec![vec![3.0f32, 4.0]];
        let mut adam = Adam::new(AdamConfig { clip_norm: 1.0, ..AdamConfig::default() }, &[&p]);
        let norm = adam.step(&mut [&mut p], &grads, 0.1);
        assert_eq!(norm, 5.0);
    }
}
