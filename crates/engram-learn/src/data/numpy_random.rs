//! NumPy's legacy `RandomState` (MT19937), bit for bit, for the draws the mnist1d
//! generator makes: `seed(int)`, `rand()`, `randn()`, `choice(n)` and
//! `permutation(n)`.
//!
//! MT19937 is Matsumoto & Nishimura 1998 with `init_genrand`; the float, Gaussian
//! (polar Box–Muller with one cached value), bounded-integer (masked rejection) and
//! shuffle (Fisher–Yates from the end) algorithms are NumPy's `legacy` ones
//! (`numpy/random/src/legacy/legacy-distributions.c`, `distributions.c`, `mtrand.pyx`).

const N: usize = 624;
const M: usize = 397;

/// NumPy's `np.random.RandomState`.
pub struct RandomState {
    mt: [u32; N],
    index: usize,
    cached_gauss: Option<f64>,
}

impl RandomState {
    /// `np.random.seed(seed)`.
    pub fn new(seed: u32) -> RandomState {
        let mut mt = [0u32; N];
        mt[0] = seed;
        for i in 1..N {
            mt[i] = 1812433253u32.wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_add(i as u32);
        }
        RandomState { mt, index: N, cached_gauss: None }
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            for i in 0..N {
                let y = (self.mt[i] & 0x8000_0000) | (self.mt[(i + 1) % N] & 0x7fff_ffff);
                let mut v = self.mt[(i + M) % N] ^ (y >> 1);
                if y & 1 == 1 {
                    v ^= 0x9908_b0df;
                }
                self.mt[i] = v;
            }
            self.index = 0;
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `rand()`: a double in [0, 1) from 53 random bits.
    pub fn rand(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67108864.0 + b) / 9007199254740992.0
    }

    /// `randn()`: a standard normal (legacy polar method).
    pub fn randn(&mut self) -> f64 {
        if let Some(g) = self.cached_gauss.take() {
            return g;
        }
        loop {
            let x1 = 2.0 * self.rand() - 1.0;
            let x2 = 2.0 * self.rand() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.cached_gauss = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// `choice(n)` = `randint(0, n)`: masked rejection on 32-bit draws.
    pub fn choice(&mut self, n: u32) -> u32 {
        let max = n - 1;
        if max == 0 {
            return 0;
        }
        let mask = smear(max);
        loop {
            let v = self.next_u32() & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// `permutation(n)`: a shuffled `0..n`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let mask = smear(i as u32);
            let j = loop {
                let x = self.next_u32() & mask;
                if x as usize <= i {
                    break x as usize;
                }
            };
            v.swap(i, j);
        }
        v
    }
}

/// The smallest all-ones mask covering `x`.
fn smear(mut x: u32) -> u32 {
    x |= x >> 1;
    x |= x >> 2;
    x |= x >> 4;
    x |= x >> 8;
    x |= x >> 16;
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `np.random.seed(42); np.random.rand()`, `randn()` and `randint(0, 48)` (NumPy 1.26/2.x).
    #[test]
    fn first_draws_match_numpy() {
        let mut r = RandomState::new(42);
        assert_eq!(r.rand(), 0.3745401188473625);
        assert_eq!(r.rand(), 0.9507143064099162);
        let mut r = RandomState::new(42);
        assert_eq!(r.randn(), 0.4967141530112327);
        assert_eq!(r.randn(), -0.13826430117118466);
        let mut r = RandomState::new(42);
        assert_eq!(r.choice(48), 38);
        let mut r = RandomState::new(42);
        assert_eq!(r.permutation(10), vec![8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
    }
}
