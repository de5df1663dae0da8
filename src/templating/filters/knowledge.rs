//! Filters for shaping Knowledge pages and articles.

use minijinja::Environment;

pub fn register(_env: &mut Environment<'static>) {}
