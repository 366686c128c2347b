//! One rule compiled to regorus' virtual machine (RVM) bytecode: the hot
//! path for deciding many inputs against one fixed rule (the gateway
//! authorising each request, a bulk check of one document kind).
//!
//! [`CompiledDecision::new`] compiles the rule and everything it depends
//! on once; [`CompiledDecision::decide`] runs it for an input. The VM has
//! no `aigis.secrets` or the compatibility builtins, so rules that use
//! them are refused when compiling; evaluate those with [`Engine`].

use std::sync::Arc;

use regorus::rvm::Program;
use regorus::rvm::vm::RegoVM;
use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::Value;

use crate::convert;
use crate::engine::Engine;
use crate::error::{PolicyError, regorus_location};

/// A rule compiled to bytecode, with its own VM. Clone it per thread.
pub struct CompiledDecision {
    rule: String,
    program: Arc<Program>,
    /// The engine's wall-clock limit, for every VM of this decision.
    timer: ExecutionTimerConfig,
    /// The engine's data document, `None` when it has none.
    data: Option<regorus::Value>,
    vm: RegoVM,
}

impl Clone for CompiledDecision {
    fn clone(&self) -> Self {
        let mut vm = limited_vm(self.timer);
        vm.load_program(self.program.clone());
        if let Some(data) = &self.data {
            // Accepted once by `new` for this very program.
            let _ = vm.set_data(data.clone());
        }
        CompiledDecision {
            rule: self.rule.clone(),
            program: self.program.clone(),
            timer: self.timer,
            data: self.data.clone(),
            vm,
        }
    }
}

impl std::fmt::Debug for CompiledDecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledDecision")
            .field("rule", &self.rule)
            .finish_non_exhaustive()
    }
}

impl CompiledDecision {
    /// Compiles `rule` (a full path such as `data.aigis.endpoint.deny`)
    /// from the engine's modules and data.
    pub fn new(engine: &Engine, rule: &str) -> Result<CompiledDecision, PolicyError> {
        let compile_err = |e: anyhow::Error| {
            let loc = regorus_location(&e);
            PolicyError::Compile {
                path: loc.path,
                line: loc.line,
                col: loc.col,
                message: loc.message,
            }
        };
        let mut inner = engine.regorus().clone();
        let policy = inner
            .compile_with_entrypoint(&rule.into())
            .map_err(compile_err)?;
        let program =
            regorus::languages::rego::compiler::Compiler::compile_from_policy(&policy, &[rule])
                .map_err(|e| compile_err(anyhow::anyhow!("{e}")))?;
        let timer = engine.timer();
        let mut vm = limited_vm(timer);
        vm.load_program(program.clone());
        let data = if engine.data().is_null() {
            None
        } else {
            let data = convert::to_regorus(engine.data());
            vm.set_data(data.clone())
                .map_err(|e| compile_err(anyhow::anyhow!("{e}")))?;
            Some(data)
        };
        Ok(CompiledDecision {
            rule: rule.to_string(),
            program,
            timer,
            data,
            vm,
        })
    }

    /// Runs the rule for one JSON input (converted here, without copying
    /// the JSON); `None` when undefined.
    pub fn decide(&mut self, input: &Value) -> Result<Option<Value>, PolicyError> {
        self.decide_value(convert::to_regorus(input))
    }

    /// Runs the rule for an input already converted to a regorus value;
    /// `None` when undefined.
    pub fn decide_value(&mut self, input: regorus::Value) -> Result<Option<Value>, PolicyError> {
        self.vm.set_input(input);
        let value = self.vm.execute().map_err(|e| PolicyError::Eval {
            query: self.rule.clone(),
            path: None,
            line: 0,
            col: 0,
            message: format!("{e:#}"),
        })?;
        if value == regorus::Value::Undefined {
            return Ok(None);
        }
        convert::to_json(&value)
            .map(Some)
            .map_err(|e| PolicyError::Eval {
                query: self.rule.clone(),
                path: None,
                line: 0,
                col: 0,
                message: e.to_string(),
            })
    }
}

