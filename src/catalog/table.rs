//! Reading the catalog's CSV tables: `#` comment lines, one header line, then rows of
//! plain comma-separated fields. The same code checks the embedded tables at build time
//! (`build.rs` includes this file, so a bad row fails the build) and reads a team's own
//! price table at run time, so both are held to one format.

/// One data row: its 1-based line number and its fields.
pub struct Row<'t> {
    pub line: usize,
    pub fields: Vec<&'t str>,
}

/// Why a table is malformed. Hand-written rather than derived, so that `build.rs`, which
/// includes this file, needs no dependency for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableError {
    /// The first non-comment line is not the expected header.
    Header {
        line: usize,
        expected: String,
        found: String,
    },
    /// No header line at all.
    NoHeader { expected: String },
    /// A row with the wrong number of fields.
    FieldCount {
        line: usize,
        expected: usize,
        found: usize,
    },
    /// A required field left empty (`column` is 1-based).
    Empty { line: usize, column: usize },
    /// A field that should be a whole number.
    NotWholeNumber {
        line: usize,
        column: usize,
        value: String,
    },
    /// A field that should be an hourly price.
    NotPrice {
        line: usize,
        column: usize,
        value: String,
    },
    /// A field that should be an instance type name.
    NotInstanceName { line: usize, value: String },
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TableError::Header {
                line,
                expected,
                found,
            } => write!(
                f,
                "line {line}: expected the header `{expected}…`, found `{found}`"
            ),
            TableError::NoHeader { expected } => write!(f, "no header line `{expected}…`"),
            TableError::FieldCount {
                line,
                expected,
                found,
            } => write!(
                f,
                "line {line}: expected {expected} comma-separated fields, found {found}"
            ),
            TableError::Empty { line, column } => {
                write!(f, "line {line}: column {column} is empty")
            }
            TableError::NotWholeNumber {
                line,
                column,
                value,
            } => write!(
                f,
                "line {line}: column {column} is `{value}`, not a whole number"
            ),
            TableError::NotPrice {
                line,
                column,
                value,
            } => write!(
                f,
                "line {line}: column {column} is `{value}`, not an hourly price in dollars (0 to 10000)"
            ),
            TableError::NotInstanceName { line, value } => write!(
                f,
                "line {line}: `{value}` is not an instance type name like `g5.xlarge`"
            ),
        }
    }
}

impl std::error::Error for TableError {}

/// The data rows of a table whose header starts with `header`, each with `columns`
/// fields; the first malformed line is an error naming its line number.
pub fn rows<'t>(text: &'t str, header: &str, columns: usize) -> Result<Vec<Row<'t>>, TableError> {
    let mut out = Vec::new();
    let mut seen_header = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !seen_header {
            if !line.starts_with(header) {
                return Err(TableError::Header {
                    line: i + 1,
                    expected: header.to_string(),
                    found: line.to_string(),
                });
            }
            seen_header = true;
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != columns {
            return Err(TableError::FieldCount {
                line: i + 1,
                expected: columns,
                found: fields.len(),
            });
        }
        out.push(Row {
            line: i + 1,
            fields,
        });
    }
    if !seen_header {
        return Err(TableError::NoHeader {
            expected: header.to_string(),
        });
    }
    Ok(out)
}

/// A whole number field (empty reads as `empty`).
pub fn uint(row: &Row<'_>, col: usize, empty: Option<u64>) -> Result<u64, TableError> {
    let v = row.fields[col];
    if v.is_empty() {
        return empty.ok_or(TableError::Empty {
            line: row.line,
            column: col + 1,
        });
    }
    v.parse::<u64>().map_err(|_| TableError::NotWholeNumber {
        line: row.line,
        column: col + 1,
        value: v.to_string(),
    })
}

/// An hourly price in US dollars: a finite, non-negative number below $10,000 an hour.
pub fn price(row: &Row<'_>, col: usize) -> Result<Option<f64>, TableError> {
    let v = row.fields[col];
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<f64>() {
        Ok(p) if p.is_finite() && (0.0..10_000.0).contains(&p) => Ok(Some(p)),
        _ => Err(TableError::NotPrice {
            line: row.line,
            column: col + 1,
            value: v.to_string(),
        }),
    }
}

/// An instance type name: `family.size`, lowercase letters, digits and dashes.
pub fn instance_name<'t>(row: &Row<'t>, col: usize) -> Result<&'t str, TableError> {
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
        Err(TableError::NotInstanceName {
            line: row.line,
            value: v.to_string(),
        })
    }
}
