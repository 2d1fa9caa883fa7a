//! The check itself: each changed manifest or lock file is parsed as it is and as it
//! was, and only what the change added or changed is judged — never the dependencies
//! nobody touched.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use globset::{Glob, GlobSet, GlobSetBuilder};
use tollgate_config::{ConfigErrors, Policy, Severity};
use tollgate_core::finding::Package;
use tollgate_core::{ChangedFile, Check, CheckOutput, Finding, PathSet, Status, Wants};

use crate::config::{DepsConfig, Verdict, SECTION};
use crate::db::Database;
use crate::manifest::{self, FileKind};
use crate::model::{Dependency, Ecosystem, Kind, Requirement, Source};
use crate::osv::{Advisory, Exposure};
use crate::version;

/// How to fix or accept an advisory finding.
const ADVISORY_HELP: &str = "upgrade to a fixed version (or choose another package); if the advisory does not \
apply to how you use it, add a [[deps.ignore]] entry to the policy with the advisory id, the reason and an expiry date";
const TYPOSQUAT_HELP: &str = "check the name against the package you meant: typosquats imitate popular \
packages one slip away, and agents invent names attackers then register; if the name is right, allow it \
with an [[allow]] entry (rule = \"typosquat\") or a [[deps.allow]] entry";
const POLICY_HELP: &str = "the repository's policy ([deps] in .tollgate.toml or the organisation's policy) decides \
which packages and sources are allowed";

/// The advisories of one package, parsed once per run.
type Advisories = Arc<Vec<Advisory>>;

/// A manifest's range waiting to learn whether a lock file in the same change resolves
/// it (a lock file's resolved version wins over a manifest's range).
struct PendingRange {
    commit: Option<String>,
    dir: String,
    file: ChangedFile,
    dependency: Dependency,
}

#[derive(Default)]
struct RunState {
    pending: Vec<PendingRange>,
    /// (commit, ecosystem, lock file's folder, name) of every lock entry seen.
    locked: HashSet<(Option<String>, Ecosystem, String, String)>,
    /// (commit, ecosystem, name) already judged as a typosquat in this change.
    typos: HashSet<(Option<String>, Ecosystem, String)>,
    advisories: HashMap<(Ecosystem, String), Advisories>,
    db_used: bool,
}

/// The dependency guard, prepared for a policy.
pub struct DepsCheck {
    config: DepsConfig,
    paths: GlobSet,
    db_path: Option<PathBuf>,
    db: OnceLock<Result<Option<Database>, String>>,
    state: Mutex<RunState>,
}

impl DepsCheck {
    pub fn new(policy: &Policy) -> Result<DepsCheck, ConfigErrors> {
        let config = DepsConfig::from_policy(policy)?;
        let mut builder = GlobSetBuilder::new();
        for g in manifest::GLOBS {
            builder.add(Glob::new(g).expect("the manifest globs compile (tested)"));
        }
        let paths = builder.build().expect("the manifest globs compile (tested)");
        let db_path = database_path(&config);
        Ok(DepsCheck { config, paths, db_path, db: OnceLock::new(), state: Mutex::new(RunState::default()) })
    }

    /// The database this run uses, opened (and indexed if need be) on first use: a
    /// change that touches no manifest never opens it.
    fn database(&self) -> Result<Option<&Database>, String> {
        let opened = self.db.get_or_init(|| match &self.db_path {
            None => Ok(None),
            Some(p) => Database::open(p).map(Some).map_err(|e| format!("advisory database {}: {e}", p.display())),
        });
        match opened {
            Ok(db) => Ok(db.as_ref()),
            Err(e) => Err(e.clone()),
        }
    }

    /// The advisories that name a package (parsed once per run).
    fn advisories(&self, ecosystem: Ecosystem, key: &str) -> Result<Option<Advisories>, String> {
        let Some(db) = self.database()? else { return Ok(None) };
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.db_used = true;
        if let Some(found) = state.advisories.get(&(ecosystem, key.to_string())) {
            return Ok(Some(found.clone()));
        }
        let records = db.records(ecosystem, key).map_err(|e| e.to_string())?;
        let mut parsed = Vec::with_capacity(records.len());
        for r in records {
            let advisory = Advisory::parse(&r.json).map_err(|e| format!("{}: {e}", r.origin))?;
            if !advisory.is_withdrawn() {
                parsed.push(advisory);
            }
        }
        let parsed = Arc::new(parsed);
        state.advisories.insert((ecosystem, key.to_string()), parsed.clone());
        Ok(Some(parsed))
    }

