//! PNG figures of a run: spike raster with population rates, and state traces.
//!
//! Text is rendered with the DejaVu Sans font shipped in `assets/` and compiled in, so
//! plots look the same on every machine and need no system fonts or fontconfig.

use std::error::Error;
use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::npz::{PopulationSpikes, StateTrace};
use crate::IoError;

/// Family name the bundled font is registered under; plotters' default family, so
/// every text style that does not name a font uses it.
pub(crate) const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Size of the raster figure in pixels.
const RASTER_SIZE: (u32, u32) = (1200, 800);
/// Above this many spikes the raster draws only a subsample of neurons: beyond it the
/// dots merge into a solid block and drawing gets slow, while the subsample still
/// shows the population's structure.
const RASTER_MAX_SPIKES: usize = 60_000;
/// Neurons drawn per population when subsampling.
const RASTER_MAX_NEURONS: usize = 500;
/// Width of the state figure; each (population, variable) panel gets this height.
const STATE_WIDTH: u32 = 1200;
const STATE_PANEL_HEIGHT: u32 = 280;
/// Traces with at most this many neurons get a legend naming each neuron.
const MAX_LEGEND_IDS: usize = 12;

/// Space left of the plots for tick labels and the rotated axis name.
const Y_LABEL_AREA: u32 = 80;

/// Population colours in order: the first (conventionally excitatory) blue, the second
/// (inhibitory) red, then the remaining Tableau-10 colours, which stay distinguishable
/// on white and for the common colour-vision deficiencies.
pub(crate) const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

type DrawResult = Result<(), Box<dyn Error>>;

/// Registers the bundled font with plotters exactly once per process.
pub(crate) fn ensure_font(path: &Path) -> Result<(), IoError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok());
    if ok {
        Ok(())
    } else {
        Err(IoError::Plot {
            path: path.to_path_buf(),
            message: "the bundled font DejaVuSans.ttf could not be loaded".to_string(),
        })
    }
}

pub(crate) fn plot_error(path: &Path, e: Box<dyn Error>) -> IoError {
    IoError::Plot { path: path.to_path_buf(), message: e.to_string() }
}

