//! `tollgate policy show | check | test`: the policy in force, validation of policy
//! files, and every rule run on its own examples — so people writing rules get the
//! packs' safety net.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use git2::Repository;
use serde_json::json;
use tollgate_config::{LayerSource, Policy};

use crate::registry::{self, CheckEntry};
use crate::RunError;

/// `policy show`: the layers, shared settings, exceptions, and each check's rules with
/// their source, severity and state. JSON when `json`.
pub fn show(
    registry: &[CheckEntry],
    repo: Option<&Repository>,
    explicit: Option<&Path>,
    json: bool,
) -> Result<String, RunError> {
    let policy = crate::load_policy(registry, repo, explicit)?;
    let mut checks = Vec::new();
    for entry in registry {
        let rules = (entry.describe)(&policy)?;
        checks.push((entry, rules));
    }
    let layers: Vec<String> = policy.layers.iter().map(describe_layer).collect();
    if json {
        let value = json!({
            "layers": layers,
            "settings": {
                "inline_allow": policy.inline_allow,
                "max_file_bytes": policy.max_file_bytes,
                "max_line_bytes": policy.max_line_bytes,
                "baseline": policy.baseline,
                "audit_log": policy.audit_log,
            },
            "allow": policy.allow.iter().map(|a| json!({
                "path": a.path, "check": a.check, "rule": a.rule, "fingerprint": a.fingerprint,
                "reason": a.reason, "expires": a.expires.map(|d| d.to_string()), "source": a.location,
            })).collect::<Vec<_>>(),
            "checks": checks.iter().map(|(e, rules)| json!({
                "name": e.name, "binary": e.binary, "enabled": policy.check_enabled(e.name), "rules": rules,
            })).collect::<Vec<_>>(),
        });
        return Ok(serde_json::to_string_pretty(&value).unwrap_or_default() + "\n");
    }
    let mut s = String::from("layers     built-in rule packs\n");
    for l in &layers {
        let _ = writeln!(s, "           then {l}");
    }
    let _ = writeln!(
        s,
        "settings   inline_allow={} max_file_bytes={} max_line_bytes={} audit_log={}",
        policy.inline_allow, policy.max_file_bytes, policy.max_line_bytes, policy.audit_log
    );
    for a in &policy.allow {
        let target: Vec<String> =
            [("path", &a.path), ("check", &a.check), ("rule", &a.rule), ("fingerprint", &a.fingerprint)]
                .iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
                .collect();
        let _ = writeln!(s, "allow      {} ({}) [{}]", target.join(" "), a.reason, a.location);
    }
    for (entry, rules) in &checks {
        let state = if policy.check_enabled(entry.name) { "enabled" } else { "disabled" };
        let on = rules.iter().filter(|r| r.enabled).count();
        let _ = writeln!(s, "\ncheck {} ({state}): {on} of {} rules on", entry.name, rules.len());
        for r in rules {
            let mark = if r.enabled { " " } else { "-" };
            let _ = writeln!(s, "  {mark} {:<44} {:<5}  {}", r.id, r.severity, r.source);
        }
    }
    Ok(s)
}

fn describe_layer(layer: &LayerSource) -> String {
    let (kind, path) = match layer {
        LayerSource::Organisation(p) => ("organisation", p),
        LayerSource::Repository(p) => ("repository", p),
        LayerSource::Personal(p) => ("personal", p),
        LayerSource::CommandLine(p) => ("--config", p),
    };
    format!("{kind}: {}", path.display())
}

/// Loads `files` as one policy (in order, over the built-in packs).
fn load_files(registry: &[CheckEntry], files: &[PathBuf]) -> Result<Policy, RunError> {
    let layers = files.iter().map(|f| LayerSource::CommandLine(f.clone())).collect();
    let sections = registry::sections(registry);
    let (policy, mut errors) = Policy::load_partial(layers, &sections);
    for entry in registry {
        if let Err(more) = (entry.check_config)(&policy) {
            errors.extend(more);
        }
    }
    errors.sort();
    errors.into_result(policy).map_err(RunError::Policy)
}

/// `policy check FILE...`: each file alone, every error located. Returns the report
/// and whether every file is valid.
pub fn check(registry: &[CheckEntry], files: &[PathBuf]) -> (String, bool) {
    let mut s = String::new();
    let mut all_ok = true;
    for file in files {
        match load_files(registry, std::slice::from_ref(file)) {
            Ok(_) => {
                let _ = writeln!(s, "{}: ok", file.display());
            }
            Err(e) => {
                all_ok = false;
                let _ = writeln!(s, "{e}");
            }
        }
    }
    (s, all_ok)
}

/// `policy test [FILE...]`: every rule in force (with FILEs: the built-in packs and
/// those files; without: the repository's policy) run on its own examples. Returns the
/// report and whether every example behaved.
pub fn test(registry: &[CheckEntry], repo: Option<&Repository>, files: &[PathBuf]) -> Result<(String, bool), RunError> {
    let policy =
        if files.is_empty() { crate::load_policy(registry, repo, None)? } else { load_files(registry, files)? };
    let mut s = String::new();
    let mut ok = true;
    for entry in registry {
        let rules = (entry.describe)(&policy)?.len();
        let failures = (entry.self_test)(&policy)?;
        if failures.is_empty() {
            let _ = writeln!(s, "{}: {rules} rules, every example behaves", entry.name);
        } else {
            ok = false;
            let _ = writeln!(s, "{}: {} of the examples misbehave:", entry.name, failures.len());
            for f in failures {
                let _ = writeln!(s, "  {f}");
            }
        }
    }
    Ok((s, ok))
}
