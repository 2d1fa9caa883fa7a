//! `tollgate inventory`: the AI assistants a repository is set up for, as a report,
//! JSON or a CycloneDX AI bill of materials. The work is in `tollgate-inventory`; this
//! loads the policy (for the MCP allowlist) and prints.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use git2::Repository;
use tollgate_inventory::{cyclonedx, gather, render};
use tollgate_runner::registry::REGISTRY;
use tollgate_runner::EXIT_CLEAN;

use crate::cli::CommonArgs;

/// `tollgate inventory [PATH] [--rev RANGE]`. Outside a git repository only the
/// configuration is inventoried.
pub fn run(path: Option<&Path>, rev: &str, common: &CommonArgs) -> Result<u8> {
    let root = path.unwrap_or(Path::new("."));
    if !root.is_dir() {
        bail!("{} is not a folder", root.display());
    }
    let format = common.format.as_str();
    if !matches!(format, "human" | "json" | "cyclonedx") {
        bail!("unknown format `{format}` for inventory: human, json or cyclonedx");
    }
    let repo = Repository::discover(root).ok();
    let policy = tollgate_runner::load_policy(REGISTRY, repo.as_ref(), common.config.as_deref())?;
    let allow = tollgate_policy::PolicyConfig::from_policy(&policy)?.mcp;
    let inventory = gather(root, repo.as_ref(), rev, &allow)?;
    let text = match format {
        "json" => render::json(&inventory),
        "cyclonedx" => {
            let full = root.canonicalize().with_context(|| format!("cannot resolve {}", root.display()))?;
            let subject =
                full.file_name().map_or_else(|| full.display().to_string(), |n| n.to_string_lossy().into_owned());
            cyclonedx::render(&inventory, &subject)
        }
        _ => render::human(&inventory),
    };
    if format != "human" {
        // The human report lists them itself; machines get them on stderr as well.
        for p in &inventory.problems {
            eprintln!("tollgate: warning: {p}");
        }
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    Ok(EXIT_CLEAN)
}
