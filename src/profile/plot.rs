//! One SVG per workload: utilisation and GPU memory over time against the current and
//! recommended GPU's memory.

use super::Profile;
use plotters::prelude::*;
use std::path::Path;

pub fn write_svg(
    path: &Path,
    title: &str,
    p: &Profile,
    current_mib: Option<f64>,
    recommended_mib: Option<f64>,
) -> Result<(), String> {
    let pts = &p.series.buckets;
    if pts.is_empty() {
        return Err(format!("{title}: the profile has no timestamps to plot"));
    }
    let t0 = pts[0].start;
    let hours = |t: f64| (t - t0) / 3600.0;
    let span = hours(pts[pts.len() - 1].start).max(0.1);
    let mem_top = pts
        .iter()
        .map(|b| b.max_mem_mib)
        .filter(|v| !v.is_nan())
        .fold(0.0, f64::max)
        .max(current_mib.unwrap_or(0.0))
        .max(recommended_mib.unwrap_or(0.0))
        / 1024.0
        * 1.1;
    let root = SVGBackend::new(path, (960, 640)).into_drawing_area();
    let err = |e: &dyn std::fmt::Display| format!("{}: cannot draw: {e}", path.display());
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let (top, bottom) = root.split_vertically(320);
    let mut util = ChartBuilder::on(&top)
        .caption(format!("{title}: GPU utilisation (%)"), ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(40)
        .build_cartesian_2d(0.0..span, 0.0..100.0)
        .map_err(|e| err(&e))?;
    util.configure_mesh()
        .x_desc("hours")
        .draw()
        .map_err(|e| err(&e))?;
    util.draw_series(LineSeries::new(
        pts.iter()
            .filter(|b| !b.max_util.is_nan())
            .map(|b| (hours(b.start), b.max_util)),
        &BLUE,
    ))
    .map_err(|e| err(&e))?;
    let mut mem = ChartBuilder::on(&bottom)
        .caption(
            "GPU memory (GiB) against the current and recommended GPU",
            ("sans-serif", 18),
        )
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(40)
        .build_cartesian_2d(0.0..span, 0.0..mem_top.max(1.0))
        .map_err(|e| err(&e))?;
    mem.configure_mesh()
        .x_desc("hours")
        .draw()
        .map_err(|e| err(&e))?;
    mem.draw_series(LineSeries::new(
        pts.iter()
            .filter(|b| !b.max_mem_mib.is_nan())
            .map(|b| (hours(b.start), b.max_mem_mib / 1024.0)),
        &BLUE,
    ))
    .map_err(|e| err(&e))?
    .label("peak memory")
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE));
    for (cap, color, label) in [
        (current_mib, RED, "current GPU"),
        (recommended_mib, GREEN, "recommended GPU"),
    ] {
        if let Some(c) = cap {
            let gib = c / 1024.0;
            mem.draw_series(LineSeries::new(vec![(0.0, gib), (span, gib)], color))
                .map_err(|e| err(&e))?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        }
    }
    mem.configure_series_labels()
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}
