//! Knowledge article lifecycle steps that take several requests.

use crate::engine::Workflow;

pub fn workflows() -> Vec<Workflow> {
    Vec::new()
}
