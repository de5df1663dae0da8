//! Tools that need more than one request, or logic a template cannot express. Each file is one
//! workflow (or a family of them); manifests refer to them by name (`workflow: object_schema`).

pub mod cases;
pub mod knowledge;
pub mod object_schema;
pub mod reporting;
pub mod support;

use crate::engine::Workflow;

/// Every workflow of this build.
pub fn all() -> Vec<Workflow> {
    let mut all = vec![Workflow {
        name: "object_schema",
        run: |ctx, args| Box::pin(object_schema::run(ctx, args)),
    }];
    all.extend(cases::workflows());
    all.extend(knowledge::workflows());
    all.extend(reporting::workflows());
    all
}

/// The names manifests may use.
pub fn names() -> Vec<&'static str> {
    all().iter().map(|w| w.name).collect()
}
