//! Which tools a server exposes: `--toolsets` (toolset names, tool names, the presets
//! `connector` and `all`) and `--read-only`.

use crate::manifest::CompiledTool;

/// The toolset that only `oauth` (not `all`) selects: tools that handle user credentials.
pub const OPT_IN_TOOLSETS: &[&str] = &["oauth"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Presets, toolset names and tool names.
    pub items: Vec<String>,
    pub read_only: bool,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            items: vec!["connector".to_owned()],
            read_only: false,
        }
    }
}

impl Selection {
    /// Parses `--toolsets query,records,get_limits`.
    pub fn parse(list: &str, read_only: bool) -> Selection {
        let items = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>();
        Selection {
            items: if items.is_empty() {
                vec!["connector".to_owned()]
            } else {
                items
            },
            read_only,
        }
    }

    /// Keeps the selected tools, in catalogue order. An unknown item is an error that lists
    /// what exists.
    pub fn apply(&self, tools: Vec<CompiledTool>) -> Result<Vec<CompiledTool>, String> {
        let mut unknown = Vec::new();
        for item in &self.items {
            let known = item == "all"
                || OPT_IN_TOOLSETS.contains(&item.as_str())
                || item == "connector"
                || tools.iter().any(|t| &t.toolset == item || &t.name == item);
            if !known {
                unknown.push(item.clone());
            }
        }
        if !unknown.is_empty() {
            let mut toolsets: Vec<&str> = tools.iter().map(|t| t.toolset.as_str()).collect();
            toolsets.sort_unstable();
            toolsets.dedup();
            return Err(format!(
                "unknown toolset or tool: {}. Presets: connector, all. Toolsets: {}. Or name single tools (salesforce-mcp tools lists them).",
                unknown.join(", "),
                toolsets.join(", ")
            ));
        }
        Ok(tools
            .into_iter()
            .filter(|tool| self.selects(tool))
            .filter(|tool| !self.read_only || tool.annotations.read_only)
            .collect())
    }

    fn selects(&self, tool: &CompiledTool) -> bool {
        self.items.iter().any(|item| match item.as_str() {
            "all" => !OPT_IN_TOOLSETS.contains(&tool.toolset.as_str()),
            "connector" => tool.connector,
            other => tool.toolset == other || tool.name == other,
        })
    }
}