/// Formats an axis tick without a spurious `.0` on whole numbers.
fn tick(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{:.0}", v.round())
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Neurons of a population of `size` drawn when subsampling: at most
/// `RASTER_MAX_NEURONS`, evenly spaced and always including neuron 0.
fn subsample_mask(size: usize) -> Vec<bool> {
    let mut keep = vec![size <= RASTER_MAX_NEURONS; size];
    if size > RASTER_MAX_NEURONS {
        for k in 0..RASTER_MAX_NEURONS {
            keep[k * size / RASTER_MAX_NEURONS] = true;
        }
    }
    keep
}

/// Draws a spike raster with population rates below it as a PNG at `path`.
///
/// Layout (1200 x 800 px): the top 70 % is the raster — time in ms against neuron
/// index, populations stacked in the given order (the first at the bottom), one colour
/// per population and its name beside its band. When there are more than 60,000 spikes
/// in total only up to 500 evenly spaced neurons per population are drawn (neuron
/// indices keep their true positions) and the title says so. The bottom 30 % shows each
/// population's rate in Hz per neuron in bins of `rate_bin_s`
/// ([`engram_analysis::rate_histogram`]), with the mean rate in the legend.
///
/// `path` should end in `.png`: the image encoder picks the format from the extension.
pub fn plot_raster(path: &Path, pops: &[PopulationSpikes], duration_s: f64, rate_bin_s: f64) -> Result<(), IoError> {
    if !(rate_bin_s > 0.0 && rate_bin_s.is_finite()) {
        return Err(IoError::invalid(
            path,
            format!("rate bin width must be a positive number of seconds, got {rate_bin_s}"),
        ));
    }
    for pop in pops {
        pop.validate(path)?;
    }
    ensure_font(path)?;
    draw_raster(path, pops, duration_s, rate_bin_s).map_err(|e| plot_error(path, e))
}

fn draw_raster(path: &Path, pops: &[PopulationSpikes], duration_s: f64, rate_bin_s: f64) -> DrawResult {
    let total_spikes: usize = pops.iter().map(|p| p.times.len()).sum();
    let total_neurons: usize = pops.iter().map(|p| p.size).sum();
    let subsample = total_spikes > RASTER_MAX_SPIKES && pops.iter().any(|p| p.size > RASTER_MAX_NEURONS);
    let x_max = if duration_s > 0.0 && duration_s.is_finite() { duration_s * 1e3 } else { 1.0 };

    let mut title =
        format!("spikes: {total_spikes} from {total_neurons} neurons in {:.0} ms", duration_s.max(0.0) * 1e3);
    if subsample {
        title.push_str(&format!(" (raster: ≤ {RASTER_MAX_NEURONS} evenly spaced neurons per population)"));
    }

    let root = BitMapBackend::new(path, RASTER_SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(&title, (FONT, 24))?;

    // Room right of both plots for the population names beside the raster bands; the
    // rate panel gets the same margin so the two time axes line up.
    let name_style = TextStyle::from((FONT, LABEL_FONT_SIZE).into_font());
    let mut right_margin = 40;
    for pop in pops {
        let (w, _) = root.estimate_text_size(pop.name, &name_style)?;
        right_margin = right_margin.max(w + 28);
    }
    let right_margin = right_margin.min(300);

    let (_, height) = root.dim_in_pixel();
    let (top, bottom) = root.split_vertically((height as f64 * 0.7).round() as i32);
    draw_raster_panel(&top, pops, x_max, subsample, total_spikes, right_margin)?;
    draw_rate_panel(&bottom, pops, duration_s, x_max, rate_bin_s, right_margin)?;
    root.present()?;
    Ok(())
}

/// Font size of population names and legend entries.
const LABEL_FONT_SIZE: u32 = 17;

fn draw_raster_panel(
    area: &DrawingArea<BitMapBackend, Shift>,
    pops: &[PopulationSpikes],
    x_max: f64,
    subsample: bool,
    total_spikes: usize,
    right_margin: u32,
) -> DrawResult {
    let rows = pops.iter().map(|p| p.size).sum::<usize>().max(1);
    // Neuron k sits at y = k with the axis from -0.5, so integer ticks point at
    // neurons and each neuron owns the band k ± 0.5.
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .margin_right(right_margin)
        .x_label_area_size(40)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(0f64..x_max, -0.5f64..rows as f64 - 0.5)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("time (ms)")
        .y_desc("neuron index")
        .x_label_formatter(&tick)
        .y_label_formatter(&|y| {
            // Half-integer ticks would name no neuron.
            if (y - y.round()).abs() < 1e-9 {
                tick(y)
            } else {
                String::new()
            }
        })
        .y_labels(rows.min(10) + 1)
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 18))
        .draw()?;

    // Marker size follows the space per neuron row, so a small network shows short
    // bars and a large one single pixels instead of an overlapping smear.
    let (_, plot_h) = chart.plotting_area().dim_in_pixel();
    // The bitmap backend fills rectangles with an exclusive lower-right corner, so a
    // marker spans `width` columns and `2 * half_h + 1` rows: never less than a pixel.
    let half_h = ((plot_h as f64 / rows as f64) * 0.35).round().clamp(0.0, 6.0) as i32;
    let width = if total_spikes <= 20_000 { 2 } else { 1 };

    let (ax, ay) = area.get_base_pixel();
    let mut offset = 0usize;
    for (i, pop) in pops.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let keep = if subsample { subsample_mask(pop.size) } else { vec![true; pop.size] };
        let base = offset as f64;
        chart.draw_series(pop.times.iter().zip(pop.ids).filter(|(_, &id)| keep[id as usize]).map(|(&t, &id)| {
            EmptyElement::at((t * 1e3, base + id as f64))
                + Rectangle::new([(0, -half_h), (width, half_h + 1)], colour.filled())
        }))?;
        if offset > 0 && pop.size > 0 {
            chart.draw_series(LineSeries::new([(0.0, base - 0.5), (x_max, base - 0.5)], BLACK.mix(0.3)))?;
        }
        if pop.size > 0 {
            // Name beside the band, in the band's colour, instead of a legend box that
            // would hide spikes.
            let mid = base + (pop.size as f64 - 1.0) / 2.0;
            let (px, py) = chart.backend_coord(&(x_max, mid));
            let style = TextStyle::from((FONT, LABEL_FONT_SIZE).into_font())
                .color(&colour)
                .pos(Pos::new(HPos::Left, VPos::Center));
            area.draw_text(pop.name, &style, (px - ax + 10, py - ay))?;
        }
        offset += pop.size;
    }
    Ok(())
}

