//! Named parameter tensors and their gradients.

use crate::real::Real;

/// One parameter tensor of a layer, row-major.
#[derive(Clone, Debug)]
pub struct Param<F> {
    /// Name within its layer (`w_in`, `w_rec`, `delay_in`, `alpha`, `beta`).
    pub name: &'static str,
    /// Shape, e.g. `[n_in, n_out]`.
    pub shape: Vec<usize>,
    /// The values.
    pub value: Vec<F>,
    /// Whether the optimiser updates it (fixed time constants are parameters too, so
    /// that checkpoints and exports carry them).
    pub trainable: bool,
    /// For a sparse-masked weight matrix, which entries exist (`true`); the others are
    /// 0 and stay 0 through training. `None`: every entry exists.
    pub mask: Option<Vec<bool>>,
}

impl<F: Real> Param<F> {
    /// A parameter of `shape` filled from `value`.
    pub fn new(name: &'static str, shape: Vec<usize>, value: Vec<F>, trainable: bool) -> Param<F> {
        assert_eq!(shape.iter().product::<usize>(), value.len(), "{name}: shape and values disagree");
        Param { name, shape, value, trainable, mask: None }
    }

    /// Restricts the parameter to the entries where `mask` is `true`, setting the
    /// others to 0.
    pub fn with_mask(mut self, mask: Vec<bool>) -> Param<F> {
        assert_eq!(mask.len(), self.value.len(), "{}: one mask entry per value", self.name);
        for (x, &keep) in self.value.iter_mut().zip(&mask) {
            if !keep {
                *x = F::of(0.0);
            }
        }
        self.mask = Some(mask);
        self
    }

    /// Whether entry `i` exists (always, without a mask).
    #[inline]
    pub fn exists(&self, i: usize) -> bool {
        self.mask.as_ref().is_none_or(|m| m[i])
    }

    /// The parameter converted to another float type.
    pub fn cast<G: Real>(&self) -> Param<G> {
        Param {
            name: self.name,
            shape: self.shape.clone(),
            value: self.value.iter().map(|&x| G::of(x.as_f64())).collect(),
            trainable: self.trainable,
            mask: self.mask.clone(),
        }
    }
}

/// Gradients of all parameters of a network, in the order of
/// [`crate::Network::params`].
pub type Grads<F> = Vec<Vec<F>>;

/// Adds `other` into `acc` element by element.
pub fn add_grads<F: Real>(acc: &mut Grads<F>, other: &Grads<F>) {
    for (a, o) in acc.iter_mut().zip(other) {
        for (x, y) in a.iter_mut().zip(o) {
            *x = *x + *y;
        }
    }
}
