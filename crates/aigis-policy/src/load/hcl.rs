//! Terraform / HCL2 configuration, via hcl-edit (the parser under hcl-rs),
//! which keeps the byte span of every attribute and block.
//!
//! The JSON shape follows what Terraform policy authors expect (and what
//! the shared conformance cases use):
//! - an attribute `key = expr` becomes `"key": value`;
//! - a labelled block `resource "aws_s3_bucket" "raw" { ... }` becomes
//!   `"resource": {"aws_s3_bucket": {"raw": {...}}}` (same labels merge);
//! - an unlabelled block (`rule { ... }`, `versioning { ... }`,
//!   `statement { ... }`) becomes an array of bodies, since such blocks
//!   may repeat: `"rule": [{...}]`.
//!
//! Expressions: literals (strings, numbers, bools, null, lists, objects)
//! become JSON values; `jsonencode(<expr>)` becomes the converted argument itself
//! (an IAM policy document stays inspectable; references inside it
//! become `"${...}"` strings as everywhere else); anything else (references,
//! function calls, templates with interpolation, conditionals) becomes a
//! string of its source, wrapped as `"${...}"` unless it is already a
//! template, e.g. `"${aws_s3_bucket.raw.id}"`.

use std::path::Path;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{BlockLabel, Body, Structure};
use hcl_edit::template::{Element, Template};
use serde_json::{Map, Number, Value};

use super::lines::{LineIndex, Locations, push_token};
use crate::error::LoadError;

const MAX_DEPTH: usize = 128;

struct Ctx<'a> {
    text: &'a str,
    index: LineIndex,
    locations: Locations,
}

pub(super) fn parse(path: &Path, text: &str) -> Result<(Value, Locations), LoadError> {
    let syntax = |line, col, message: String| LoadError::Syntax {
        path: path.to_path_buf(),
        parser: "hcl",
        line,
        col,
        message,
    };
    // hcl-edit's parser recurses per nesting level: refuse absurd nesting
    // before handing it over.
    if nesting_depth(text) > MAX_DEPTH {
        return Err(syntax(
            0,
            0,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        ));
    }
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        let loc = e.location();
        syntax(loc.line(), loc.column(), e.message().to_string())
    })?;
    let mut ctx = Ctx {
        text,
        index: LineIndex::new(text),
        locations: Locations::new(),
    };
    ctx.locations.insert(String::new(), 1);
    let value = body_to_json(&mut ctx, &body, "");
    Ok((Value::Object(value), ctx.locations))
}

/// The deepest bracket nesting in the text (strings are not skipped, so
/// this over-counts, which only makes the guard stricter for odd input).
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'{' | b'[' | b'(' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn line_at(ctx: &Ctx<'_>, span: Option<std::ops::Range<usize>>) -> Option<usize> {
    span.map(|r| ctx.index.line(r.start))
}

fn body_to_json(ctx: &mut Ctx<'_>, body: &Body, pointer: &str) -> Map<String, Value> {
    let mut out = Map::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                let key = attr.key.value().to_string();
                let p = push_token(pointer, &key);
                if let Some(line) = line_at(ctx, attr.span()) {
                    ctx.locations.insert(p.clone(), line);
                }
                let value = expr_to_json(ctx, &attr.value, &p);
                out.insert(key, value);
            }
            Structure::Block(block) => {
                let ident = block.ident.value().to_string();
                let labels: Vec<String> = block.labels.iter().map(label_text).collect();
                let line = line_at(ctx, block.span());
                // Walk (and create) the label levels.
                let mut p = push_token(pointer, &ident);
                if let Some(line) = line {
                    ctx.locations.insert(p.clone(), line);
                }
                if labels.is_empty() {
                    let slot = out.entry(ident).or_insert_with(|| Value::Array(Vec::new()));
                    if !slot.is_array() {
                        *slot = Value::Array(vec![slot.take()]);
                    }
                    let idx = slot.as_array().map_or(0, Vec::len);
                    p = push_token(&p, &idx.to_string());
                    if let Some(line) = line {
                        ctx.locations.insert(p.clone(), line);
                    }
                    let inner = body_to_json(ctx, &block.body, &p);
                    if let Value::Array(items) = slot {
                        items.push(Value::Object(inner));
                    }
                } else {
                    for label in &labels {
                        p = push_token(&p, label);
                        if let Some(line) = line {
                            ctx.locations.insert(p.clone(), line);
                        }
                    }
                    let inner = body_to_json(ctx, &block.body, &p);
                    let mut slot = out
                        .entry(ident)
                        .or_insert_with(|| Value::Object(Map::new()));
                    for label in &labels {
                        if !slot.is_object() {
                            *slot = Value::Object(Map::new());
                        }
                        slot = match slot {
                            Value::Object(m) => m
                                .entry(label.clone())
                                .or_insert_with(|| Value::Object(Map::new())),
                            other => other,
                        };
                    }
                    match slot {
                        Value::Object(existing) => existing.extend(inner),
                        other => *other = Value::Object(inner),
                    }
                }
            }
        }
    }
    out
}

fn label_text(label: &BlockLabel) -> String {
    match label {
        BlockLabel::Ident(i) => i.value().to_string(),
        BlockLabel::String(s) => s.value().to_string(),
    }
}

fn source<'a>(ctx: &Ctx<'a>, span: Option<std::ops::Range<usize>>) -> &'a str {
    span.and_then(|r| ctx.text.get(r)).unwrap_or("").trim()
}

