//! One SVG per workload: utilisation and GPU memory over time against the current and
//! recommended GPU's memory.

use super::Profile;
use plotters::prelude::*;
use std::path::Path;

pub fn write_svg(
    path: &Path,
    title: &str,
    p: &Profile,
    thresholds: &super::confidence::Thresholds,
    current_mib: Option<f64>,
    recommended_mib: Option<f64>,
) -> Result<(), String> {
    let pts = &p.series.buckets;
    let confidence = super::confidence::confidence(p, thresholds);
    let err = |e: &dyn std::fmt::Display| format!("{}: cannot draw: {e}", path.display());
    let gpus = gpu_names(p);
    if pts.len() < 2 {
        // Nothing to draw a line through: say so, in the file the user asked for.
        let root = SVGBackend::new(path, (960, 200)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let style = ("sans-serif", 18).into_font().color(&BLACK);
        for (i, line) in [
            title.to_string(),
            format!("GPUs: {gpus}"),
            format!(
                "too little data to plot: {} timed sample{} ({})",
                pts.len(),
                if pts.len() == 1 { "" } else { "s" },
                confidence.reasons.join(", ")
            ),
        ]
        .iter()
        .enumerate()
        {
            root.draw(&Text::new(
                line.clone(),
                (10, 20 + 40 * i as i32),
                style.clone(),
            ))
            .map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
        return Ok(());
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
    let root = SVGBackend::new(path, (960, 680)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let (head, body) = root.split_vertically(40);
    let note = if confidence.is_high() {
        format!("GPUs: {gpus}")
    } else {
        format!(
            "GPUs: {gpus}. Too little data to act on (low confidence): {}",
            confidence.reasons.join(", ")
        )
    };
    head.draw(&Text::new(
        note,
        (10, 12),
        ("sans-serif", 14).into_font().color(&BLACK),
    ))
    .map_err(|e| err(&e))?;
    let (top, bottom) = body.split_vertically(320);
    let mut util = ChartBuilder::on(&top)
        .caption(
            format!("{title}: GPU utilisation (%), busiest GPU"),
            ("sans-serif", 18),
        )
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

/// The GPUs a plot shows, by id and model (the first eight, then a count).
fn gpu_names(p: &Profile) -> String {
    let mut names: Vec<String> = p
        .gpus
        .iter()
        .take(8)
        .map(|(id, g)| match &g.name {
            Some(n) => format!("{id} ({n})"),
            None => id.clone(),
        })
        .collect();
    if p.gpus.len() > 8 {
        names.push(format!("and {} more", p.gpus.len() - 8));
    }
    names.join(", ")
}