    fn severity(&self, rule: &str) -> Option<Severity> {
        self.config.enabled(rule).then(|| self.config.severity_of(rule))
    }

    fn judge_dependency(&self, file: &ChangedFile, kind: FileKind, dep: &Dependency, out: &mut CheckOutput) {
        let key = dep.key();
        if let Verdict::Report(severity) = self.config.source_verdict(&dep.source) {
            if self.config.enabled("dependency-source") {
                let severity = self.config.severity.get("dependency-source").copied().unwrap_or(severity);
                let message = format!("{} comes from {}", display(dep), describe_source(&dep.source));
                out.findings.push(self.finding(file, dep, "dependency-source", severity, message, POLICY_HELP));
            }
        }
        if let Some(rule) = self.config.deny.iter().find(|r| r.matches(dep.ecosystem, &key, dep.version())) {
            if let Some(severity) = self.severity("dependency-denied") {
                let why = rule.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
                let message = format!("{} is denied by the policy ({}){why}", display(dep), rule.location);
                out.findings.push(self.finding(file, dep, "dependency-denied", severity, message, POLICY_HELP));
            }
        }
        if self.config.allowlist_only
            && !self.config.allow.iter().any(|r| r.matches(dep.ecosystem, &key, dep.version()))
        {
            if let Some(severity) = self.severity("dependency-not-allowed") {
                let message = format!("{} is not on the policy's allowlist ([[deps.allow]])", display(dep));
                out.findings.push(self.finding(file, dep, "dependency-not-allowed", severity, message, POLICY_HELP));
            }
        }
        if dep.source == Source::Registry {
            self.judge_name(file, dep, &key, out);
        }
        match &dep.requirement {
            Requirement::Resolved(version) if dep.source == Source::Registry => {
                self.judge_version(file, dep, &key, version, out)
            }
            Requirement::Range(_) | Requirement::Any if dep.source == Source::Registry && !kind.is_lock() => {
                self.pending(file, dep)
            }
            _ => {}
        }
    }