fn draw_rate_panel(
    area: &DrawingArea<BitMapBackend, Shift>,
    pops: &[PopulationSpikes],
    duration_s: f64,
    x_max: f64,
    rate_bin_s: f64,
    right_margin: u32,
) -> DrawResult {
    let histograms: Vec<(Vec<f64>, Vec<f64>)> =
        pops.iter().map(|p| engram_analysis::rate_histogram(p.times, p.recorded, duration_s, rate_bin_s)).collect();
    let peak = histograms.iter().flat_map(|(_, r)| r.iter().copied()).filter(|r| r.is_finite()).fold(0.0f64, f64::max);
    let y_max = if peak > 0.0 { peak * 1.1 } else { 1.0 };

    // Legend as a row of entries above the panel rather than a box inside it, where it
    // would cover the rate curves.
    let entries: Vec<(String, RGBColor)> = pops
        .iter()
        .enumerate()
        .map(|(i, pop)| {
            let mean = engram_analysis::mean_rate(pop.times.len(), pop.recorded, duration_s);
            let label = if mean.is_finite() {
                format!("{}: mean {mean:.2} Hz", pop.name)
            } else {
                format!("{}: no neurons", pop.name)
            };
            (label, PALETTE[i % PALETTE.len()])
        })
        .collect();
    let plot = legend_row(area, &entries, right_margin)?;

    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .margin_top(4)
        .margin_right(right_margin)
        .x_label_area_size(40)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(0f64..x_max, 0f64..y_max)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .x_desc("time (ms)")
        .y_desc("rate (Hz)")
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .y_labels(5)
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 18))
        .draw()?;

    for (i, (edges, rates)) in histograms.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        // Steps rather than a polyline through bin centres: each bin is a count over
        // an interval, and steps show exactly that interval.
        let steps = edges.iter().zip(rates).filter(|(_, r)| r.is_finite()).flat_map(|(&left, &r)| {
            let right = (left + rate_bin_s).min(duration_s);
            [(left * 1e3, r), (right * 1e3, r)]
        });
        draw_polyline(&chart, steps, colour, 2)?;
    }
    Ok(())
}

/// Draws the polyline through `points` (data coordinates) `width` pixels wide.
///
/// Plotters strokes a path wider than 1 px by filling one polygon around all of it;
/// a trace of thousands of samples, several per pixel column, folds that polygon over
/// itself, and the fill leaves holes and fills loops, so the line looks dashed (issue
/// 25). Here the path is mapped to pixels once and drawn as 1 px segments, which
/// plotters rasterises segment by segment without gaps, `width²` times shifted by
/// whole pixels: a square brush.
pub(crate) fn draw_polyline(
    chart: &ChartContext<BitMapBackend, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    points: impl IntoIterator<Item = (f64, f64)>,
    colour: RGBColor,
    width: u32,
) -> DrawResult {
    let area = chart.plotting_area().strip_coord_spec();
    let (x0, y0) = area.get_base_pixel();
    let mut pixels: Vec<(i32, i32)> = Vec::new();
    for p in points {
        let (x, y) = chart.backend_coord(&p);
        let q = (x - x0, y - y0);
        // Samples that land on the same pixel as the one before add nothing.
        if pixels.last() != Some(&q) {
            pixels.push(q);
        }
    }
    let lo = -((width as i32 - 1) / 2);
    for dx in lo..lo + width as i32 {
        for dy in lo..lo + width as i32 {
            let shifted = pixels.iter().map(|&(x, y)| (x + dx, y + dy)).collect::<Vec<_>>();
            area.draw(&PathElement::new(shifted, colour.stroke_width(1)))?;
        }
    }
    Ok(())
}

/// Draws `entries` (label, colour) as a row of line swatches with labels along the top of
/// `area`, aligned with the plot's left edge and wrapping before `right_margin`, and
/// returns the area below it for the chart. A legend box inside the plot would hide
/// data wherever it is placed.
fn legend_row<'a>(
    area: &DrawingArea<BitMapBackend<'a>, Shift>,
    entries: &[(String, RGBColor)],
    right_margin: u32,
) -> Result<DrawingArea<BitMapBackend<'a>, Shift>, Box<dyn Error>> {
    const SWATCH: i32 = 22;
    const ROW_H: i32 = 22;
    if entries.is_empty() {
        return Ok(area.clone());
    }
    let style = TextStyle::from((FONT, LABEL_FONT_SIZE).into_font());
    let (width, _) = area.dim_in_pixel();
    let (left, right) = (10 + Y_LABEL_AREA as i32, width as i32 - right_margin as i32);
    let mut positions = Vec::with_capacity(entries.len());
    let (mut x, mut y) = (left, ROW_H / 2 + 4);
    for (label, _) in entries {
        let (w, _) = area.estimate_text_size(label, &style)?;
        let entry = SWATCH + 6 + w as i32;
        if x > left && x + entry > right {
            x = left;
            y += ROW_H;
        }
        positions.push((x, y));
        x += entry + 28;
    }
    let (legend, rest) = area.split_vertically(y + ROW_H / 2);
    for ((label, colour), &(x, y)) in entries.iter().zip(&positions) {
        legend.draw(&PathElement::new([(x, y), (x + SWATCH, y)], colour.stroke_width(3)))?;
        let text = style.color(colour).pos(Pos::new(HPos::Left, VPos::Center));
        legend.draw_text(label, &text, (x + SWATCH + 6, y))?;
    }
    Ok(rest)
}

