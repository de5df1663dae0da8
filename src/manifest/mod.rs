//! The tool-manifest format: YAML files that declare a tool's arguments, the Salesforce request
//! it sends (or the workflow it runs) and how the answer is shaped. Loaded and compiled once.

pub mod compile;
pub mod load;
pub mod locate;
pub mod plan;
pub mod raw;

pub use compile::{Action, Annotations, CompiledTool};
pub use load::{LoadProblem, ManifestFile, ManifestSource, load_catalog, load_file};
