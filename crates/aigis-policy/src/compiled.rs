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
use serde_json::Value;

use crate::engine::Engine;
use crate::error::{PolicyError, regorus_location};

/// A rule compiled to bytecode, with its own VM. Clone it per thread.
pub struct CompiledDecision {
    rule: String,
    program: Arc<Program>,
    vm: RegoVM,
}

impl Clone for CompiledDecision {
    fn clone(&self) -> Self {
        let mut vm = RegoVM::new();
        vm.load_program(self.program.clone());
        CompiledDecision {
            rule: self.rule.clone(),
            program: self.program.clone(),
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
        let mut vm = RegoVM::new();
        vm.load_program(program.clone());
        if !engine.data().is_null() {
            vm.set_data(regorus::Value::from(engine.data().clone()))
                .map_err(|e| compile_err(anyhow::anyhow!("{e}")))?;
        }
        Ok(CompiledDecision {
            rule: rule.to_string(),
            program,
            vm,
        })
    }

    /// Runs the rule for one input; `None` when undefined.
    pub fn decide(&mut self, input: regorus::Value) -> Result<Option<Value>, PolicyError> {
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
        serde_json::to_value(&value)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EngineOptions, Parser, PolicyBundle, TestFiles, load_str};
    use std::path::Path;

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
                let got = compiled.decide(regorus::Value::from(doc.clone())).unwrap();
                assert_eq!(got, want, "{rule} on {doc}");
            }
        }
    }
}
