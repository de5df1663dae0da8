//! Case management: creating, categorizing and answering cases, their timeline, Knowledge suggestions.

use crate::engine::Workflow;

pub fn workflows() -> Vec<Workflow> {
    Vec::new()
}
