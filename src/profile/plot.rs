//! One SVG per workload: utilisation and GPU memory over time, one line per GPU, against
//! the current and recommended GPU's memory.

use super::series::{Bucket, Series};
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
    let with_data = pts
        .iter()
        .filter(|b| !b.max_util.is_nan() || !b.max_mem_mib.is_nan())
        .count();
    let drawn = if with_data < 2 {
        // Nothing to draw a line through: say so, in the file the user asked for.
        let lines = [
            title.to_string(),
            format!("GPUs: {gpus}"),
            format!(
                "too short to plot ({} sample{} per GPU): {}",
                p.samples,
                if p.samples == 1 { "" } else { "s" },
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
        // Dashed, with different dashes, so that equal capacities still show both.
        let caps = [
            (current_mib, RED, 10, "current GPU's memory"),
            (recommended_mib, GREEN, 4, "recommended GPU's memory"),
        ];
        let root = SVGBackend::new(path, (960, 680)).into_drawing_area();
        draw_charts(&root, title, &note, p, &caps)
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

/// A GPU memory line to compare the peaks with: the memory in MiB (none: not drawn),
/// its colour, dash length and legend.
type Cap = (Option<f64>, RGBColor, u32, &'static str);

/// One line of a chart: its legend, style, and (hours, value) points.
struct Line {
    label: String,
    style: ShapeStyle,
    points: Vec<(f64, f64)>,
}

/// The note above, utilisation over time, and memory over time against `caps`.
fn draw_charts(
    root: &Area<'_>,
    title: &str,
    note: &str,
    p: &Profile,
    caps: &[Cap],
) -> Result<(), DrawError> {
    let pts = &p.series.buckets;
    let t0 = pts[0].start;
    let span = (pts[pts.len() - 1].start - t0) / 3600.0;
    let span = span.max(0.1);
    root.fill(&WHITE)?;
    let (head, body) = root.split_vertically(40);
    head.draw(&Text::new(
        note.to_string(),
        (10, 12),
        ("sans-serif", 14).into_font().color(&BLACK),
    ))?;
    let (top, bottom) = body.split_vertically(320);
    let gpus = gpu_series(p);
    let caption = match (gpus.len(), p.gpus.len()) {
        (0, _) => "busiest GPU".to_string(),
        (n, all) if n == all => "one line per GPU".to_string(),
        (n, all) => format!("the first {n} of {all} GPUs"),
    };
    let util = lines(&gpus, t0, "busiest GPU", &p.series, |b| b.max_util);
    draw_util(
        &top,
        &format!("{title}: GPU utilisation (%), {caption}"),
        &util,
        span,
    )?;
    let mem = lines(&gpus, t0, "peak memory", &p.series, |b| {
        b.max_mem_mib / 1024.0
    });
    draw_memory(&bottom, &mem, span, caps)?;
    root.present()
}

/// The lines of one quantity: one per GPU with its own series, else one over all GPUs.
fn lines(
    gpus: &[(String, &Series)],
    t0: f64,
    all_label: &str,
    all: &Series,
    value: impl Fn(&Bucket) -> f64,
) -> Vec<Line> {
    let points = |s: &Series| {
        s.buckets
            .iter()
            .map(|b| ((b.start - t0) / 3600.0, value(b)))
            .filter(|(_, v)| !v.is_nan())
            .collect()
    };
    if gpus.is_empty() {
        return vec![Line {
            label: all_label.to_string(),
            style: BLUE.into(),
            points: points(all),
        }];
    }
    gpus.iter()
        .enumerate()
        .map(|(i, (label, s))| Line {
            label: label.clone(),
            style: line_style(i, gpus.len()),
            points: points(s),
        })
        .collect()
}

/// Utilisation (%) over `span` hours.
fn draw_util(area: &Area<'_>, caption: &str, lines: &[Line], span: f64) -> Result<(), DrawError> {
    let mut util = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(40)
        .build_cartesian_2d(0.0..span, 0.0..100.0)?;
    util.configure_mesh()
        .x_desc("hours")
        .y_desc("utilisation %")
        .draw()?;
    for l in lines {
        let style = l.style;
        util.draw_series(LineSeries::new(l.points.iter().copied(), style))?
            .label(l.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    }
    util.configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()?;
    Ok(())
}

/// Memory (GiB) over `span` hours, with a dashed level line per cap.
fn draw_memory(area: &Area<'_>, lines: &[Line], span: f64, caps: &[Cap]) -> Result<(), DrawError> {
    let top = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|(_, gib)| *gib * 1024.0))
        .chain(caps.iter().map(|(c, _, _, _)| c.unwrap_or(0.0)))
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
    mem.configure_mesh()
        .x_desc("hours")
        .y_desc("memory GiB")
        .draw()?;
    for l in lines {
        let style = l.style;
        mem.draw_series(LineSeries::new(l.points.iter().copied(), style))?
            .label(l.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    }
    for &(cap, color, dash, label) in caps {
        if let Some(c) = cap {
            let gib = c / 1024.0;
            let style = color.stroke_width(2);
            let level = vec![(0.0, gib), (span, gib)];
            mem.draw_series(DashedLineSeries::new(level, dash, dash, style))?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        }
    }
    mem.configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()?;
    Ok(())
}

/// Each GPU that kept its own series (the first [`super::PLOTTED_GPUS`]), with its legend:
/// its id (an index reads as "GPU 0", a UUID names itself) and model, as the profile
/// names them.
fn gpu_series(p: &Profile) -> Vec<(String, &Series)> {
    p.gpus
        .iter()
        .filter_map(|(id, g)| {
            let series = g.series.as_ref()?;
            let id = match id.parse::<u32>() {
                Ok(_) => format!("GPU {id}"),
                Err(_) => id.clone(),
            };
            let label = match &g.name {
                Some(n) => format!("{id} ({n})"),
                None => id,
            };
            Some((label, series))
        })
        .collect()
}

/// A distinct colour per GPU, and lines drawn wider first so that one lying exactly on
/// another still shows around it.
fn line_style(i: usize, n: usize) -> ShapeStyle {
    const COLORS: [RGBColor; 8] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
        RGBColor(23, 190, 207),
    ];
    COLORS[i % COLORS.len()].stroke_width((2 * (n - i)).min(9) as u32)
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