    fn pending(&self, file: &ChangedFile, dep: &Dependency) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.pending.push(PendingRange {
            commit: file.commit.as_ref().map(|c| c.id.clone()),
            dir: folder(&file.path).to_string(),
            file: file.clone(),
            dependency: dep.clone(),
        });
    }

    /// A typosquat or invented name: judged once per name per change.
    fn judge_name(&self, file: &ChangedFile, dep: &Dependency, key: &str, out: &mut CheckOutput) {
        if !self.config.typosquat {
            return;
        }
        let Some(severity) = self.severity("typosquat") else { return };
        if self.config.allow.iter().any(|r| r.matches(dep.ecosystem, key, None)) {
            return;
        }
        let Some(suspicion) = crate::typosquat::suspect(dep.ecosystem, &dep.name) else { return };
        let first = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.typos.insert((file.commit.as_ref().map(|c| c.id.clone()), dep.ecosystem, key.to_string()))
        };
        if first {
            let message = format!(
                "{} `{}` is one slip from the popular `{}` ({}): did you mean `{}`?",
                dep.ecosystem, dep.name, suspicion.original, suspicion.confusion, suspicion.original
            );
            out.findings.push(self.finding(file, dep, "typosquat", severity, message, TYPOSQUAT_HELP));
        }
    }

    fn judge_version(&self, file: &ChangedFile, dep: &Dependency, key: &str, version: &str, out: &mut CheckOutput) {
        let advisories = match self.advisories(dep.ecosystem, key) {
            Ok(Some(a)) => a,
            Ok(None) => return,
            Err(e) => return out.errors.push(e),
        };
        for advisory in advisories.iter() {
            match advisory.matches(dep.ecosystem, key, version) {
                Ok(false) => {}
                Ok(true) => {
                    let fixed = advisory.nearest_fixed(dep.ecosystem, key, version);
                    self.report_advisory(file, dep, advisory, fixed.as_deref(), false, out);
                }
                Err(e) => out.errors.push(format!(
                    "{}:{}: cannot compare {} {version} with advisory {}: {e}",
                    file.path,
                    dep.line.unwrap_or(1),
                    dep.name,
                    advisory.id
                )),
            }
        }
    }

    /// One finding for an advisory that applies; `range` when only some of the
    /// versions a specifier admits are affected (it warns).
    fn report_advisory(
        &self,
        file: &ChangedFile,
        dep: &Dependency,
        advisory: &Advisory,
        fixed: Option<&str>,
        range: bool,
        out: &mut CheckOutput,
    ) {
        let key = dep.key();
        let mut ids: Vec<&str> = vec![advisory.id.as_str()];
        ids.extend(advisory.aliases.iter().map(String::as_str));
        if let Some(ignore) = self.config.ignore.iter().find(|i| i.covers(dep.ecosystem, &key, &ids)) {
            if !ignore.expired(tollgate_config::today()) {
                return;
            }
            out.warnings.push(tollgate_core::Warning {
                path: file.path.to_string(),
                line: dep.line,
                commit: file.commit.as_ref().map(|c| c.id.clone()),
                message: format!(
                    "the exception for {} at {} expired on {}: the advisory is reported again",
                    advisory.id,
                    ignore.location,
                    ignore.expires.map(|d| d.to_string()).unwrap_or_default()
                ),
            });
        }
        let (rule, severity) = if advisory.is_malicious() {
            ("malicious-package", self.severity("malicious-package"))
        } else if advisory.informational().is_some() {
            ("advisory-notice", self.severity("advisory-notice"))
        } else {
            let level = advisory.severity().level;
            let by_level = if self.config.block.contains(level.as_str()) {
                Some(Severity::Block)
            } else if self.config.warn.contains(level.as_str()) {
                Some(Severity::Warn)
            } else {
                None
            };
            let severity = match self.config.severity.get("vulnerable-dependency") {
                Some(s) => by_level.map(|_| *s),
                None => by_level,
            };
            ("vulnerable-dependency", severity.filter(|_| self.config.enabled("vulnerable-dependency")))
        };
        let Some(mut severity) = severity else { return };
        if range && rule != "malicious-package" {
            severity = Severity::Warn;
        }
        let mut message = match (rule, range) {
            ("malicious-package", _) => format!("{} is recorded as malicious ({})", display(dep), advisory.id),
            (_, true) => format!("{} admits versions affected by {}", display(dep), advisory.id),
            _ => format!("{} is affected by {}", display(dep), advisory.id),
        };
        if !advisory.aliases.is_empty() {
            message.push_str(&format!(" ({})", advisory.aliases.join(", ")));
        }
        if let Some(summary) = advisory.headline() {
            message.push_str(&format!(": {summary}"));
        }
        if let Some(kind) = advisory.informational() {
            message.push_str(&format!(" [{kind}]"));
        }
        let severity_of_record = advisory.severity();
        let (level, score) = (severity_of_record.level, severity_of_record.score);
        message.push_str(&match score {
            Some(s) => format!("; severity {} (CVSS {s:.1})", level.as_str()),
            None => format!("; severity {}", level.as_str()),
        });
        match fixed {
            Some(f) => message.push_str(&format!("; fixed in {f}")),
            None if rule == "vulnerable-dependency" => message.push_str("; no fixed version is known"),
            None => {}
        }
        let help = if rule == "malicious-package" {
            "remove the package now and treat the machine that installed it as compromised: rotate the credentials \
             it could read"
        } else {
            ADVISORY_HELP
        };
        let mut advisories = ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        advisories.dedup();
        let finding = self.finding(file, dep, rule, severity, message, help).with_fingerprint(&[
            SECTION.as_bytes(),
            rule.as_bytes(),
            dep.ecosystem.osv_name().as_bytes(),
            key.as_bytes(),
            requirement_text(dep).as_bytes(),
            advisory.id.as_bytes(),
        ]);
        out.findings.push(finding.with_package(package(dep), advisories));
    }

    fn finding(
        &self,
        file: &ChangedFile,
        dep: &Dependency,
        rule: &'static str,
        severity: Severity,
        message: String,
        help: &str,
    ) -> Finding {
        let finding = Finding::new(SECTION, rule, severity, message);
        let finding = match dep.line {
            Some(line) => finding.at_line(file, line),
            None => finding.in_file(file),
        };
        finding
            .with_evidence(display(dep))
            .with_help(help.to_string())
            .with_package(package(dep), Vec::new())
            .with_fingerprint(&[
                SECTION.as_bytes(),
                rule.as_bytes(),
                dep.ecosystem.osv_name().as_bytes(),
                dep.key().as_bytes(),
                requirement_text(dep).as_bytes(),
            ])
    }

    /// The ranges of manifests that no lock file of the same change resolved.
    fn judge_pending(&self, out: &mut CheckOutput) {
        let (pending, locked) = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            (std::mem::take(&mut state.pending), std::mem::take(&mut state.locked))
        };
        for p in pending {
            let dep = &p.dependency;
            let key = dep.key();
            let resolved_by_lock = locked.iter().any(|(commit, eco, dir, name)| {
                *commit == p.commit && *eco == dep.ecosystem && *name == key && is_within(&p.dir, dir)
            });
            if resolved_by_lock {
                continue;
            }
            if self.config.require_pins {
                if let Some(severity) = self.severity("dependency-unpinned") {
                    let message =
                        format!("{} names no exact version and no lock file in this change resolves it", display(dep));
                    let help = "pin an exact version, or commit the lock file the package manager updated";
                    out.findings.push(self.finding(&p.file, dep, "dependency-unpinned", severity, message, help));
                }
            }
            let advisories = match self.advisories(dep.ecosystem, &key) {
                Ok(Some(a)) => a,
                Ok(None) => continue,
                Err(e) => {
                    out.errors.push(e);
                    continue;
                }
            };
            let admitted = match &dep.requirement {
                Requirement::Range(spec) => match version::parse_range(dep.ecosystem, spec) {
                    Ok(set) => set,
                    Err(e) => {
                        out.errors.push(format!(
                            "{}:{}: `{spec}` is not a {} version range: {e}",
                            p.file.path,
                            dep.line.unwrap_or(1),
                            dep.ecosystem
                        ));
                        continue;
                    }
                },
                _ => version::VersionSet::all(),
            };
            for advisory in advisories.iter() {
                match advisory.exposure(dep.ecosystem, &key, &admitted) {
                    Ok(Exposure::None) => {}
                    Ok(Exposure::Every) => self.report_advisory(&p.file, dep, advisory, None, false, out),
                    Ok(Exposure::Some) => self.report_advisory(&p.file, dep, advisory, None, true, out),
                    Err(e) => out.errors.push(format!("{}: advisory {}: {e}", p.file.path, advisory.id)),
                }
            }
        }
    }

    /// Warnings (or findings, as the policy says) about the database itself.
    fn judge_database(&self, out: &mut CheckOutput) {
        let needed = {
            let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.db_used
        };
        if self.db_path.is_none() && self.db.get().is_some() {
            if let Some(severity) = self.config.missing_db.filter(|_| self.config.enabled("osv-db-missing")) {
                let message = "no advisory database: dependencies were not checked for known vulnerabilities \
                               (run `tollgate-deps db update`, or set [deps] osv_db or --osv-db)"
                    .to_string();
                self.database_notice(out, "osv-db-missing", severity, message);
            }
            return;
        }
        if !needed {
            return;
        }
        let Ok(Some(db)) = self.database() else { return };
        let Some(age) = database_age_days(&db.info()) else { return };
        if age > u64::from(self.config.max_db_age_days) && self.config.enabled("osv-db-stale") {
            let message = format!(
                "the advisory database is {age} days old (the policy allows {}): run `tollgate-deps db update`",
                self.config.max_db_age_days
            );
            self.database_notice(out, "osv-db-stale", self.config.severity_of("osv-db-stale"), message);
        }
    }

    fn database_notice(&self, out: &mut CheckOutput, rule: &'static str, severity: Severity, message: String) {
        match severity {
            Severity::Warn => out.warnings.push(tollgate_core::Warning {
                path: self
                    .db_path
                    .as_ref()
                    .map_or_else(|| "(advisory database)".to_string(), |p| p.display().to_string()),
                line: None,
                commit: None,
                message,
            }),
            Severity::Block => out.findings.push(
                Finding::new(SECTION, rule, severity, message)
                    .with_help("keep the advisory database current: `tollgate-deps db update` (a CI job can do it)"),
            ),
        }
    }
}

