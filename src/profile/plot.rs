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
    let with_data = pts
        .iter()
        .filter(|b| !b.max_util.is_nan() || !b.max_mem_mib.is_nan())
        .count();
    if with_data < 2 {
        // Nothing to draw a line through: say so, in the file the user asked for.
        let root = SVGBackend::new(path, (960, 200)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let style = ("sans-serif", 18).into_font().color(&BLACK);
        for (i, line) in [
            title.to_string(),
            format!("GPUs: {gpus}"),
            format!(
                "too short to plot ({} sample{} per GPU): {}",
                p.samples,
                if p.samples == 1 { "" } else { "s" },
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
    let lines = gpu_lines(p);
    let mut util = ChartBuilder::on(&top)
        .caption(
            format!("{title}: GPU utilisation (%), {}", lines_caption(p, &lines)),
            ("sans-serif", 18),
        )
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(40)
        .build_cartesian_2d(0.0..span, 0.0..100.0)
        .map_err(|e| err(&e))?;
    util.configure_mesh()
        .x_desc("hours")
        .y_desc("utilisation %")
        .draw()
        .map_err(|e| err(&e))?;
    if lines.is_empty() {
        util.draw_series(LineSeries::new(
            pts.iter()
                .filter(|b| !b.max_util.is_nan())
                .map(|b| (hours(b.start), b.max_util)),
            &BLUE,
        ))
        .map_err(|e| err(&e))?;
    }
    for (i, line) in lines.iter().enumerate() {
        let style = line_style(i, lines.len());
        util.draw_series(LineSeries::new(
            line.points(|b| b.max_util)
                .into_iter()
                .map(|(t, v)| (hours(t), v)),
            style,
        ))
        .map_err(|e| err(&e))?
        .label(line.label.clone())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    }
    if !lines.is_empty() {
        util.configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE.mix(0.8))
            .draw()
            .map_err(|e| err(&e))?;
    }
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
        .y_desc("memory GiB")
        .draw()
        .map_err(|e| err(&e))?;
    if lines.is_empty() {
        mem.draw_series(LineSeries::new(
            pts.iter()
                .filter(|b| !b.max_mem_mib.is_nan())
                .map(|b| (hours(b.start), b.max_mem_mib / 1024.0)),
            &BLUE,
        ))
        .map_err(|e| err(&e))?
        .label("peak memory")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE));
    }
    for (i, line) in lines.iter().enumerate() {
        let style = line_style(i, lines.len());
        mem.draw_series(LineSeries::new(
            line.points(|b| b.max_mem_mib)
                .into_iter()
                .map(|(t, v)| (hours(t), v / 1024.0)),
            style,
        ))
        .map_err(|e| err(&e))?
        .label(line.label.clone())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    }
    // Capacities dashed, with different dashes, so equal ones still show both.
    for (cap, color, dash, label) in [
        (current_mib, RED, 10, "current GPU's memory"),
        (recommended_mib, GREEN, 4, "recommended GPU's memory"),
    ] {
        if let Some(c) = cap {
            let gib = c / 1024.0;
            let style = color.stroke_width(2);
            mem.draw_series(DashedLineSeries::new(
                vec![(0.0, gib), (span, gib)],
                dash,
                dash,
                style,
            ))
            .map_err(|e| err(&e))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        }
    }
    mem.configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// One GPU's line: its legend label and its own series.
struct GpuLine<'a> {
    label: String,
    series: &'a super::series::Series,
}

impl GpuLine<'_> {
    /// (time, value) of every bucket where `value` was recorded.
    fn points(&self, value: impl Fn(&super::series::Bucket) -> f64) -> Vec<(f64, f64)> {
        self.series
            .buckets
            .iter()
            .map(|b| (b.start, value(b)))
            .filter(|(_, v)| !v.is_nan())
            .collect()
    }
}

/// A line per GPU that kept its own series (the first [`super::PLOTTED_GPUS`]), labelled
/// with its id and model as the profile names them.
fn gpu_lines(p: &Profile) -> Vec<GpuLine<'_>> {
    p.gpus
        .iter()
        .filter_map(|(id, g)| {
            let series = g.series.as_ref()?;
            // An index reads as "GPU 0"; a UUID names itself.
            let id = match id.parse::<u32>() {
                Ok(_) => format!("GPU {id}"),
                Err(_) => id.clone(),
            };
            let label = match &g.name {
                Some(n) => format!("{id} ({n})"),
                None => id,
            };
            Some(GpuLine { label, series })
        })
        .collect()
}

/// What the utilisation chart's lines are.
fn lines_caption(p: &Profile, lines: &[GpuLine]) -> String {
    match (lines.len(), p.gpus.len()) {
        (0, _) => "busiest GPU".to_string(),
        (n, all) if n == all => "one line per GPU".to_string(),
        (n, all) => format!("the first {n} of {all} GPUs"),
    }
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
