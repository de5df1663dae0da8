//! Human-readable views of the tool catalogue: the `tools` listing, its JSON form and the
//! Markdown table in the README (generated from the manifests, so the two cannot drift).

use serde_json::{Value, json};

use crate::manifest::CompiledTool;

/// The first sentence of a description, for one-line listings.
pub fn summary(description: &str) -> String {
    let text = description.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.find(". ") {
        Some(end) => text[..=end].to_owned(),
        None => text,
    }
}

/// `tools --json`: name, title, toolset, connector flag and the four annotations of each tool.
pub fn json_listing(tools: &[&CompiledTool]) -> Value {
    Value::Array(
        tools
            .iter()
            .map(|t| {
                json!({
                    "name": t.name,
                    "title": t.title,
                    "toolset": t.toolset,
                    "connector": t.connector,
                    "annotations": t.annotations,
                })
            })
            .collect(),
    )
}

/// `tools`: one line per tool.
pub fn text_listing(tools: &[&CompiledTool]) -> String {
    let width = tools.iter().map(|t| t.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for t in tools {
        let a = &t.annotations;
        let flags = format!(
            "{}{}{}{}",
            if a.read_only { "R" } else { "-" },
            if a.destructive { "D" } else { "-" },
            if a.idempotent { "I" } else { "-" },
            if a.open_world { "O" } else { "-" },
        );
        out.push_str(&format!(
            "{:<width$}  {:<10} {}  {}\n",
            t.name, t.toolset, flags, t.title
        ));
    }
    out
}

/// `tools --markdown`: the README's tool table.
pub fn markdown_table(tools: &[&CompiledTool]) -> String {
    let mut out = String::from(
        "| tool | toolset | connector | read-only | destructive | what it does |\n|---|---|---|---|---|---|\n",
    );
    for t in tools {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            t.name,
            t.toolset,
            if t.connector { "yes" } else { "" },
            if t.annotations.read_only { "yes" } else { "" },
            if t.annotations.destructive { "yes" } else { "" },
            summary(&t.description).replace('|', "\\|"),
        ));
    }
    out
}
