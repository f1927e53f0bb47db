//! PNG figures of an analysis: histograms of per-neuron statistics, a correlation
//! matrix heat map, and the components of a tensor factorisation. Same bundled font and palette as [`crate::plot`].

use std::path::Path;

use plotters::prelude::*;

use crate::plot::{ensure_font, plot_error, FONT, PALETTE};
use crate::IoError;

/// Size of each analysis figure in pixels.
const SIZE: (u32, u32) = (900, 600);

/// One series of a histogram: a label (population name) and its values.
#[derive(Clone, Copy, Debug)]
pub struct Series<'a> {
    /// Legend label.
    pub label: &'a str,
    /// Values; non-finite ones are skipped.
    pub values: &'a [f64],
}

/// Draws histograms of `series` over `bins` equal bins spanning the finite values, one
/// outlined histogram per series in the population palette, as a PNG at `path`. Counts
/// are normalised to fractions of each series so populations of different sizes
/// compare. An empty figure with the title is drawn when no value is finite.
pub fn plot_histograms(path: &Path, title: &str, x_label: &str, series: &[Series], bins: usize) -> Result<(), IoError> {
    plot_fraction_histograms(path, title, x_label, "fraction of neurons", series, bins)
}

/// [`plot_histograms`] with the y axis labelled `y_label` ("fraction of synapses").
pub fn plot_fraction_histograms(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    bins: usize,
) -> Result<(), IoError> {
    ensure_font(path)?;
    let finite = || series.iter().flat_map(|s| s.values.iter().copied().filter(|v| v.is_finite()));
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() { (lo, if hi > lo { hi } else { lo + 1.0 }) } else { (0.0, 1.0) };
    let bins = bins.max(1);
    let width = (hi - lo) / bins as f64;
    let fractions: Vec<Vec<f64>> = series
        .iter()
        .map(|s| {
            let mut counts = vec![0.0; bins];
            let mut n = 0.0;
            for &v in s.values.iter().filter(|v| v.is_finite()) {
                counts[(((v - lo) / width) as usize).min(bins - 1)] += 1.0;
                n += 1.0;
            }
            counts.iter().map(|c| if n > 0.0 { c / n } else { 0.0 }).collect()
        })
        .collect();
    let y_max = fractions.iter().flatten().fold(0.0f64, |m, &v| m.max(v)).max(1e-3) * 1.1;
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root = BitMapBackend::new(path, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 24))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(lo..hi, 0.0..y_max)?;
        chart.configure_mesh().x_desc(x_label).y_desc(y_label).disable_mesh().draw()?;
        for (k, (s, f)) in series.iter().zip(&fractions).enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            // A step outline, so overlapping populations stay readable.
            let mut outline = vec![(lo, 0.0)];
            for (b, &v) in f.iter().enumerate() {
                outline.push((lo + b as f64 * width, v));
                outline.push((lo + (b + 1) as f64 * width, v));
            }
            outline.push((hi, 0.0));
            chart
                .draw_series(LineSeries::new(outline, colour.stroke_width(2)))?
                .label(s.label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
        }
        chart.configure_series_labels().background_style(WHITE.mix(0.8)).border_style(BLACK).draw()?;
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| plot_error(path, e))
}

