//! `tollgate-deps db` (and `tollgate db`): the dependency guard's advisory database —
//! downloading it with a progress bar, and showing what it holds.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use tollgate_deps::db::{self, Database, Progress, Stage};
use tollgate_deps::Ecosystem;
use tollgate_runner::EXIT_CLEAN;

use crate::cli::{CommonArgs, DbAction};

pub fn run(tool: &str, common: &CommonArgs, action: DbAction) -> Result<u8> {
    match action {
        DbAction::Update { ecosystems, dir, mirror } => {
            let ecosystems = parse_ecosystems(&ecosystems)?;
            let dir = dir
                .or_else(|| database_dir(common))
                .context("no folder for the database: HOME is not set; name one with --dir or --osv-db")?;
            let base = mirror.as_deref().unwrap_or(db::DEFAULT_BASE_URL);
            let mut bar = ProgressBar::new(std::io::stderr().is_terminal());
            let report = db::update(&dir, base, &ecosystems, &mut |p| bar.show(p))
                .with_context(|| format!("the database in {} was not changed", dir.display()))?;
            bar.clear();
            let mut out = String::new();
            for u in &report.updated {
                out.push_str(&format!(
                    "{tool}: {:<9} {:>7} advisories, {:>6.1} MB, sha256 {}\n",
                    u.ecosystem.osv_name(),
                    u.download.records,
                    u.download.size as f64 / 1e6,
                    &u.download.sha256
                ));
            }
            out.push_str(&format!("{tool}: database in {} is up to date\n", dir.display()));
            print!("{out}");
            Ok(EXIT_CLEAN)
        }
        DbAction::Status => {
            let dir = database_dir(common).context("no database: HOME is not set and no --osv-db was given")?;
            print!("{}", status(&dir)?);
            Ok(EXIT_CLEAN)
        }
    }
}

/// The database a command works on: `--osv-db`, `TOLLGATE_OSV_DB`, then the cache.
pub fn database_dir(common: &CommonArgs) -> Option<PathBuf> {
    common
        .osv_db
        .clone()
        .or_else(|| std::env::var_os("TOLLGATE_OSV_DB").filter(|v| !v.is_empty()).map(PathBuf::from))
        .or_else(db::default_db_dir)
}

/// What `db status` and `doctor` say about a database.
pub fn status(dir: &std::path::Path) -> Result<String> {
    if !dir.exists() {
        return Ok(format!(
            "no advisory database at {}: run `tollgate-deps db update` (dependencies are not checked for known \
             vulnerabilities until then)\n",
            dir.display()
        ));
    }
    let db = Database::open(dir).with_context(|| format!("advisory database {}", dir.display()))?;
    let info = db.info();
    let mut out = format!("advisory database {}: {} advisories", dir.display(), info.records);
    let per: Vec<String> = info.records_per_ecosystem.iter().map(|(e, n)| format!("{} {n}", e.osv_name())).collect();
    if !per.is_empty() {
        out.push_str(&format!(" ({})", per.join(", ")));
    }
    out.push('\n');
    match tollgate_deps::check::database_age_days(&info) {
        Some(days) => out.push_str(&format!("  updated {days} days ago\n")),
        None => out.push_str("  age unknown (no download record and no dated advisory)\n"),
    }
    for (eco, d) in &info.downloads {
        out.push_str(&format!("  {eco:<9} downloaded {} from {} (sha256 {})\n", d.downloaded_at, d.url, d.sha256));
    }
    Ok(out)
}

fn parse_ecosystems(names: &[String]) -> Result<Vec<Ecosystem>> {
    if names.is_empty() {
        return Ok(Ecosystem::ALL.to_vec());
    }
    names
        .iter()
        .map(|n| Ecosystem::parse(n).with_context(|| format!("`{n}` is not an ecosystem (cargo, npm, pypi, go)")))
        .collect()
}

/// A one-line progress bar on stderr when it is a terminal; a line per stage otherwise.
struct ProgressBar {
    terminal: bool,
    last: Option<(Option<Ecosystem>, Stage)>,
}

impl ProgressBar {
    fn new(terminal: bool) -> ProgressBar {
        ProgressBar { terminal, last: None }
    }

    fn show(&mut self, p: Progress) {
        let what = match p.stage {
            Stage::Downloading => "downloading",
            Stage::Verifying => "verifying",
            Stage::Indexing => "indexing",
        };
        let name = p.ecosystem.map(|e| e.osv_name()).unwrap_or("all");
        let mut err = std::io::stderr().lock();
        if !self.terminal {
            if self.last != Some((p.ecosystem, p.stage)) {
                let _ = writeln!(err, "{what} {name}");
                self.last = Some((p.ecosystem, p.stage));
            }
            return;
        }
        let line = match (p.stage, p.total) {
            (Stage::Downloading, Some(total)) if total > 0 => {
                let filled = (p.done.min(total) * 30 / total) as usize;
                format!(
                    "{what} {name:<9} [{}{}] {:>5.1}/{:.1} MB",
                    "#".repeat(filled),
                    " ".repeat(30 - filled),
                    p.done as f64 / 1e6,
                    total as f64 / 1e6
                )
            }
            (Stage::Downloading, _) => format!("{what} {name:<9} {:.1} MB", p.done as f64 / 1e6),
            _ => format!("{what} {name:<9} {} records", p.done),
        };
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
    }

    fn clear(&self) {
        if self.terminal {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
