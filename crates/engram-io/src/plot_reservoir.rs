//! PNG figures of `engram reservoir`: prediction against truth, a memory curve, and
//! the heat map of a hyper-parameter sweep.

use std::path::Path;

use plotters::prelude::*;

use crate::plot::{ensure_font, plot_error, FONT, PALETTE};
use crate::IoError;

/// Draws the truth (black) and the prediction (blue) of each of `dim` interleaved
/// channels against the step, one panel per channel, at `path` (1200 × 320 px per panel).
pub fn plot_prediction(path: &Path, title: &str, truth: &[f64], prediction: &[f64], dim: usize) -> Result<(), IoError> {
    if truth.len() != prediction.len() || dim == 0 || !truth.len().is_multiple_of(dim) {
        return Err(IoError::invalid(path, "truth and prediction must have the same whole number of steps"));
    }
    ensure_font(path)?;
    let steps = truth.len() / dim;
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root = BitMapBackend::new(path, (1200, 320 * dim as u32 + 40)).into_drawing_area();
        root.fill(&WHITE)?;
        let (top, body) = root.split_vertically(40);
        top.titled(title, (FONT, 22))?;
        for (d, panel) in body.split_evenly((dim, 1)).iter().enumerate() {
            let channel = |v: &[f64]| v.iter().skip(d).step_by(dim).copied().collect::<Vec<f64>>();
            let (t, p) = (channel(truth), channel(prediction));
            let finite = t.iter().chain(&p).filter(|v| v.is_finite());
            let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(*v), h.max(*v)));
            let (lo, hi) = if lo < hi { (lo, hi) } else { (lo - 1.0, lo + 1.0) };
            let pad = 0.05 * (hi - lo);
            let mut chart = ChartBuilder::on(panel)
                .margin(10)
                .x_label_area_size(35)
                .y_label_area_size(70)
                .build_cartesian_2d(0f64..steps as f64, (lo - pad)..(hi + pad))?;
            let y_desc = if dim > 1 { format!("channel {d}") } else { "value".to_string() };
            chart.configure_mesh().x_desc("test step").y_desc(y_desc).draw()?;
            chart
                .draw_series(LineSeries::new(t.iter().enumerate().map(|(i, v)| (i as f64, *v)), BLACK.stroke_width(2)))?
                .label("truth")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(2)));
            let blue = PALETTE[0];
            let pred = p.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, v)| (i as f64, *v));
            chart
                .draw_series(LineSeries::new(pred, blue.stroke_width(1)))?
                .label("prediction")
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], blue.stroke_width(2)));
            chart.configure_series_labels().background_style(WHITE.mix(0.8)).border_style(BLACK).draw()?;
        }
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| plot_error(path, e))
}

/// Draws `values[k]` against `k + 1` (a memory curve: squared correlation per delay).
pub fn plot_curve(path: &Path, title: &str, x_label: &str, y_label: &str, values: &[f64]) -> Result<(), IoError> {
    ensure_font(path)?;
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root = BitMapBackend::new(path, (1000, 500)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 22))
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..values.len() as f64 + 1.0, 0f64..1.05)?;
        chart.configure_mesh().x_desc(x_label).y_desc(y_label).draw()?;
        let pts = values.iter().enumerate().map(|(k, v)| (k as f64 + 1.0, *v));
        chart.draw_series(LineSeries::new(pts, PALETTE[0].stroke_width(2)))?;
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| plot_error(path, e))
}

