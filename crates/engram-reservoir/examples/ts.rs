use engram_reservoir::ridge::*;
use faer::Mat;
use std::time::Instant;
fn main() {
    let n = 2000;
    let b = Mat::<f64>::from_fn(n, 3 * n, |i, j| ((i * 7 + j * 13) as f64 * 0.618).sin());
    let xx = &b * b.transpose();
    let m =
        Moments { xx, xy: Mat::from_fn(n, 1, |i, _| i as f64), sum_x: vec![1.0; n], sum_y: vec![1.0], count: 3 * n };
    for _ in 0..5 {
        let t = Instant::now();
        let r = Ridge::from_moments(&m, 1e-6);
        eprintln!("solve {:?} {}", t.elapsed(), r.weights[(0, 0)]);
    }
}
