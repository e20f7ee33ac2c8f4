//! Reading the catalog's CSV tables: `#` comment lines, one header line, then rows of
//! plain comma-separated fields. The same code checks the embedded tables at build time
//! (`build.rs` includes this file, so a bad row fails the build) and reads a team's own
//! price table at run time, so both are held to one format.

/// One data row: its 1-based line number and its fields.
pub struct Row<'t> {
    pub line: usize,
    pub fields: Vec<&'t str>,
}

/// The data rows of a table whose header starts with `header`, each with `columns`
/// fields; the first malformed line is an error naming its line number.
pub fn rows<'t>(text: &'t str, header: &str, columns: usize) -> Result<Vec<Row<'t>>, String> {
    let mut out = Vec::new();
    let mut seen_header = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !seen_header {
            if !line.starts_with(header) {
                return Err(format!(
                    "line {}: expected the header `{header}…`, found `{line}`",
                    i + 1
                ));
            }
            seen_header = true;
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != columns {
            return Err(format!(
                "line {}: expected {columns} comma-separated fields, found {}",
                i + 1,
                fields.len()
            ));
        }
        out.push(Row {
            line: i + 1,
            fields,
        });
    }
    if !seen_header {
        return Err(format!("no header line `{header}…`"));
    }
    Ok(out)
}

/// A whole number field (empty reads as `empty`).
pub fn uint(row: &Row<'_>, col: usize, empty: Option<u64>) -> Result<u64, String> {
    let v = row.fields[col];
    if v.is_empty() {
        return empty.ok_or_else(|| format!("line {}: column {} is empty", row.line, col + 1));
    }
    v.parse::<u64>().map_err(|_| {
        format!(
            "line {}: column {} is `{v}`, not a whole number",
            row.line,
            col + 1
        )
    })
}

/// An hourly price in US dollars: a finite, non-negative number below $10,000 an hour.
pub fn price(row: &Row<'_>, col: usize) -> Result<Option<f64>, String> {
    let v = row.fields[col];
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<f64>() {
        Ok(p) if p.is_finite() && (0.0..10_000.0).contains(&p) => Ok(Some(p)),
        _ => Err(format!(
            "line {}: column {} is `{v}`, not an hourly price in dollars (0 to 10000)",
            row.line,
            col + 1
        )),
    }
}

/// An instance type name: `family.size`, lowercase letters, digits and dashes.
pub fn instance_name<'t>(row: &Row<'t>, col: usize) -> Result<&'t str, String> {
    let v = row.fields[col];
    let ok = v.split_once('.').is_some_and(|(f, s)| {
        let part = |p: &str| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        part(f) && part(s)
    });
    if ok {
        Ok(v)
    } else {
        Err(format!(
            "line {}: `{v}` is not an instance type name like `g5.xlarge`",
            row.line
        ))
    }
}
