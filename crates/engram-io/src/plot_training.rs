//! The learning curve of `engram train`: loss and accuracy per epoch.

use std::path::Path;

use plotters::prelude::*;

use crate::plot::{ensure_font, plot_error, FONT, PALETTE};
use crate::IoError;

/// Per-epoch values of a training run (all the same length).
#[derive(Clone, Copy, Debug)]
pub struct Curves<'a> {
    /// Mean training loss.
    pub loss: &'a [f64],
    /// Accuracy on the training batches.
    pub train_accuracy: &'a [f64],
    /// Accuracy on the test set.
    pub test_accuracy: &'a [f64],
}

/// Draws the loss (left) and the train/test accuracy (right) against the epoch at `path`.
pub fn plot_training(path: &Path, title: &str, curves: Curves) -> Result<(), IoError> {
    let n = curves.loss.len();
    if curves.train_accuracy.len() != n || curves.test_accuracy.len() != n {
        return Err(IoError::invalid(path, "every curve needs one value per epoch"));
    }
    ensure_font(path)?;
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root = BitMapBackend::new(path, (1200, 480)).into_drawing_area();
        root.fill(&WHITE)?;
        let root = root.titled(title, (FONT, 22))?;
        let panels = root.split_evenly((1, 2));
        let epochs =
            |v: &[f64]| -> Vec<(f64, f64)> { v.iter().enumerate().map(|(e, &y)| ((e + 1) as f64, y)).collect() };
        let x_max = (n as f64).max(2.0);
        let finite = curves.loss.iter().copied().filter(|v| v.is_finite());
        let loss_max = finite.fold(0.0f64, f64::max).max(1e-9) * 1.05;
        let mut left = ChartBuilder::on(&panels[0])
            .caption("training loss", (FONT, 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(1.0..x_max, 0.0..loss_max)?;
        left.configure_mesh().x_desc("epoch").y_desc("loss").draw()?;
        left.draw_series(LineSeries::new(epochs(curves.loss), PALETTE[0].stroke_width(2)))?;
        let mut right = ChartBuilder::on(&panels[1])
            .caption("accuracy", (FONT, 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(1.0..x_max, 0.0..1.0)?;
        right.configure_mesh().x_desc("epoch").y_desc("fraction correct").draw()?;
        for (k, (name, v)) in [("train", curves.train_accuracy), ("test", curves.test_accuracy)].into_iter().enumerate()
        {
            let colour = PALETTE[k];
            right
                .draw_series(LineSeries::new(epochs(v), colour.stroke_width(2)))?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
        }
        right.configure_series_labels().background_style(WHITE.mix(0.8)).border_style(BLACK).draw()?;
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| plot_error(path, e))
}
