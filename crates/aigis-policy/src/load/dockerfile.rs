//! Dockerfiles: one entry per instruction, with its stage and line.
//!
//! ```json
//! {"instructions": [{"cmd": "from", "args": "python:3.12-slim AS build",
//!                    "value": ["python:3.12-slim", "AS", "build"],
//!                    "flags": [], "stage": 0, "line": 1}],
//!  "stages": [{"image": "python:3.12-slim", "name": "build", "line": 1}],
//!  "env": [{"name": "API_TOKEN", "value": "...", "cmd": "env", "line": 4}]}
//! ```
//!
//! `cmd` is lower case; `value` is the JSON array of exec form
//! (`CMD ["a", "b"]`) or the whitespace-split arguments; `--flag=x`
//! options are in `flags`. Backslash continuations are joined (the line is
//! where the instruction starts); `# comments` and blank lines are skipped.
//! `env` lists every `ENV`/`ARG` name with its default value, if any.

use serde_json::{Value, json};

use super::lines::Locations;

pub(super) fn parse(text: &str) -> (Value, Locations) {
    let mut instructions = Vec::new();
    let mut stages = Vec::new();
    let mut env = Vec::new();
    let mut locations = Locations::new();
    locations.insert(String::new(), 1);
    let mut stage: i64 = -1;
    for (line, instruction) in logical_lines(text) {
        push_instruction(
            &instruction,
            line,
            &mut stage,
            &mut instructions,
            &mut stages,
            &mut env,
            &mut locations,
        );
    }
    (
        json!({"instructions": instructions, "stages": stages, "env": env}),
        locations,
    )
}

/// Instructions with backslash continuations joined, each with the line it
/// starts on; comments and blank lines dropped.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        let comment = trimmed.starts_with('#');
        if comment || (pending.is_none() && trimmed.is_empty()) {
            continue;
        }
        let (start, mut buf) = pending.take().unwrap_or((i + 1, String::new()));
        match trimmed.strip_suffix('\\') {
            Some(body) => {
                buf.push_str(body);
                buf.push(' ');
                pending = Some((start, buf));
            }
            None => {
                buf.push_str(trimmed);
                out.push((start, buf));
            }
        }
    }
    out.extend(pending);
    out
}

fn push_instruction(
    text: &str,
    line: usize,
    stage: &mut i64,
    instructions: &mut Vec<Value>,
    stages: &mut Vec<Value>,
    env: &mut Vec<Value>,
    locations: &mut Locations,
) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    let (cmd, args) = match text.split_once(char::is_whitespace) {
        Some((c, a)) => (c.to_ascii_lowercase(), a.trim().to_string()),
        None => (text.to_ascii_lowercase(), String::new()),
    };
    let mut flags = Vec::new();
    let mut rest = args.as_str();
    while let Some(stripped) = rest.strip_prefix("--") {
        let (flag, after) = stripped
            .split_once(char::is_whitespace)
            .unwrap_or((stripped, ""));
        flags.push(Value::String(format!("--{flag}")));
        rest = after.trim_start();
    }
    let value: Vec<Value> = match serde_json::from_str::<Vec<String>>(rest) {
        Ok(exec) if rest.starts_with('[') => exec.into_iter().map(Value::String).collect(),
        _ => rest
            .split_whitespace()
            .map(|s| Value::String(s.to_string()))
            .collect(),
    };
    if cmd == "from" {
        *stage += 1;
        let image = value.first().cloned().unwrap_or(Value::Null);
        let name = match (value.get(1), value.get(2)) {
            (Some(Value::String(a)), Some(n)) if a.eq_ignore_ascii_case("as") => n.clone(),
            _ => Value::Null,
        };
        locations.insert(format!("/stages/{}", stages.len()), line);
        stages.push(json!({"image": image, "name": name, "line": line}));
    }
    if cmd == "env" || cmd == "arg" {
        for (name, val) in assignments(rest) {
            locations.insert(format!("/env/{}", env.len()), line);
            env.push(json!({"name": name, "value": val, "cmd": cmd, "line": line}));
        }
    }
    locations.insert(format!("/instructions/{}", instructions.len()), line);
    instructions.push(json!({
        "cmd": cmd, "args": rest, "value": value, "flags": flags,
        "stage": (*stage).max(0), "line": line,
    }));
}

/// `A=1 B="two words"` or the legacy `ENV A value with spaces` form.
fn assignments(args: &str) -> Vec<(String, Value)> {
    let args = args.trim();
    let first_word = args.split_whitespace().next().unwrap_or("");
    if !first_word.contains('=') {
        // Legacy form (`ENV NAME value...`) or `ARG NAME` without default.
        return match args.split_once(char::is_whitespace) {
            Some((name, value)) => vec![(name.to_string(), Value::String(value.trim().into()))],
            None if !args.is_empty() => vec![(args.to_string(), Value::Null)],
            None => Vec::new(),
        };
    }
    let mut out = Vec::new();
    let mut chars = args.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            name.push(c);
            chars.next();
        }
        if name.is_empty() {
            break;
        }
        if chars.peek() != Some(&'=') {
            out.push((name, Value::Null));
            continue;
        }
        chars.next();
        let mut value = String::new();
        let quote = match chars.peek() {
            Some(&q @ ('"' | '\'')) => {
                chars.next();
                Some(q)
            }
            _ => None,
        };
        while let Some(c) = chars.next() {
            match quote {
                Some(q) if c == q => break,
                Some('"') if c == '\\' => {
                    if let Some(n) = chars.next() {
                        value.push(n);
                    }
                }
                None if c.is_whitespace() => break,
                None if c == '\\' => {
                    if let Some(n) = chars.next() {
                        value.push(n);
                    }
                }
                _ => value.push(c),
            }
        }
        out.push((name, Value::String(value)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_stages_and_env() {
        let (v, l) = parse(
            "# syntax=docker/dockerfile:1\nFROM --platform=linux/amd64 python:3.12 AS build\n\nENV A=1 B=\"two words\"\nRUN pip install \\\n    -r requirements.txt\nFROM gcr.io/distroless/python3\nARG TOKEN\nENV LEGACY some value\nCMD [\"python\", \"app.py\"]\n",
        );
        let ins = v["instructions"].as_array().unwrap();
        assert_eq!(ins[0]["cmd"], "from");
        assert_eq!(ins[0]["flags"], json!(["--platform=linux/amd64"]));
        assert_eq!(v["stages"][0]["name"], "build");
        assert_eq!(v["stages"][1]["image"], "gcr.io/distroless/python3");
        assert_eq!(ins[2]["cmd"], "run");
        assert_eq!(ins[2]["line"], 5);
        assert_eq!(
            ins[2]["value"],
            json!(["pip", "install", "-r", "requirements.txt"])
        );
        assert_eq!(ins[6]["value"], json!(["python", "app.py"]));
        assert_eq!(ins[6]["stage"], 1);
        let env = v["env"].as_array().unwrap();
        assert_eq!(
            env[0],
            json!({"name": "A", "value": "1", "cmd": "env", "line": 4})
        );
        assert_eq!(env[1]["value"], "two words");
        assert_eq!(env[2]["name"], "TOKEN");
        assert!(env[2]["value"].is_null());
        assert_eq!(env[3]["value"], "some value");
        assert_eq!(l.line_of("/instructions/2"), Some(5));
    }
}
