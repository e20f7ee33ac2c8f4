use super::*;
use crate::source::yaml::{parse, Limits};
use serde_json::json;

fn check(schema: Value, text: &str) -> Vec<Violation> {
    let v = compile(&schema).unwrap();
    let parsed = parse(text, Limits::default());
    let root = NodeRef::root(&parsed.documents[0]).unwrap();
    validate(&v, root)
}

fn at<'t>(text: &'t str, v: &Violation) -> &'t str {
    &text[v.span.clone()]
}

#[test]
fn every_violation_is_reported_at_its_key_or_value() {
    let schema = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["spec"],
        "properties": {
            "spec": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "ttlSecondsAfterEmpty": {"type": "integer"},
                    "policy": {"enum": ["WhenEmpty", "WhenUnderutilized"]},
                    "nodes": {"type": "string", "pattern": "^[0-9]+%?$"},
                    "items": {"type": "array", "items": {"$ref": "#/$defs/item"}}
                }
            }
        },
        "$defs": {"item": {"type": "object", "additionalProperties": false, "properties": {"key": {"type": "string"}}}}
    });
    let text = "spec:\n  ttlSecondAfterEmpty: 30\n  policy: Sometimes\n  nodes: ten\n  items:\n    - {key: a}\n    - {kee: b}\n";
    let got = check(schema, text);
    let summary: Vec<(&str, &str)> = got
        .iter()
        .map(|v| (at(text, v), v.instance_path.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("spec", "/spec"),
            ("ttlSecondAfterEmpty", "/spec/ttlSecondAfterEmpty"),
            ("Sometimes", "/spec/policy"),
            ("ten", "/spec/nodes"),
            ("kee", "/spec/items/1/kee"),
        ]
    );
    assert_eq!(
        got[0].kind,
        ViolationKind::Required {
            name: "name".into()
        }
    );
    match &got[1].kind {
        ViolationKind::UnknownField {
            suggestion,
            allowed,
            ..
        } => {
            assert_eq!(suggestion.as_deref(), Some("ttlSecondsAfterEmpty"));
            assert!(allowed.contains(&"policy".to_string()));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        got[1]
            .message
            .contains("did you mean `ttlSecondsAfterEmpty`"),
        "{}",
        got[1].message
    );
    assert_eq!(
        got[2].kind,
        ViolationKind::Enum {
            allowed: vec!["`WhenEmpty`".into(), "`WhenUnderutilized`".into()]
        }
    );
    assert!(got[2].message.contains("`WhenEmpty`, `WhenUnderutilized`"));
    assert!(matches!(got[3].kind, ViolationKind::Pattern { .. }));
    // The `$ref`'d object names its own properties.
    assert!(
        got[4].message.contains("did you mean `key`"),
        "{}",
        got[4].message
    );
}

#[test]
fn yaml_is_read_as_kubernetes_reads_it() {
    let schema = json!({
        "properties": {
            "flag": {"type": "boolean"},
            "mode": {"type": "integer"},
            "cpu": {"anyOf": [{"type": "integer"}, {"type": "string"}]}
        }
    });
    assert!(check(schema.clone(), "flag: yes\nmode: 0644\ncpu: 500m\n").is_empty());
    let got = check(schema, "flag: \"yes\"\ncpu: 1.5\n");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].message, "`yes` is a string; expected boolean");
    assert_eq!(
        got[1].kind,
        ViolationKind::Type {
            expected: vec!["integer".into(), "string".into()]
        }
    );
}

#[test]
fn embedded_schemas_can_be_referenced() {
    let schema = json!({
        "properties": {"metadata": {"$ref": "urn:skinflint:kubernetes:object-meta"}}
    });
    let text = "metadata:\n  nmae: x\n";
    let got = check(schema, text);
    assert_eq!(got.len(), 1);
    assert_eq!(at(text, &got[0]), "nmae");
    assert!(
        got[0].message.contains("did you mean `name`"),
        "{}",
        got[0].message
    );
}

#[test]
fn references_outside_the_schema_are_refused_without_a_connection() {
    use std::net::TcpListener;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    for target in [
        format!("http://127.0.0.1:{port}/schema.json"),
        format!("https://127.0.0.1:{port}/schema.json"),
        "file:///etc/passwd".to_string(),
        "urn:skinflint:kubernetes:no-such-schema".to_string(),
    ] {
        let schema = json!({"properties": {"a": {"$ref": target}}});
        match compile(&schema) {
            Err(SchemaError::Reference(m)) => {
                assert!(m.contains("refused") && m.contains(&target), "{m}")
            }
            Err(other) => panic!("{target}: {other:?}"),
            Ok(_) => panic!("{target}: compiled"),
        }
    }
    // Nothing connected to the listener.
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("a connection was attempted: {other:?}"),
    }
}

#[test]
fn invalid_schemas_are_errors() {
    assert!(matches!(
        compile(&json!({"type": 12})),
        Err(SchemaError::Invalid(_))
    ));
}

#[test]
fn aliases_cannot_blow_up_the_conversion() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let parsed = parse(&text, Limits::default());
    let root = NodeRef::root(&parsed.documents[0]).unwrap();
    assert!(to_json(root).is_none());
}
