//! Reading manifests from their sources (built in, or `--tools-dir` folders) into one catalogue,
//! collecting every problem as `file:line:col: what is wrong`.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::compile::{CompiledTool, Problem, check_format, compile};
use super::locate::{LocationIndex, Position};
use super::raw::RawManifest;

include!(concat!(env!("OUT_DIR"), "/embedded_manifests.rs"));

/// One manifest file's text and the name it is reported under.
#[derive(Clone, Debug)]
pub struct ManifestFile {
    pub path: String,
    pub text: String,
}

/// A set of manifests that shadows the sets before it: built-ins first, then each tools dir.
#[derive(Clone, Debug)]
pub struct ManifestSource {
    pub label: String,
    pub files: Vec<ManifestFile>,
}

/// A problem in a file, printed as `file:line:col: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadProblem {
    pub file: String,
    pub position: Position,
    pub message: String,
}

impl fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.position.line, self.position.column, self.message
        )
    }
}

impl ManifestSource {
    /// The manifests compiled into the binary.
    pub fn builtin() -> ManifestSource {
        ManifestSource {
            label: "built-in tools".to_owned(),
            files: EMBEDDED_MANIFESTS
                .iter()
                .map(|(path, text)| ManifestFile {
                    path: (*path).to_owned(),
                    text: (*text).to_owned(),
                })
                .collect(),
        }
    }

    /// Every `*.yaml` / `*.yml` below `dir`, in path order.
    pub fn directory(dir: &Path) -> Result<ManifestSource, LoadProblem> {
        let mut paths = Vec::new();
        walk(dir, &mut paths).map_err(|e| LoadProblem {
            file: dir.display().to_string(),
            position: Position::START,
            message: format!("cannot read the tools directory: {e}"),
        })?;
        paths.sort();
        let mut files = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|e| LoadProblem {
                file: path.display().to_string(),
                position: Position::START,
                message: format!("cannot read the file: {e}"),
            })?;
            files.push(ManifestFile {
                path: path.display().to_string(),
                text,
            });
        }
        Ok(ManifestSource {
            label: dir.display().to_string(),
            files,
        })
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Parses and compiles one manifest.
pub fn load_file(
    file: &ManifestFile,
    workflows: &[&str],
) -> Result<CompiledTool, Vec<LoadProblem>> {
    let at = |position: Position, message: String| LoadProblem {
        file: file.path.clone(),
        position,
        message,
    };
    let options = serde_saphyr::options! { strict_booleans: true, with_snippet: false };
    let document: Value =
        serde_saphyr::from_str_with_options(&file.text, options).map_err(|e| {
            let position = e
                .location()
                .map(|l| Position {
                    line: usize::try_from(l.line()).unwrap_or(1).max(1),
                    column: usize::try_from(l.column()).unwrap_or(1).max(1),
                })
                .unwrap_or(Position::START);
            vec![at(position, yaml_message(&e.to_string()))]
        })?;
    let index = LocationIndex::build(&file.text);
    let problems = check_format(&document, &index);
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|p| at(p.position, p.message))
            .collect());
    }
    let raw: RawManifest =
        serde_json::from_value(document).map_err(|e| vec![at(Position::START, e.to_string())])?;
    compile(raw, &file.path, &index, workflows).map_err(|problems: Vec<Problem>| {
        problems
            .into_iter()
            .map(|p| at(p.position, p.message))
            .collect()
    })
}

/// The first line of a YAML error, without the position the caller already prints.
fn yaml_message(text: &str) -> String {
    let first = text.lines().next().unwrap_or(text).trim();
    let first = first.split(" at line ").next().unwrap_or(first);
    let first = first.replace(", set DuplicateKeyPolicy in Options if acceptable", "");
    format!("invalid YAML: {first}")
}

/// The tools of all sources: within a source names are unique; a later source replaces an
/// earlier one's tool of the same name. Every problem of every file is returned at once.
pub fn load_catalog(
    sources: &[ManifestSource],
    workflows: &[&str],
) -> Result<Vec<CompiledTool>, Vec<LoadProblem>> {
    let mut problems = Vec::new();
    let mut tools: Vec<CompiledTool> = Vec::new();
    for source in sources {
        let mut seen: HashMap<String, String> = HashMap::new();
        for (file, loaded) in source
            .files
            .iter()
            .zip(load_files(&source.files, workflows))
        {
            match loaded {
                Ok(tool) => {
                    if let Some(first) = seen.get(&tool.name) {
                        problems.push(LoadProblem {
                            file: file.path.clone(),
                            position: Position::START,
                            message: format!(
                                "tool name '{}' is already defined by {first}",
                                tool.name
                            ),
                        });
                        continue;
                    }
                    seen.insert(tool.name.clone(), file.path.clone());
                    if let Some(existing) = tools.iter_mut().find(|t| t.name == tool.name) {
                        tracing::info!(tool = %tool.name, by = %file.path, replaces = %existing.file, "tool overridden");
                        *existing = tool;
                    } else {
                        tools.push(tool);
                    }
                }
                Err(mut file_problems) => problems.append(&mut file_problems),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    tools.sort_by_key(|t| (toolset_rank(&t.toolset), t.toolset.clone(), t.file.clone()));
    Ok(tools)
}

/// Loads files on every core (compiling schemas and templates is most of start-up), keeping
/// their order.
fn load_files(
    files: &[ManifestFile],
    workflows: &[&str],
) -> Vec<Result<CompiledTool, Vec<LoadProblem>>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(4)
        .min(files.len());
    if threads <= 1 {
        return files.iter().map(|f| load_file(f, workflows)).collect();
    }
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                (
                    part,
                    scope.spawn(move || {
                        part.iter()
                            .map(|f| load_file(f, workflows))
                            .collect::<Vec<_>>()
                    }),
                )
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|(part, worker)| {
                worker.join().unwrap_or_else(|_| {
                    part.iter()
                        .map(|file| {
                            Err(vec![LoadProblem {
                                file: file.path.clone(),
                                position: Position::START,
                                message: "loading this manifest failed unexpectedly".to_owned(),
                            }])
                        })
                        .collect()
                })
            })
            .collect()
    })
}

/// The order toolsets are listed in; toolsets of user manifests not named here come after.
pub const TOOLSET_ORDER: &[&str] = &[
    "query",
    "records",
    "metadata",
    "composite",
    "analytics",
    "chatter",
    "knowledge",
    "synonyms",
    "cases",
    "reporting",
    "oauth",
];

fn toolset_rank(toolset: &str) -> usize {
    TOOLSET_ORDER
        .iter()
        .position(|t| *t == toolset)
        .unwrap_or(TOOLSET_ORDER.len())
}
