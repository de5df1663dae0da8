//! Filters for shaping composite requests (e.g. relative sub-request urls).

use minijinja::Environment;

pub fn register(_env: &mut Environment<'static>) {}
