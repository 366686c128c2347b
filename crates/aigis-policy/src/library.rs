//! The built-in policy library (`policies/` at the repository root),
//! embedded at build time so the binary needs no files beside it.

/// `(path relative to policies/, Rego text)` for every module, tests too.
pub(crate) const MODULES: &[(&str, &str)] = &[
    ("lib/params.rego", include_str!("../../../policies/lib/params.rego")),
    ("lib/params_test.rego", include_str!("../../../policies/lib/params_test.rego")),
    ("endpoint/endpoint.rego", include_str!("../../../policies/endpoint/endpoint.rego")),
    ("endpoint/endpoint_test.rego", include_str!("../../../policies/endpoint/endpoint_test.rego")),
    ("model/model.rego", include_str!("../../../policies/model/model.rego")),
    ("model/model_test.rego", include_str!("../../../policies/model/model_test.rego")),
    ("data/dataset.rego", include_str!("../../../policies/data/dataset.rego")),
    ("data/dataset_test.rego", include_str!("../../../policies/data/dataset_test.rego")),
    ("terraform/terraform.rego", include_str!("../../../policies/terraform/terraform.rego")),
    ("terraform/terraform_test.rego", include_str!("../../../policies/terraform/terraform_test.rego")),
    ("pipeline/airflow.rego", include_str!("../../../policies/pipeline/airflow.rego")),
    ("pipeline/airflow_test.rego", include_str!("../../../policies/pipeline/airflow_test.rego")),
    ("secrets/secrets.rego", include_str!("../../../policies/secrets/secrets.rego")),
    ("secrets/secrets_test.rego", include_str!("../../../policies/secrets/secrets_test.rego")),
];