impl Check for DepsCheck {
    fn name(&self) -> &'static str {
        SECTION
    }

    /// Manifests and lock files, with what they were before the change.
    fn wants(&self) -> Wants {
        Wants {
            text: true,
            old_content: PathSet::Globs(self.paths.clone()),
            paths: PathSet::Globs(self.paths.clone()),
            ..Wants::default()
        }
    }

    fn judge_file(&self, file: &ChangedFile, out: &mut CheckOutput) {
        let Some(kind) = FileKind::of(&file.path) else { return };
        if matches!(file.status, Status::Deleted) || file.binary {
            return;
        }
        let place = |line: u32, column: u32| match &file.commit {
            Some(c) => format!("{}:{line}:{column} (commit {})", file.path, &c.id[..c.id.len().min(12)]),
            None => format!("{}:{line}:{column}", file.path),
        };
        let now = match manifest::parse(&file.path, &file.text) {
            Ok(parsed) => parsed,
            Err(e) => return out.errors.push(format!("{}: {}", place(e.line, e.column), e.message)),
        };
        // What the file declared before: a previous version that does not parse (or
        // none) means every declaration is new.
        let before = file.previous.as_ref().and_then(|p| manifest::parse(&file.path, p).ok());
        let known: HashSet<Identity> = before.iter().flat_map(|b| b.dependencies.iter().map(identity)).collect();
        let commit = file.commit.as_ref().map(|c| c.id.clone());
        if kind.is_lock() {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let dir = folder(&file.path).to_string();
            for dep in &now.dependencies {
                state.locked.insert((commit.clone(), dep.ecosystem, dir.clone(), dep.key()));
            }
        }
        let mut judged: HashSet<Identity> = HashSet::new();
        for (i, dep) in now.dependencies.iter().enumerate() {
            // `workspace = true`: the version is the workspace's, judged where it is declared.
            if now.workspace_inherited.contains(&i) && dep.requirement == Requirement::Any {
                continue;
            }
            let id = identity(dep);
            if known.contains(&id) || !judged.insert(id) {
                continue;
            }
            if !self.config.dev && matches!(dep.kind, Kind::Dev | Kind::Build) {
                continue;
            }
            self.judge_dependency(file, kind, dep, out);
        }
    }

    fn finish(&self, out: &mut CheckOutput) {
        self.judge_pending(out);
        self.judge_database(out);
    }
}

