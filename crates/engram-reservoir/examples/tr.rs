use engram_reservoir::ridge::*;
use faer::{Mat, MatRef};
use std::time::Instant;
fn main() {
    let (n, t) = (2000, 9900);
    let states: Vec<f64> = (0..n * t).map(|i| ((i as f64) * 0.618).sin()).collect();
    let y: Vec<f64> = (0..t).map(|i| (i as f64 * 0.1).cos()).collect();
    let s = MatRef::from_column_major_slice(&states, n, t);
    let ym = MatRef::from_row_major_slice(&y, t, 1);
    for _ in 0..3 {
        let t0 = Instant::now();
        let m = Moments::of(s, ym);
        let t1 = Instant::now();
        let r = Ridge::from_moments(&m, 1e-6);
        let t2 = Instant::now();
        eprintln!("moments {:?} solve {:?} {}", t1 - t0, t2 - t1, r.weights[(0, 0)]);
    }
    let _ = Mat::<f64>::zeros(1, 1);
}
