//! The calibration plot: precision against recall for each shingle setting, and F1 against
//! the threshold, with the best operating point marked. SVG, drawn with `plotters`.

use std::path::Path;

use plotters::prelude::*;

use crate::calibrate::{Metric, Point};
use crate::fail::{CliResult, Fail};

pub fn draw(path: &Path, points: &[Point], best: &Point, metric: Metric) -> CliResult<()> {
    let fail = |e: &dyn std::fmt::Display| Fail::failed(format!("cannot draw {}: {e}", path.display()));
    let root = SVGBackend::new(path, (1100, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let (left, right) = root.split_horizontally(550);
    let what = match metric {
        Metric::Pairwise => "within-group pairs",
        Metric::Bcubed => "B-cubed",
        Metric::Pairs => "labelled pairs",
    };

    let mut names: Vec<&str> = Vec::new();
    for p in points {
        if !names.contains(&p.shingle.as_str()) {
            names.push(&p.shingle);
        }
    }

    let mut pr = ChartBuilder::on(&left)
        .caption(format!("Precision / recall ({what})"), ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..1.02f64, 0f64..1.02f64)
        .map_err(|e| fail(&e))?;
    pr.configure_mesh().x_desc("recall").y_desc("precision").draw().map_err(|e| fail(&e))?;

    let mut f1 = ChartBuilder::on(&right)
        .caption("F1 by threshold", ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..1.02f64, 0f64..1.02f64)
        .map_err(|e| fail(&e))?;
    f1.configure_mesh().x_desc("threshold").y_desc("F1").draw().map_err(|e| fail(&e))?;

    for (k, name) in names.iter().enumerate() {
        let color = Palette99::pick(k).to_rgba();
        let mine: Vec<&Point> = points.iter().filter(|p| p.shingle == *name).collect();
        let curve: Vec<(f64, f64)> = mine.iter().map(|p| (p.recall, p.precision)).collect();
        pr.draw_series(LineSeries::new(curve.iter().copied(), color.stroke_width(2)))
            .map_err(|e| fail(&e))?
            .label(name.to_string())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        pr.draw_series(curve.iter().map(|&(x, y)| Circle::new((x, y), 3, color.filled()))).map_err(|e| fail(&e))?;
        let by_threshold: Vec<(f64, f64)> = mine.iter().map(|p| (p.threshold, p.f1)).collect();
        f1.draw_series(LineSeries::new(by_threshold.iter().copied(), color.stroke_width(2)))
            .map_err(|e| fail(&e))?
            .label(name.to_string())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    let label = format!("best: {} @ {}", best.shingle, best.threshold);
    pr.draw_series([Circle::new((best.recall, best.precision), 8, BLACK.stroke_width(2))])
        .map_err(|e| fail(&e))?
        .label(label.clone())
        .legend(|(x, y)| Circle::new((x + 10, y), 5, BLACK.stroke_width(2)));
    f1.draw_series([Circle::new((best.threshold, best.f1), 8, BLACK.stroke_width(2))])
        .map_err(|e| fail(&e))?
        .label(label)
        .legend(|(x, y)| Circle::new((x + 10, y), 5, BLACK.stroke_width(2)));
    for chart in [&mut pr, &mut f1] {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| fail(&e))?;
    }
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}