/// Draws the `n × n` row-major matrix `values` (correlations in [-1, 1]) as a heat map at
/// `path`: blue negative, white 0, red positive, grey for NaN. Above 300 rows every
/// `⌈n/300⌉`-th neuron is drawn so pixels stay at least about one cell.
pub fn plot_matrix(path: &Path, title: &str, n: usize, values: &[f64]) -> Result<(), IoError> {
    if values.len() != n * n {
        return Err(IoError::invalid(path, format!("{} values do not fill a {n} x {n} matrix", values.len())));
    }
    ensure_font(path)?;
    let step = n.div_ceil(300).max(1);
    let shown: Vec<usize> = (0..n).step_by(step).collect();
    let m = shown.len();
    let title = if step > 1 { format!("{title} (every {step}th shown)") } else { title.to_string() };
    let colour = |v: f64| -> RGBColor {
        if !v.is_finite() {
            return RGBColor(200, 200, 200);
        }
        let a = v.clamp(-1.0, 1.0).abs();
        let fade = |c: u8| (255.0 - a * (255.0 - c as f64)) as u8;
        if v >= 0.0 {
            RGBColor(fade(178), fade(24), fade(43))
        } else {
            RGBColor(fade(33), fade(102), fade(172))
        }
    };
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root = BitMapBackend::new(path, (760, 700)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&title, (FONT, 22))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(0..m, 0..m)?;
        chart.configure_mesh().disable_mesh().x_desc("neuron (rank)").y_desc("neuron (rank)").draw()?;
        chart.draw_series(shown.iter().enumerate().flat_map(|(a, &i)| {
            shown.iter().enumerate().map(move |(b, &j)| {
                // The diagonal (always 1) would dominate the colour scale's meaning.
                let v = if i == j { 0.0 } else { values[i * n + j] };
                Rectangle::new([(b, a), (b + 1, a + 1)], colour(v).filled())
            })
        }))?;
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| plot_error(path, e))
}

/// One component of a tensor factorisation: neuron loadings and activation over time.
#[derive(Clone, Copy, Debug)]
pub struct Component<'a> {
    /// Weight (`λ`) of the component.
    pub weight: f64,
    /// Spatial factor, one value per neuron.
    pub spatial: &'a [f64],
    /// Temporal factor, one value per window.
    pub temporal: &'a [f64],
}

/// Draws tensor-factorisation components at `path`, one row per component: neuron
/// loadings on the left, activation against window centre time (`window_times_s`) on the
/// right.
pub fn plot_components(
    path: &Path,
    title: &str,
    components: &[Component],
    window_times_s: &[f64],
) -> Result<(), IoError> {
    if components.iter().any(|c| c.temporal.len() != window_times_s.len()) {
        return Err(IoError::invalid(path, "every temporal factor needs one value per window time"));
    }
    ensure_font(path)?;
    let rows = components.len().max(1) as u32;
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root = BitMapBackend::new(path, (1000, 60 + 220 * rows)).into_drawing_area();
        root.fill(&WHITE)?;
        let root = root.titled(title, (FONT, 22))?;
        let panels = root.split_evenly((components.len().max(1), 2));
        for (r, c) in components.iter().enumerate() {
            let colour = PALETTE[r % PALETTE.len()];
            let top = |v: &[f64]| v.iter().fold(0.0f64, |m, &x| m.max(x)).max(1e-12) * 1.05;
            let n = c.spatial.len().max(1);
            let mut left = ChartBuilder::on(&panels[2 * r])
                .caption(format!("component {} (λ = {:.3}): neurons", r + 1, c.weight), (FONT, 16))
                .margin(8)
                .x_label_area_size(30)
                .y_label_area_size(50)
                .build_cartesian_2d(0..n, 0.0..top(c.spatial))?;
            left.configure_mesh().disable_mesh().x_desc("neuron (rank)").draw()?;
            left.draw_series(
                c.spatial.iter().enumerate().map(|(i, &v)| Rectangle::new([(i, 0.0), (i + 1, v)], colour.filled())),
            )?;
            let (t0, t1) =
                (window_times_s.first().copied().unwrap_or(0.0), window_times_s.last().copied().unwrap_or(1.0));
            let t1 = if t1 > t0 { t1 } else { t0 + 1.0 };
            let mut right = ChartBuilder::on(&panels[2 * r + 1])
                .caption("activation over time", (FONT, 16))
                .margin(8)
                .x_label_area_size(30)
                .y_label_area_size(50)
                .build_cartesian_2d(t0..t1, 0.0..top(c.temporal))?;
            right.configure_mesh().disable_mesh().x_desc("window centre (s)").draw()?;
            right.draw_series(LineSeries::new(
                window_times_s.iter().copied().zip(c.temporal.iter().copied()),
                colour.stroke_width(2),
            ))?;
        }
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| plot_error(path, e))
}
