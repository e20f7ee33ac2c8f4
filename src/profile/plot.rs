//! One SVG per workload: utilisation and GPU memory over time against the current and
//! recommended GPU's memory.

use super::Profile;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// Why a plot could not be written: its file and the drawing backend's error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: cannot draw: {error}")]
pub struct PlotError {
    pub path: String,
    pub error: String,
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawError = DrawingAreaErrorKind<std::io::Error>;

pub fn write_svg(
    path: &Path,
    title: &str,
    p: &Profile,
    thresholds: &super::confidence::Thresholds,
    current_mib: Option<f64>,
    recommended_mib: Option<f64>,
) -> Result<(), PlotError> {
    let pts = &p.series.buckets;
    let confidence = super::confidence::confidence(p, thresholds);
    let gpus = gpu_names(p);
    let drawn = if pts.len() < 2 {
        // Nothing to draw a line through: say so, in the file the user asked for.
        let lines = [
            title.to_string(),
            format!("GPUs: {gpus}"),
            format!(
                "too little data to plot: {} timed sample{} ({})",
                pts.len(),
                if pts.len() == 1 { "" } else { "s" },
                confidence.reasons.join(", ")
            ),
        ];
        draw_lines(
            &SVGBackend::new(path, (960, 200)).into_drawing_area(),
            &lines,
        )
    } else {
        let note = if confidence.is_high() {
            format!("GPUs: {gpus}")
        } else {
            format!(
                "GPUs: {gpus}. Too little data to act on (low confidence): {}",
                confidence.reasons.join(", ")
            )
        };
        let caps = [
            (current_mib, RED, "current GPU"),
            (recommended_mib, GREEN, "recommended GPU"),
        ];
        let root = SVGBackend::new(path, (960, 680)).into_drawing_area();
        draw_charts(&root, title, &note, pts, &caps)
    };
    drawn.map_err(|e| PlotError {
        path: path.display().to_string(),
        error: e.to_string(),
    })
}

/// Lines of text, one under the other: the plot when there is nothing to plot.
fn draw_lines(root: &Area<'_>, lines: &[String]) -> Result<(), DrawError> {
    root.fill(&WHITE)?;
    let style = ("sans-serif", 18).into_font().color(&BLACK);
    for (i, line) in lines.iter().enumerate() {
        root.draw(&Text::new(
            line.clone(),
            (10, 20 + 40 * i as i32),
            style.clone(),
        ))?;
    }
    root.present()
}

/// A GPU memory line to compare the peak with: the memory in MiB (none: not drawn),
/// its colour and legend.
type Cap = (Option<f64>, RGBColor, &'static str);

/// The note above, utilisation over time, and memory over time against `caps`.
fn draw_charts(
    root: &Area<'_>,
    title: &str,
    note: &str,
    pts: &[super::series::Bucket],
    caps: &[Cap],
) -> Result<(), DrawError> {
    let t0 = pts[0].start;
    let hours = |t: f64| (t - t0) / 3600.0;
    let span = hours(pts[pts.len() - 1].start).max(0.1);
    root.fill(&WHITE)?;
    let (head, body) = root.split_vertically(40);
    head.draw(&Text::new(
        note.to_string(),
        (10, 12),
        ("sans-serif", 14).into_font().color(&BLACK),
    ))?;
    let (top, bottom) = body.split_vertically(320);
    let util: Vec<(f64, f64)> = pts
        .iter()
        .filter(|b| !b.max_util.is_nan())
        .map(|b| (hours(b.start), b.max_util))
        .collect();
    draw_util(&top, title, &util, span)?;
    let mem: Vec<(f64, f64)> = pts
        .iter()
        .filter(|b| !b.max_mem_mib.is_nan())
        .map(|b| (hours(b.start), b.max_mem_mib / 1024.0))
        .collect();
    draw_memory(&bottom, &mem, span, caps)?;
    root.present()
}

/// Utilisation (%) of the busiest GPU over `span` hours.
fn draw_util(
    area: &Area<'_>,
    title: &str,
    points: &[(f64, f64)],
    span: f64,
) -> Result<(), DrawError> {
    let mut util = ChartBuilder::on(area)
        .caption(
            format!("{title}: GPU utilisation (%), busiest GPU"),
            ("sans-serif", 18),
        )
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(40)
        .build_cartesian_2d(0.0..span, 0.0..100.0)?;
    util.configure_mesh().x_desc("hours").draw()?;
    util.draw_series(LineSeries::new(points.iter().copied(), &BLUE))?;
    Ok(())
}

/// Peak memory (GiB) over `span` hours, with a level line per cap.
fn draw_memory(
    area: &Area<'_>,
    points: &[(f64, f64)],
    span: f64,
    caps: &[Cap],
) -> Result<(), DrawError> {
    let top = points
        .iter()
        .map(|(_, gib)| *gib * 1024.0)
        .chain(caps.iter().map(|(c, _, _)| c.unwrap_or(0.0)))
        .fold(0.0, f64::max)
        / 1024.0
        * 1.1;
    let mut mem = ChartBuilder::on(area)
        .caption(
            "GPU memory (GiB) against the current and recommended GPU",
            ("sans-serif", 18),
        )
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(40)
        .build_cartesian_2d(0.0..span, 0.0..top.max(1.0))?;
    mem.configure_mesh().x_desc("hours").draw()?;
    mem.draw_series(LineSeries::new(points.iter().copied(), &BLUE))?
        .label("peak memory")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE));
    for &(cap, color, label) in caps {
        if let Some(c) = cap {
            let gib = c / 1024.0;
            mem.draw_series(LineSeries::new(vec![(0.0, gib), (span, gib)], color))?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        }
    }
    mem.configure_series_labels().border_style(BLACK).draw()?;
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