/// Draws a `ys.len() × xs.len()` grid of scores (row-major, `values[j * xs.len() + i]`
/// at `(xs[i], ys[j])`) as a heat map with each cell's value written in it; darker is
/// better, where better is lower unless `higher_is_better`.
pub fn plot_heatmap(
    path: &Path,
    title: &str,
    (x_label, xs): (&str, &[f64]),
    (y_label, ys): (&str, &[f64]),
    values: &[f64],
    higher_is_better: bool,
) -> Result<(), IoError> {
    if values.len() != xs.len() * ys.len() || values.is_empty() {
        return Err(IoError::invalid(path, "the values do not fill the grid"));
    }
    ensure_font(path)?;
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (lo, hi) = finite.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(*v), h.max(*v)));
    let shade = |v: f64| -> RGBColor {
        if !v.is_finite() {
            return RGBColor(200, 200, 200);
        }
        let mut q = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
        if !higher_is_better {
            q = 1.0 - q;
        }
        // White (worst) to dark blue (best).
        let mix = |c: u8| (255.0 - q * (255.0 - c as f64)) as u8;
        RGBColor(mix(8), mix(48), mix(107))
    };
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root = BitMapBackend::new(path, (900, 700)).into_drawing_area();
        root.fill(&WHITE)?;
        let (nx, ny) = (xs.len(), ys.len());
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 22))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..nx as f64, 0f64..ny as f64)?;
        let fmt = |axis: &[f64], v: f64| {
            let i = v.floor() as usize;
            if (v - i as f64 - 0.5).abs() < 1e-9 && i < axis.len() {
                format!("{}", axis[i])
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(2 * nx + 1)
            .y_labels(2 * ny + 1)
            .x_label_formatter(&|v| fmt(xs, *v))
            .y_label_formatter(&|v| fmt(ys, *v))
            .x_desc(x_label)
            .y_desc(y_label)
            .draw()?;
        for j in 0..ny {
            for i in 0..nx {
                let v = values[j * nx + i];
                let cell = [(i as f64, j as f64), (i as f64 + 1.0, j as f64 + 1.0)];
                chart.draw_series(std::iter::once(Rectangle::new(cell, shade(v).filled())))?;
                let q = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                let dark = if higher_is_better { q > 0.5 } else { q < 0.5 };
                let colour = if dark { WHITE } else { BLACK };
                let style = TextStyle::from((FONT, 16).into_font()).color(&colour);
                chart.draw_series(std::iter::once(Text::new(
                    format!("{v:.3}"),
                    (i as f64 + 0.3, j as f64 + 0.55),
                    style,
                )))?;
            }
        }
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| plot_error(path, e))
}

/// One population's rate curve for [`plot_rates`]: its name, its mean rate per window
/// (Hz) and its target rate (Hz).
pub type RateCurve<'a> = (&'a str, &'a [f64], f64);

/// Draws each population's mean rate per window of `window_s` seconds against time,
/// with its target rate as a dashed line of the same colour, at `path`: how an adaptive
/// rule brings a liquid's rates to their targets.
pub fn plot_rates(path: &Path, title: &str, window_s: f64, curves: &[RateCurve<'_>]) -> Result<(), IoError> {
    ensure_font(path)?;
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root = BitMapBackend::new(path, (1000, 500)).into_drawing_area();
        root.fill(&WHITE)?;
        let windows = curves.iter().map(|c| c.1.len()).max().unwrap_or(0).max(1);
        let top = curves
            .iter()
            .flat_map(|c| c.1.iter().copied().chain([c.2]))
            .filter(|v| v.is_finite())
            .fold(1.0f64, f64::max);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 22))
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..windows as f64 * window_s, 0f64..top * 1.05)?;
        chart.configure_mesh().x_desc("time (s)").y_desc("mean rate (Hz)").draw()?;
        for (k, (name, rates, target)) in curves.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let pts = rates.iter().enumerate().map(|(i, v)| ((i as f64 + 0.5) * window_s, *v));
            chart
                .draw_series(LineSeries::new(pts, colour.stroke_width(2)))?
                .label(format!("{name} (target {target} Hz)"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
            let end = windows as f64 * window_s;
            chart.draw_series(DashedLineSeries::new([(0.0, *target), (end, *target)], 8, 6, colour.stroke_width(1)))?;
        }
        chart.configure_series_labels().background_style(WHITE.mix(0.8)).border_style(BLACK).draw()?;
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| plot_error(path, e))
}
