//! Responses kept for the life of the process (describe results): metadata that rarely changes
//! and that agents ask for again and again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

#[derive(Default)]
pub struct ResponseCache {
    entries: Mutex<HashMap<String, Arc<Value>>>,
}

impl ResponseCache {
    pub fn get(&self, key: &str) -> Option<Arc<Value>> {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned()
    }

    pub fn put(&self, key: String, value: Arc<Value>) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, value);
    }
}
