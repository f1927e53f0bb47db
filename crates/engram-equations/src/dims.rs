//! Dimensions with half-integer exponents, for the equation checker.
//!
//! engram-model's [`Dim`] holds integer exponents of m, kg, s and A, which is all a model
//! file's quantities need. Equations also hold white noise `xi`, of dimension s^-1/2
//! (Brian2's convention, so that `sigma*sqrt(2/tau)*xi` is a voltage per time), and
//! square roots; [`Dims`] keeps twice each exponent and converts to [`Dim`] for names.

use std::fmt;

use engram_model::Dim;

/// Twice the exponents of m, kg, s and A.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dims(pub [i16; 4]);

impl Dims {
    /// A pure number.
    pub const ONE: Dims = Dims([0; 4]);

    /// The dimension of a model-file quantity.
    pub fn of(d: Dim) -> Dims {
        Dims([2 * d.m as i16, 2 * d.kg as i16, 2 * d.s as i16, 2 * d.a as i16])
    }

    /// Time.
    pub fn time() -> Dims {
        Dims::of(Dim::TIME)
    }

    /// As a [`Dim`], when every exponent is an integer.
    pub fn to_dim(self) -> Option<Dim> {
        let e = self.0;
        if e.iter().any(|x| x % 2 != 0) {
            return None;
        }
        let h = |x: i16| i8::try_from(x / 2).ok();
        Some(Dim::new(h(e[0])?, h(e[1])?, h(e[2])?, h(e[3])?))
    }

    /// The product.
    pub fn times(self, o: Dims) -> Dims {
        Dims(std::array::from_fn(|i| self.0[i] + o.0[i]))
    }

    /// The quotient.
    pub fn per(self, o: Dims) -> Dims {
        Dims(std::array::from_fn(|i| self.0[i] - o.0[i]))
    }

    /// The `p`-th power, when every exponent stays a multiple of 1/2.
    pub fn powf(self, p: f64) -> Option<Dims> {
        let mut out = [0i16; 4];
        for (o, &e) in out.iter_mut().zip(&self.0) {
            let x = e as f64 * p;
            if (x - x.round()).abs() > 1e-9 {
                return None;
            }
            *o = x.round() as i16;
        }
        Some(Dims(out))
    }

    /// Whether this is a pure number.
    pub fn is_one(self) -> bool {
        self == Dims::ONE
    }

    /// The SI unit of this dimension as the equations write it (`volt`, `siemens/meter**2`
    /// is not named: its base-unit exponents are given instead), for `engram check`.
    pub fn unit_name(self) -> String {
        let named = [
            (Dim::ONE, "1"),
            (Dim::TIME, "second"),
            (Dim::FREQUENCY, "hertz"),
            (Dim::VOLTAGE, "volt"),
            (Dim::CURRENT, "amp"),
            (Dim::CONDUCTANCE, "siemens"),
            (Dim::CAPACITANCE, "farad"),
            (Dim::RESISTANCE, "ohm"),
        ];
        match named.iter().find(|(d, _)| Some(*d) == self.to_dim()) {
            Some((_, n)) => n.to_string(),
            None => self.to_string(),
        }
    }

    /// The dimension in words for messages: "a voltage", "a voltage per time",
    /// "a conductance times a time", else the base-unit exponents.
    pub fn describe(self) -> String {
        let named = |d: Dims| d.to_dim().map(Dim::describe).filter(|n| !n.starts_with("a quantity"));
        if let Some(n) = named(self) {
            return n;
        }
        if let Some(n) = named(self.times(Dims::time())) {
            return format!("{n} per time");
        }
        if let Some(n) = named(self.per(Dims::time())) {
            return format!("{n} times a time");
        }
        format!("a quantity of dimension {self}")
    }
}

impl fmt::Display for Dims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = ["m", "kg", "s", "A"]
            .iter()
            .zip(self.0)
            .filter(|(_, e)| *e != 0)
            .map(|(n, e)| match (e % 2 == 0, e / 2) {
                (true, 1) => n.to_string(),
                (true, p) => format!("{n}^{p}"),
                (false, _) => format!("{n}^{e}/2"),
            })
            .collect();
        if parts.is_empty() {
            write!(f, "1")
        } else {
            write!(f, "{}", parts.join("*"))
        }
    }
}
