//! Filters for shaping reports and dashboards (e.g. a report run's factMap turned into rows).

use minijinja::Environment;

pub fn register(_env: &mut Environment<'static>) {}
