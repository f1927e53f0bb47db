use engram_reservoir::*;
use std::time::Instant;
fn main() {
    for seed in 1..=5 {
        let w = sparse::Csr::random_normal(
            2000,
            2000,
            0.1,
            sparse::DegreeRule::FixedTotalNumber,
            &mut rng::stream(seed, rng::Part::Recurrent, 0),
        );
        let t = Instant::now();
        let s = spectral::spectral_radius(&w, seed);
        eprintln!("seed {seed} radius {:?} {:?}", t.elapsed(), s);
    }
}
