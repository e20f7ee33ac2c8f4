//! Helm chart templates are not YAML until `helm template` renders them: read as YAML they
//! fail to parse or carry `{{ .Values.x }}` where a number belongs. They are recognised and
//! skipped (with one note saying how to check them) instead of reported.
//!
//! Prometheus alert annotations use the same `{{ }}` syntax (`{{ $labels.instance }}`,
//! `{{ $value }}`) inside strings; those never make a file a template.

use std::path::Path;

/// Helm's built-in objects and the functions only charts use.
const HELM_MARKERS: &[&str] = &[
    ".Values",
    ".Release",
    ".Chart",
    ".Capabilities",
    ".Files",
    ".Template",
    "include ",
    "toYaml",
    "tpl ",
];

/// What only Prometheus alert templates use.
const PROMETHEUS_MARKERS: &[&str] = &["$labels", "$value", "$externalLabels", "humanize"];

/// Whether the file lies under `templates/` of a chart (a directory with a `Chart.yaml`).
pub fn in_chart_templates(path: &Path) -> bool {
    path.ancestors().skip(1).any(|dir| {
        dir.file_name().is_some_and(|n| n == "templates")
            && dir
                .parent()
                .is_some_and(|chart| chart.join("Chart.yaml").is_file())
    })
}

/// Whether the file is a chart's values file (`values.yaml`, `values-prod.yaml` beside
/// `Chart.yaml`): plain YAML, which may hold `{{ }}` strings for `tpl`.
pub fn is_chart_values(path: &Path) -> bool {
    let named = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("values") && (n.ends_with(".yaml") || n.ends_with(".yml")));
    named
        && path
            .parent()
            .is_some_and(|dir| dir.join("Chart.yaml").is_file())
}

/// Whether an action names Helm's objects or chart functions (`{{ .Values.x }}`,
/// `{{ include "name" . }}`) anywhere outside comments: a chart template, even where it
/// still parses as YAML (`replicas: "{{ .Values.replicas }}"`).
pub fn names_helm_objects(text: &str) -> bool {
    text.contains("{{")
        && code_lines(text)
            .any(|(line, _)| actions(line).any(|a| HELM_MARKERS.iter().any(|m| a.contains(m))))
}

/// Whether an action stands where YAML structure goes: a line, or a sequence item, that
/// starts with `{{` (`{{- if $x }}`, `{{ end }}`), outside block scalars. Only asked of
/// text that does not parse as YAML: valid YAML holds such lines in multi-line strings
/// (KServe's runtime templates), and alert annotations (`{{ $labels.x }}`) never count.
pub fn has_structural_actions(text: &str) -> bool {
    text.contains("{{")
        && code_lines(text).any(|(line, _)| {
            let mut item = line;
            while let Some(rest) = item
                .strip_prefix('-')
                .filter(|r| r.starts_with([' ', '\t']))
            {
                item = rest.trim_start();
            }
            item.starts_with("{{")
                && !actions(item).any(|a| PROMETHEUS_MARKERS.iter().any(|m| a.contains(m)))
        })
}

/// The lines outside block scalars and comments, trimmed of indentation and trailing
/// comments, with their indentation.
fn code_lines(text: &str) -> impl Iterator<Item = (&str, usize)> {
    // The indentation of the line that opened a block scalar, while inside it.
    let mut block: Option<usize> = None;
    text.lines().filter_map(move |line| {
        let content = line.trim_start();
        let indent = line.len() - content.len();
        if let Some(parent) = block {
            if content.is_empty() || indent > parent {
                return None;
            }
            block = None;
        }
        if content.starts_with('#') {
            return None;
        }
        let code = strip_comment(content);
        if opens_block_scalar(code) {
            block = Some(indent);
        }
        Some((code, indent))
    })
}

/// The line without a trailing ` # comment` (outside quotes, roughly: comments in
/// templates are rare and only need not hide an action).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match (quote, c) {
            (None, b'"' | b'\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, b'#') if i > 0 && b[i - 1].is_ascii_whitespace() => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The insides of the `{{ ... }}` actions on a line.
fn actions(line: &str) -> impl Iterator<Item = &str> {
    line.split("{{")
        .skip(1)
        .map(|rest| rest.split("}}").next().unwrap_or(rest))
}

/// Whether the line ends with a block scalar header (`key: |`, `- >-`, `description: |2`).
fn opens_block_scalar(line: &str) -> bool {
    let t = line.trim_end();
    let Some(pos) = t.rfind(['|', '>']) else {
        return false;
    };
    let header_rest = &t[pos + 1..];
    if !header_rest
        .chars()
        .all(|c| matches!(c, '-' | '+') || c.is_ascii_digit())
    {
        return false;
    }
    let before = t[..pos].trim_end();
    before.is_empty() || before.ends_with(':') || before == "-" || before.ends_with(" -")
}

/// One note for all the chart templates skipped in a run, saying how to check them.
pub fn skipped_note(files: &[super::Loaded]) -> Option<String> {
    let n = files.iter().filter(|f| f.helm_template).count();
    (n > 0).then(|| {
        format!(
            "{n} Helm template file{} skipped (under a chart's templates/ or with template actions such as `{{{{ .Values.x }}}}`); render the chart and check the output: `helm template <release> <chart> | skinflint check -`",
            if n == 1 { "" } else { "s" }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_template(text: &str) -> bool {
        super::super::load_bytes("t.yaml".into(), Ok(text.into()), Default::default()).helm_template
    }

    #[test]
    fn helm_templates_are_recognised() {
        assert!(is_template(
            "{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\n{{- end }}\n"
        ));
        assert!(is_template(
            "metadata:\n  name: {{ include \"chart.fullname\" . }}\n"
        ));
        // Valid YAML, but not a manifest until rendered.
        assert!(is_template(
            "spec:\n  replicas: \"{{ .Values.replicas }}\"\n"
        ));
        // No Helm object named, and invalid YAML because of the actions.
        assert!(is_template(
            "{{- $name := \"x\" }}\nkind: ConfigMap\ndata:\n  {{- range $k, $v := $m }}\n  {{ $k }}: {{ $v }}\n  {{- end }}\n"
        ));
    }

    #[test]
    fn go_templates_inside_strings_are_not_helm() {
        let rules = r#"groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        annotations:
          summary: "{{ $labels.instance }} is down"
          value: '{{ $value | humanize }}'
          description: |
            {{ range query "up == 0" }}
            {{ .Labels.instance }}
            {{ end }}
          runbook: >-
            {{ if gt $value 1.0 }}many{{ end }}
      # {{ .Values.commented }}
"#;
        assert!(!is_template(rules));
        // A rendered manifest carrying another tool's templates in a multi-line string.
        assert!(!is_template(
            "kind: ConfigMap\ndata:\n  run: \"serve --port\n    {{ if .Spec.Port }}{{ .Spec.Port }}{{ end }}\"\n"
        ));
        // Unquoted, this is invalid YAML that Prometheus rejects too: reported, not skipped.
        let unquoted = "annotations:\n  summary: {{ $labels.instance }} is down\n";
        assert!(!is_template(unquoted));
        assert!(!has_structural_actions(
            "description: Instance\n  {{ $labels.instance }} down\n"
        ));
    }
}
