//! Tools that need more than one request, or logic a template cannot express. Each file is one
//! workflow; manifests refer to them by name (`workflow: object_schema`).

pub mod object_schema;

use crate::engine::Workflow;

/// Every workflow of this build.
pub fn all() -> Vec<Workflow> {
    vec![Workflow {
        name: "object_schema",
        run: |ctx, args| Box::pin(object_schema::run(ctx, args)),
    }]
}

/// The names manifests may use.
pub fn names() -> Vec<&'static str> {
    all().iter().map(|w| w.name).collect()
}
