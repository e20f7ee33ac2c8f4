//! The Prometheus HTTP API's JSON envelope: instant vectors and range matrices, or the
//! server's own error (`errorType`, `error`) for a query it rejects.

use std::collections::BTreeMap;

/// One series of a result: its labels and its (time, value) samples (one for an
/// instant vector). Values that are not finite numbers are dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub labels: BTreeMap<String, String>,
    pub values: Vec<(f64, f64)>,
}

/// Why a response holds no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    /// `"status": "error"`: the server's words.
    #[error("{error_type}: {error}")]
    Rejected { error_type: String, error: String },
    /// Not the API's JSON (a proxy's HTML page, a truncated body).
    #[error("the response is not Prometheus API JSON ({0})")]
    Malformed(String),
}

#[derive(serde::Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(serde::Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: serde_json::Value,
}

#[derive(serde::Deserialize)]
struct RawSeries {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    value: Option<(f64, String)>,
    #[serde(default)]
    values: Vec<(f64, String)>,
}

/// The series of a `vector` or `matrix` result (a `scalar` or `string` has none).
pub fn parse(body: &[u8]) -> Result<Vec<Series>, ResponseError> {
    let env: Envelope = serde_json::from_slice(body).map_err(|e| {
        let head = String::from_utf8_lossy(&body[..body.len().min(80)]).replace('\n', " ");
        ResponseError::Malformed(format!("{e}; it starts `{head}`"))
    })?;
    if env.status != "success" {
        return Err(ResponseError::Rejected {
            error_type: env.error_type.unwrap_or_else(|| "error".to_string()),
            error: env.error.unwrap_or_else(|| "no message".to_string()),
        });
    }
    let data = env
        .data
        .ok_or_else(|| ResponseError::Malformed("no `data`".to_string()))?;
    if !matches!(data.result_type.as_str(), "vector" | "matrix") {
        return Ok(Vec::new());
    }
    let raw: Vec<RawSeries> = serde_json::from_value(data.result)
        .map_err(|e| ResponseError::Malformed(format!("`data.result`: {e}")))?;
    Ok(raw
        .into_iter()
        .map(|r| {
            let values = r
                .value
                .into_iter()
                .chain(r.values)
                .filter_map(|(t, v)| Some((t, v.parse::<f64>().ok().filter(|v| v.is_finite())?)))
                .collect();
            Series {
                labels: r.metric,
                values,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_matrices_and_special_values() {
        let v = br#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"pod":"a","skinflint_stat":"util_max"},"value":[1795343671.5,"69"]},
            {"metric":{"pod":"b"},"value":[1795343671,"NaN"]}]}}"#;
        let s = parse(v).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].labels["skinflint_stat"], "util_max");
        assert_eq!(s[0].values, vec![(1795343671.5, 69.0)]);
        assert!(s[1].values.is_empty(), "NaN is dropped");
        let m = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"pod":"a"},"values":[[3600,"1"],[7200,"+Inf"],[10800,"1"]]}]}}"#;
        assert_eq!(
            parse(m).unwrap()[0].values,
            vec![(3600.0, 1.0), (10800.0, 1.0)]
        );
        let empty = br#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert!(parse(empty).unwrap().is_empty());
    }

    #[test]
    fn the_servers_error_is_kept() {
        let e = br#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:1: parse error"}"#;
        assert_eq!(
            parse(e).unwrap_err().to_string(),
            "bad_data: invalid parameter \"query\": 1:1: parse error"
        );
        let html = b"<html><body>502 Bad Gateway</body></html>";
        let err = parse(html).unwrap_err().to_string();
        assert!(
            err.contains("not Prometheus API JSON") && err.contains("<html>"),
            "{err}"
        );
    }
}