/// What makes two declarations the same: a changed version or source is a new one.
type Identity = (Ecosystem, String, String, String);

fn identity(dep: &Dependency) -> Identity {
    (dep.ecosystem, dep.key(), requirement_text(dep), format!("{:?}", dep.source))
}

fn requirement_text(dep: &Dependency) -> String {
    match &dep.requirement {
        Requirement::Resolved(v) => v.clone(),
        Requirement::Range(r) => r.clone(),
        Requirement::Any => "*".to_string(),
    }
}

fn display(dep: &Dependency) -> String {
    match &dep.requirement {
        Requirement::Resolved(v) => format!("{} {v}", dep.name),
        Requirement::Range(r) => format!("{} {r}", dep.name),
        Requirement::Any => dep.name.clone(),
    }
}

fn package(dep: &Dependency) -> Package {
    Package { ecosystem: dep.ecosystem.osv_name().to_string(), name: dep.name.clone(), version: requirement_text(dep) }
}

fn describe_source(source: &Source) -> String {
    match source {
        Source::Registry => "the default registry".into(),
        Source::OtherRegistry(u) => format!("another registry ({u})"),
        Source::Git(u) => format!("a git repository ({u})"),
        Source::Path(p) => format!("a local path ({p})"),
        Source::Url(u) => format!("a URL ({u})"),
    }
}

/// The folder of a repository path (`""` at the top).
fn folder(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// Whether `inner` is `outer` or below it (a workspace's lock file at the top resolves
/// its members' manifests).
fn is_within(inner: &str, outer: &str) -> bool {
    outer.is_empty() || inner == outer || inner.strip_prefix(outer).is_some_and(|rest| rest.starts_with('/'))
}

/// The database a run reads: `TOLLGATE_OSV_DB` (what `--osv-db` sets), the policy's
/// `osv_db`, then the cache `tollgate-deps db update` writes, if it exists.
pub fn database_path(config: &DepsConfig) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TOLLGATE_OSV_DB").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    if let Some(p) = &config.osv_db {
        return Some(p.clone());
    }
    crate::db::default_db_dir().filter(|d| d.exists())
}

/// How many days old a database is: since its oldest download (`db update`), else
/// since its newest advisory was modified (a folder of records someone else fetched).
pub fn database_age_days(info: &crate::db::DbInfo) -> Option<u64> {
    let stamp = match info.downloads.values().map(|d| d.downloaded_at.as_str()).min() {
        Some(oldest) => oldest.to_string(),
        None => info.newest_modified.clone()?,
    };
    let date = tollgate_config::Date::parse(stamp.get(..10)?)?;
    let today = tollgate_config::today();
    Some(days_between(date, today).max(0) as u64)
}

/// Days from `a` to `b` (proleptic Gregorian calendar).
fn days_between(a: tollgate_config::Date, b: tollgate_config::Date) -> i64 {
    fn days(d: tollgate_config::Date) -> i64 {
        // Days since 1970-01-01 (Howard Hinnant's civil-from-days, inverted).
        let (y, m, day) = (i64::from(d.year), i64::from(d.month), i64::from(d.day));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
    days(b) - days(a)
}