fn expr_to_json(ctx: &mut Ctx<'_>, expr: &Expression, pointer: &str) -> Value {
    match expr {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => {
            let n = n.value();
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Expression::String(s) => Value::String(s.value().to_string()),
        Expression::Array(arr) => Value::Array(
            arr.iter()
                .enumerate()
                .map(|(i, e)| {
                    let p = push_token(pointer, &i.to_string());
                    if let Some(line) = line_at(ctx, e.span()) {
                        ctx.locations.insert(p.clone(), line);
                    }
                    expr_to_json(ctx, e, &p)
                })
                .collect(),
        ),
        Expression::Object(obj) => {
            let mut out = Map::new();
            for (key, value) in obj.iter() {
                let k = match key {
                    ObjectKey::Ident(i) => i.value().to_string(),
                    ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                    ObjectKey::Expression(e) => match expr_to_json(ctx, e, pointer) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    },
                };
                let p = push_token(pointer, &k);
                if let Some(line) = line_at(ctx, key.span()) {
                    ctx.locations.insert(p.clone(), line);
                }
                let v = expr_to_json(ctx, value.expr(), &p);
                out.insert(k, v);
            }
            Value::Object(out)
        }
        Expression::StringTemplate(t) => template_literal(t).map_or_else(
            || {
                let src = source(ctx, t.span());
                let inner = src
                    .strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .unwrap_or(src);
                Value::String(inner.to_string())
            },
            Value::String,
        ),
        Expression::HeredocTemplate(h) => {
            let text = template_literal(&h.template)
                .unwrap_or_else(|| source(ctx, h.template.span()).to_string());
            Value::String(match h.indent() {
                Some(_) => dedent(&text),
                None => text,
            })
        }
        Expression::Parenthesis(p) => expr_to_json(ctx, p.inner(), pointer),
        Expression::FuncCall(call)
            if call.name.namespace.is_empty()
                && call.name.name.value().as_str() == "jsonencode"
                && call.args.len() == 1 =>
        {
            match call.args.iter().next() {
                Some(arg) => expr_to_json(ctx, arg, pointer),
                None => Value::String(format!("${{{}}}", source(ctx, expr.span()))),
            }
        }
        other => Value::String(format!("${{{}}}", source(ctx, other.span()))),
    }
}

/// The text of a template without interpolations or directives.
fn template_literal(t: &Template) -> Option<String> {
    let mut out = String::new();
    for element in t.iter() {
        match element {
            Element::Literal(s) => out.push_str(s.value()),
            _ => return None,
        }
    }
    Some(out)
}

/// `<<-EOT` heredocs strip the common leading whitespace of their lines.
fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.split_inclusive('\n')
        .map(|l| l.get(indent..).unwrap_or(l.trim_start()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TF: &str = r#"
resource "aws_s3_bucket" "raw" {
  bucket = "acme-raw"
  tags = { team = "data", "cost-center" = 42 }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "raw" {
  bucket = aws_s3_bucket.raw.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}

resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:*"], Resource = "${aws_s3_bucket.raw.arn}/*" }]
  })
}

variable "region" {
  default = "eu-west-1"
}

locals {
  name = "x-${var.region}"
}
"#;

    #[test]
    fn terraform_shape() {
        let (v, l) = parse(Path::new("main.tf"), TF).unwrap();
        let raw = &v["resource"]["aws_s3_bucket"]["raw"];
        assert_eq!(raw["bucket"], "acme-raw");
        assert_eq!(raw["tags"], json!({"team": "data", "cost-center": 42}));
        let sse = &v["resource"]["aws_s3_bucket_server_side_encryption_configuration"]["raw"];
        assert_eq!(sse["bucket"], "${aws_s3_bucket.raw.id}");
        assert_eq!(
            sse["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"],
            "aws:kms"
        );
        let policy = &v["resource"]["aws_iam_policy"]["p"]["policy"];
        assert_eq!(policy["Statement"][0]["Action"], json!(["s3:*"]));
        assert_eq!(
            policy["Statement"][0]["Resource"],
            "${aws_s3_bucket.raw.arn}/*"
        );
        assert_eq!(v["locals"][0]["name"], "x-${var.region}");
        assert_eq!(v["variable"]["region"]["default"], "eu-west-1");
        assert_eq!(l.line_of("/resource/aws_s3_bucket/raw"), Some(2));
        assert_eq!(l.line_of("/resource/aws_s3_bucket/raw/bucket"), Some(3));
        assert_eq!(
            l.line_of("/resource/aws_s3_bucket_server_side_encryption_configuration/raw/rule/0"),
            Some(9)
        );
    }

    #[test]
    fn heredoc_policies_are_text() {
        let (v, _) = parse(
            Path::new("p.tf"),
            "resource \"aws_iam_policy\" \"p\" {\n  policy = <<-EOT\n    {\"a\": 1}\n  EOT\n}\n",
        )
        .unwrap();
        assert_eq!(
            v["resource"]["aws_iam_policy"]["p"]["policy"],
            "{\"a\": 1}\n"
        );
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse(Path::new("bad.tf"), "resource \"a\" \"b\" {\n  x = \n}\n").unwrap_err();
        match err {
            LoadError::Syntax { line, parser, .. } => {
                assert_eq!(parser, "hcl");
                assert!(line >= 2);
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("a = {}1{}", "[".repeat(1000), "]".repeat(1000));
        assert!(parse(Path::new("deep.tf"), &text).is_err());
    }
}