/// Display unit and factor from SI for a unit symbol: membrane potentials read best in
/// mV, synaptic currents in pA and conductances in nS; anything else stays in SI.
fn display_unit(unit: &str) -> (&str, f64) {
    match unit {
        "V" => ("mV", 1e3),
        "A" => ("pA", 1e12),
        "S" => ("nS", 1e9),
        other => (other, 1.0),
    }
}

/// Draws recorded state traces as a PNG at `path`.
///
/// One panel per trace (population, variable), stacked vertically, 280 px each and
/// 1200 px wide; one line per recorded neuron (legend when at most 12). The x axis is
/// time in ms; values are shown in V → mV, A → pA, S → nS, any other unit as given.
/// With no traces the image says that nothing was recorded.
pub fn plot_state(path: &Path, traces: &[StateTrace]) -> Result<(), IoError> {
    for trace in traces {
        trace.validate(path)?;
    }
    ensure_font(path)?;
    draw_state(path, traces).map_err(|e| plot_error(path, e))
}

fn draw_state(path: &Path, traces: &[StateTrace]) -> DrawResult {
    let height = (40 + STATE_PANEL_HEIGHT * traces.len() as u32).max(300);
    let root = BitMapBackend::new(path, (STATE_WIDTH, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled("recorded state", (FONT, 24))?;
    if traces.is_empty() {
        let (w, h) = root.dim_in_pixel();
        let grey = BLACK.mix(0.6);
        let style = TextStyle::from((FONT, 20).into_font()).color(&grey).pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text("no state variables were recorded", &style, (w as i32 / 2, h as i32 / 2))?;
    }
    for (trace, panel) in traces.iter().zip(root.split_evenly((traces.len().max(1), 1))) {
        draw_state_panel(&panel, trace)?;
    }
    root.present()?;
    Ok(())
}

/// `lo..hi` widened by 5 % (or by 1 when empty or flat), so lines do not sit on the
/// frame and a constant trace still gets a usable axis.
fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        (0.0, 1.0)
    } else if hi > lo {
        let pad = 0.05 * (hi - lo);
        (lo - pad, hi + pad)
    } else {
        (lo - 1.0, hi + 1.0)
    }
}