/// A VM bounded like the interpreter: by the engine's wall-clock limit,
/// not by the VM's default cap of 25,000 instructions (which would refuse
/// large inputs the interpreter decides).
fn limited_vm(timer: ExecutionTimerConfig) -> RegoVM {
    let mut vm = RegoVM::new();
    vm.set_execution_timer_config(Some(timer));
    vm.set_max_instructions(usize::MAX);
    vm
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EngineOptions, Parser, PolicyBundle, TestFiles, load_str};
    use std::path::Path;

    /// A clone decides with the engine's data, like the original.
    #[test]
    fn clone_keeps_data() {
        let mut bundle = PolicyBundle::new();
        bundle.add(
            "t.rego",
            "package t\nimport rego.v1\nallow if input.x == data.limit\n",
        );
        let engine = Engine::new(
            &bundle,
            &serde_json::json!({"limit": 3}),
            &EngineOptions::default(),
        )
        .unwrap();
        let compiled = CompiledDecision::new(&engine, "data.t.allow").unwrap();
        let input = serde_json::json!({"x": 3});
        assert_eq!(
            compiled.clone().decide(&input).unwrap(),
            Some(Value::Bool(true))
        );
    }

    /// Inputs that take the VM past its default 25,000 instructions are
    /// decided (as the interpreter decides them); the engine's time limit
    /// still stops a decision that runs too long.
    #[test]
    fn large_inputs_are_bounded_by_time_not_instructions() {
        let mut bundle = PolicyBundle::new();
        bundle.add(
            "t.rego",
            "package t\nimport rego.v1\ndeny contains x if { some x in input.items; x > 1000000 }\n\
             big contains [x, y] if { some x in input.items; some y in input.items }\n",
        );
        let items: Vec<u64> = (0..30_000).collect();
        let input = serde_json::json!({ "items": items });
        let engine = Engine::new(&bundle, &Value::Null, &EngineOptions::default()).unwrap();
        let mut compiled = CompiledDecision::new(&engine, "data.t.deny").unwrap();
        let mut e = engine.clone();
        e.set_input(&input);
        let want = e.eval_rule("data.t.deny").unwrap();
        assert_eq!(compiled.decide(&input).unwrap(), want);
        assert_eq!(compiled.clone().decide(&input).unwrap(), want);

        let quick = EngineOptions {
            time_limit: std::time::Duration::from_millis(50),
            ..EngineOptions::default()
        };
        let engine = Engine::new(&bundle, &Value::Null, &quick).unwrap();
        let mut compiled = CompiledDecision::new(&engine, "data.t.big").unwrap();
        assert!(compiled.decide(&input).is_err());
    }

    /// The bytecode gives what the interpreter gives, for every example
    /// endpoint (allowed and denied) and some edited copies.
    #[test]
    fn compiled_equals_interpreter() {
        let engine = Engine::new(
            &PolicyBundle::builtin(TestFiles::Exclude),
            &Value::Null,
            &EngineOptions::default(),
        )
        .unwrap();
        let mut docs = Vec::new();
        for text in [
            include_str!("../../../examples/policy/good/endpoints.yaml"),
            include_str!("../../../examples/policy/bad/endpoint.yaml"),
            "apiVersion: aigis.dev/v1\nkind: Endpoint\nspec: {}\n",
            "kind: Deployment\n",
        ] {
            for d in load_str(Path::new("e.yaml"), text, Parser::Yaml).unwrap() {
                docs.push(d.input);
            }
        }
        for rule in ["data.aigis.endpoint.deny", "data.aigis.endpoint.allow"] {
            let mut compiled = CompiledDecision::new(&engine, rule).unwrap();
            for doc in &docs {
                let mut e = engine.clone();
                e.set_input(doc);
                let want = e.eval_rule(rule).unwrap();
                let got = compiled.decide(doc).unwrap();
                assert_eq!(got, want, "{rule} on {doc}");
                let got = compiled
                    .decide_value(regorus::Value::from(doc.clone()))
                    .unwrap();
                assert_eq!(got, want, "{rule} on {doc} (regorus value)");
            }
        }
    }
}
