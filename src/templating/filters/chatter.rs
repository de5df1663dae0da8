//! Filters for shaping Chatter / Connect pages.

use minijinja::Environment;

pub fn register(_env: &mut Environment<'static>) {}