fn draw_state_panel(area: &DrawingArea<BitMapBackend, Shift>, trace: &StateTrace) -> DrawResult {
    let (unit, factor) = display_unit(&trace.unit);
    let n_ids = trace.ids.len();
    let (t_lo, t_hi) =
        trace.times.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &t| (lo.min(t * 1e3), hi.max(t * 1e3)));
    let (t_lo, t_hi) = if t_hi > t_lo { (t_lo, t_hi) } else { padded(t_lo, t_hi) };
    let (v_lo, v_hi) = trace
        .values
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v * factor), hi.max(v * factor)));
    let (v_lo, v_hi) = padded(v_lo, v_hi);

    let y_desc = if unit.is_empty() || unit == "1" { trace.var.clone() } else { format!("{} ({unit})", trace.var) };
    // Caption, then the neuron legend (small recordings only: a legend of hundreds of
    // ids says nothing), then the chart.
    let caption = format!("{} · {}", trace.population, trace.var);
    let caption_style = TextStyle::from((FONT, 18).into_font()).pos(Pos::new(HPos::Left, VPos::Top));
    area.draw_text(&caption, &caption_style, (10 + Y_LABEL_AREA as i32, 6))?;
    let (_, caption_h) = area.estimate_text_size(&caption, &caption_style)?;
    let (_, area) = area.split_vertically(caption_h as i32 + 8);
    let entries: Vec<(String, RGBColor)> = if n_ids <= MAX_LEGEND_IDS {
        trace.ids.iter().enumerate().map(|(col, id)| (format!("neuron {id}"), PALETTE[col % PALETTE.len()])).collect()
    } else {
        Vec::new()
    };
    let area = legend_row(&area, &entries, 30)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(10)
        .margin_top(4)
        .margin_right(30)
        .x_label_area_size(40)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(t_lo..t_hi, v_lo..v_hi)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .x_desc("time (ms)")
        .y_desc(y_desc)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .y_labels(6)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()?;

    for col in 0..n_ids {
        let colour = PALETTE[col % PALETTE.len()];
        let points = trace.times.iter().enumerate().filter_map(|(row, &t)| {
            let v = trace.values[row * n_ids + col];
            v.is_finite().then_some((t * 1e3, v * factor))
        });
        // Thin lines only when many neurons overlap; a few read better thicker.
        let stroke = if n_ids <= MAX_LEGEND_IDS { 2 } else { 1 };
        draw_polyline(&chart, points, colour, stroke)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsample_is_even_and_bounded() {
        assert_eq!(subsample_mask(3), vec![true; 3]);
        let keep = subsample_mask(1000);
        assert_eq!(keep.iter().filter(|&&k| k).count(), 500);
        // Every other neuron of 1000, starting at 0.
        assert!(keep.iter().step_by(2).all(|&k| k));
        let keep = subsample_mask(501);
        assert_eq!(keep.iter().filter(|&&k| k).count(), 500);
    }

    /// Draws a LIF-like sawtooth (rise from -60 to -50 over 40 ms, reset; 10,000
    /// samples, ~25 per pixel column) with `draw` on a 400 × 200 px canvas and returns,
    /// per pixel column, the rows of the line's colour.
    fn sawtooth_columns(
        draw: impl Fn(&ChartContext<BitMapBackend, Cartesian2d<RangedCoordf64, RangedCoordf64>>, Vec<(f64, f64)>),
    ) -> Vec<Vec<usize>> {
        let (w, h) = (400usize, 200usize);
        let mut buf = vec![255u8; w * h * 3];
        {
            let root = BitMapBackend::with_buffer(&mut buf, (w as u32, h as u32)).into_drawing_area();
            let chart = ChartBuilder::on(&root).margin(20).build_cartesian_2d(0.0..1000.0, -62.0..-48.0).unwrap();
            let points = (0..10_000).map(|k| (k as f64 * 0.1, -60.0 + 10.0 * ((k % 400) as f64 / 400.0))).collect();
            draw(&chart, points);
            root.present().unwrap();
        }
        let c = PALETTE[0];
        (0..w).map(|x| (0..h).filter(|&y| buf[(y * w + x) * 3..][..3] == [c.0, c.1, c.2]).collect()).collect()
    }

    #[test]
    fn polyline_is_continuous_issue_25() {
        // Issue 25, item 12: state.png's lines looked dashed. Every pixel column the
        // trace crosses holds one unbroken run of its colour, and a reset column spans
        // the whole jump: no gaps along the line, no holes across it.
        let columns = sawtooth_columns(|chart, points| draw_polyline(chart, points, PALETTE[0], 2).unwrap());
        let drawn: Vec<(usize, &Vec<usize>)> = columns.iter().enumerate().filter(|(_, c)| !c.is_empty()).collect();
        let (first, last) = (drawn[0].0, drawn[drawn.len() - 1].0);
        assert!(last - first > 300, "the trace spans the plot: columns {first}..{last}");
        assert_eq!(drawn.len(), last - first + 1, "a column without the line");
        for (x, rows) in drawn {
            assert_eq!(rows.len(), rows[rows.len() - 1] - rows[0] + 1, "column {x} has a hole: {rows:?}");
        }
        // 160 px (200 less the margins) for 14 mV: a reset column covers the 10 mV jump,
        // ~114 px.
        assert!(columns.iter().any(|rows| rows.len() > 100), "a reset is drawn as one vertical stroke");
    }

    #[test]
    fn display_units() {
        assert_eq!(display_unit("V"), ("mV", 1e3));
        assert_eq!(display_unit("A"), ("pA", 1e12));
        assert_eq!(display_unit("S"), ("nS", 1e9));
        assert_eq!(display_unit("Hz"), ("Hz", 1.0));
    }

    #[test]
    fn ticks_drop_trailing_zeros() {
        assert_eq!(tick(&200.0), "200");
        assert_eq!(tick(&0.5), "0.5");
        assert_eq!(tick(&-65.25), "-65.25");
    }
}
