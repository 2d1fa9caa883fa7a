//! tollgate's policy check: the rules a team enforces on every change besides secrets.
//!
//! - **Forbidden files** ([`paths`]): `.env` files, private keys and keystores,
//!   credential files, Terraform state, shell histories, database dumps — rules as data
//!   in `policies/policy/paths.toml`, judged on added and renamed paths, binary or not.
//! - **Size**: added files over a limit (5 MiB by default, per-glob overrides); Git LFS
//!   pointers are not large files.
//! - **Hidden text** ([`hidden`]): Trojan Source bidirectional controls, invisible
//!   characters, Unicode tag characters and variation-selector payloads that smuggle
//!   instructions to AI agents, merge-conflict markers. No inline marker silences them.
//! - **Reviewed paths** ([`reviewed`]): changes under given globs need a `Reviewed-by:`
//!   trailer; an AI assistant cannot be its own reviewer.
//! - **AI trailer** ([`ai_trailer`]): a commit whose staged lines the agent hook
//!   mostly recorded must credit the agent (`[policy.ai]`).
//! - **AI assistant configuration** ([`ai_config`]): MCP servers against an allowlist,
//!   unpinned server packages, Claude Code settings that bypass permissions or remove
//!   tollgate's own hook — parsed, never grepped.
//!
//! - **Content rules** ([`content`]): insecure patterns in added lines — CI workflows,
//!   containers, infrastructure and code — as keyword-gated regexes scoped by path,
//!   which do not fire inside comments (or string literals, unless a rule says so).
//!
//! Not built yet: structural (parsed) code matching, and `locked` rules.
//!
//! ```
//! use tollgate_core::{Check, CheckOutput, ChangedFile};
//! use tollgate_policy::PolicyCheck;
//!
//! let check = PolicyCheck::new(&tollgate_config::Policy::default()).unwrap();
//! let mut out = CheckOutput::default();
//! check.judge_file(&ChangedFile::whole("deploy/.env", &b"DB_PASSWORD=x\n"[..]), &mut out);
//! assert_eq!(&*out.findings[0].rule, "env-file");
//! ```

pub mod ai_config;
pub mod ai_trailer;
pub mod config;
pub mod content;
pub mod hidden;
pub mod paths;
pub mod reviewed;

use tollgate_config::{ConfigErrors, Policy, Severity};
use tollgate_core::{
    finding, ChangeContext, ChangedFile, Check, CheckOutput, Finding, MatchLimits, PathSet, Status, Wants, Workload,
};

pub use config::PolicyConfig;

/// The check's name in reports and its policy section.
pub const NAME: &str = "policy";

/// The policy check, prepared for a policy.
pub struct PolicyCheck {
    config: PolicyConfig,
    ai_paths: globset::GlobSet,
    content: content::ContentRules,
    limits: MatchLimits,
}

/// The assistant configuration files whose previous content the check compares with.
const AI_CONFIG_GLOBS: &[&str] = &[
    "**/.mcp.json",
    "**/.cursor/mcp.json",
    "**/.vscode/mcp.json",
    "**/.vscode/settings.json",
    "**/.claude/settings.json",
    "**/.claude/settings.local.json",
    "**/.gemini/settings.json",
    "**/.roo/mcp.json",
    "**/.continue/mcpServers/*.json",
];

const HIDDEN_HELP: &str = "remove the character: it makes the text read differently to a person than to a \
compiler or an AI agent (no inline marker silences this; an [[allow]] entry in the policy can)";

impl PolicyCheck {
    pub fn new(policy: &Policy) -> Result<PolicyCheck, ConfigErrors> {
        PolicyCheck::for_workload(policy, Workload::Small)
    }

    /// As [`PolicyCheck::new`], with the keyword automaton suited to `workload`.
    pub fn for_workload(policy: &Policy, workload: Workload) -> Result<PolicyCheck, ConfigErrors> {
        let config = PolicyConfig::from_policy(policy)?;
        let mut check = PolicyCheck::with_config(config, workload);
        check.limits = MatchLimits { max_line_bytes: policy.max_line_bytes };
        Ok(check)
    }

    pub fn with_config(config: PolicyConfig, workload: Workload) -> PolicyCheck {
        let ai_paths = paths::glob_set(AI_CONFIG_GLOBS.iter().copied()).expect("fixed globs compile");
        let enabled: Vec<content::ContentRuleDef> =
            config.content_rules.iter().filter(|r| config.enabled(r.id.get_ref())).cloned().collect();
        let content = content::ContentRules::new(&enabled, workload).expect("content rules were validated when loaded");
        let limits = MatchLimits { max_line_bytes: tollgate_config::DEFAULT_MAX_LINE_BYTES };
        PolicyCheck { config, ai_paths, content, limits }
    }

    fn finding(&self, rule: &str, own: Severity, message: impl Into<String>) -> Option<Finding> {
        if !self.config.enabled(rule) {
            return None;
        }
        Some(Finding::new(NAME, rule.to_string(), self.config.severity_of(rule, own), message))
    }

    fn judge_paths(&self, file: &ChangedFile, out: &mut CheckOutput) {
        let arrives = matches!(file.status, Status::Added | Status::Renamed { .. } | Status::TypeChanged);
        if !arrives || !file.new_mode.is_some_and(|m| m.is_file()) {
            return;
        }
        let content = file.content_read.then_some(&file.text[..]);
        for rule in &self.config.path_rules {
            if !rule.matches(&file.path, content) {
                continue;
            }
            if let Some(f) = self.finding(&rule.id, rule.severity, rule.description.clone()) {
                let mut f = f.in_file(file).with_evidence(file.path.to_string());
                if let Some(h) = &rule.help {
                    f = f.with_help(h.clone());
                }
                if rule.needs_content() && content.is_none() {
                    f = f.with_note("content not read (over the size limit): judged by its name alone");
                }
                out.findings.push(f);
            }
        }
        let limit = self.config.sizes.limit(&file.path);
        if file.size > limit && !file.lfs_pointer {
            let message = format!("A file of {} bytes, over the {limit}-byte limit", file.size);
            if let Some(f) = self.finding("file-too-large", Severity::Block, message) {
                out.findings.push(
                    f.in_file(file).with_evidence(format!("{} bytes", file.size)).with_help(
                        "track large files with Git LFS, or raise the limit for these paths ([[policy.size]])",
                    ),
                );
            }
        }
    }

    fn judge_hidden(&self, file: &ChangedFile, out: &mut CheckOutput) {
        let regions: Vec<std::ops::Range<usize>> = file.added.iter().map(|r| r.start..r.end).collect();
        let translation = is_translation_file(&file.path);
        for hit in hidden::find_hidden(&file.text, &regions) {
            // Translations into right-to-left languages embed text with bidi controls
            // (Django's Kurdish catalogues open embeddings and never close them): they
            // are data, not code, so balanced controls pass and open ones only warn.
            let mut own = config::code_rule_severity(hit.kind.rule_id());
            if translation && hit.kind == hidden::HiddenKind::BidiControl {
                if bidi_balanced(file, hit.span.start) {
                    continue;
                }
                own = Severity::Warn;
            }
            if let Some(f) = self.finding(hit.kind.rule_id(), own, hit.kind.message()) {
                out.findings.push(
                    f.at_offset(file, hit.span.clone())
                        .with_evidence(hit.detail)
                        .with_help(HIDDEN_HELP)
                        .not_inline_suppressible(),
                );
            }
        }
    }

    fn judge_content(&self, file: &ChangedFile, out: &mut CheckOutput) {
        for hit in self.content.find(file, self.limits) {
            let rule = &self.content.rules[hit.rule];
            let Some(f) = self.finding(&rule.id, rule.severity, rule.description.clone()) else { continue };
            let mut help = rule.help.clone();
            if !rule.references.is_empty() {
                help.push_str(&format!(" ({})", rule.references.join(", ")));
            }
            let excerpt = finding::safe_excerpt(&file.text[hit.span.clone()], 100);
            out.findings.push(f.at_offset(file, hit.span).with_evidence(excerpt).with_help(help));
        }
    }

    fn judge_ai_config(&self, file: &ChangedFile, out: &mut CheckOutput) {
        if ai_config::config_kind(&file.path).is_none() || !file.content_read || file.binary {
            return;
        }
        match ai_config::judge(&file.path, &file.text, file.previous.as_deref(), &self.config.mcp) {
            Ok(findings) => {
                for c in findings {
                    let own = config::code_rule_severity(c.rule);
                    // A server's arguments and URL may hold a credential (`--token …`,
                    // `https://user:pass@…`): reports show them masked.
                    if let Some(f) = self.finding(c.rule, own, mask_credentials(&c.message)) {
                        let end = (c.offset + 1).min(file.text.len());
                        let evidence = mask_credentials(&c.evidence);
                        out.findings.push(f.at_offset(file, c.offset..end).with_evidence(evidence));
                    }
                }
            }
            Err(e) => {
                // A configuration that does not parse cannot be judged: fail closed.
                let message = format!("An AI assistant configuration that does not parse ({e})");
                if let Some(f) = self.finding("ai-config-unreadable", Severity::Block, message) {
                    out.findings.push(f.at_line(file, e.line));
                }
            }
        }
    }
}

/// Text from a configuration file as a report may show it: the password of a URL's
/// user info and every token-like run redacted.
fn mask_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(scheme) = rest.find("://") {
        let (before, after) = rest.split_at(scheme + 3);
        out.push_str(before);
        let authority_end = after.find(['/', ' ', '"', '\'']).unwrap_or(after.len());
        match after[..authority_end].rfind('@') {
            Some(at) => {
                let user = after[..at].split(':').next().unwrap_or("");
                out.push_str(user);
                out.push_str(":…@");
                rest = &after[at + 1..];
            }
            None => rest = after,
        }
    }
    out.push_str(rest);
    finding::safe_excerpt(out.as_bytes(), usize::MAX)
}

/// Translation catalogues, where right-to-left text legitimately carries bidi controls.
fn is_translation_file(path: &str) -> bool {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "po" | "pot" | "mo" | "xlf" | "xliff" | "strings" | "stringsdict" | "arb" | "resx" | "ftl")
}

/// Whether every embedding, override and isolate opened on the line holding `offset`
/// is closed on it (PDF for U+202A–E, PDI for U+2066–8).
fn bidi_balanced(file: &ChangedFile, offset: usize) -> bool {
    let text = &file.text;
    let line = file.line_range(offset);
    // On a long line, the part near the character (see LONG_LINE_REACH).
    let reach = tollgate_core::matcher::LONG_LINE_REACH;
    let line = line.start.max(offset.saturating_sub(reach))..line.end.min(offset + reach);
    let line = String::from_utf8_lossy(&text[line]);
    let (mut embeds, mut isolates) = (0i32, 0i32);
    for c in line.chars() {
        match c {
            '\u{202A}'..='\u{202E}' if c != '\u{202C}' => embeds += 1,
            '\u{202C}' => embeds -= 1,
            '\u{2066}'..='\u{2068}' => isolates += 1,
            '\u{2069}' => isolates -= 1,
            _ => {}
        }
        if embeds < 0 || isolates < 0 {
            return false;
        }
    }
    embeds == 0 && isolates == 0
}

impl Check for PolicyCheck {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self) -> Wants {
        Wants {
            text: true,
            binary: true,
            every_path: true,
            old_content: PathSet::Globs(self.ai_paths.clone()),
            changes: !self.config.reviewed.is_empty() || self.config.ai.threshold().is_some(),
            paths: PathSet::Everything,
        }
    }

    fn judge_file(&self, file: &ChangedFile, out: &mut CheckOutput) {
        self.judge_paths(file, out);
        if file.content_read && !file.binary && !file.added.is_empty() {
            self.judge_hidden(file, out);
            self.judge_content(file, out);
            if self.ai_paths.is_match(&*file.path) {
                self.judge_ai_config(file, out);
            }
        }
    }

    fn judge_change(&self, change: &ChangeContext, out: &mut CheckOutput) {
        let owed = change.message.as_ref().and_then(|m| ai_trailer::owed_trailer(&self.config.ai, change, m));
        if let Some(owed) = owed {
            let message = format!("The commit message does not credit the AI agent: {}", owed.describe());
            if let Some(f) = self.finding(ai_trailer::RULE_AI_TRAILER_MISSING, Severity::Block, message) {
                out.findings.push(f.on_change(change).with_help(format!(
                    "add `{}` to the message (or set `[policy.ai] add_trailer = true` to have commit-msg add it)",
                    owed.trailer
                )));
            }
        }
        for rule in &self.config.reviewed {
            let Some(unreviewed) = rule.judge(change) else { continue };
            let message = format!("A change to reviewed paths {}", unreviewed.reason);
            if let Some(mut f) = self.finding(&rule.id, rule.severity, message) {
                f = f.on_change(change).with_evidence(unreviewed.paths.join(", "));
                f = f.with_help(rule.help.clone().unwrap_or_else(|| {
                    format!("have a person review the change and add `{}: Name <email>` to the message", rule.trailer)
                }));
                out.findings.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(path: &str, text: &[u8]) -> Vec<String> {
        let check = PolicyCheck::with_config(PolicyConfig::builtin(), Workload::Small);
        let mut out = CheckOutput::default();
        check.judge_file(&ChangedFile::whole(path, text), &mut out);
        out.findings.iter().map(|f| f.rule.to_string()).collect()
    }

    #[test]
    fn forbidden_files_are_found_binary_or_not() {
        assert_eq!(judge(".env", b"A=1\n"), vec!["env-file"]);
        assert_eq!(judge("certs/client.p12", b"\x30\x82\x00\x00binary"), vec!["keystore-file"]);
        assert!(judge("src/main.rs", b"fn main() {}\n").is_empty());
    }

    #[test]
    fn large_files_block_but_lfs_pointers_do_not() {
        let big = vec![b'a'; 6 * 1024 * 1024];
        assert_eq!(judge("data/big.csv", &big), vec!["file-too-large"]);
        let pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 99999999\n";
        let check = PolicyCheck::with_config(PolicyConfig::builtin(), Workload::Small);
        let mut file = ChangedFile::whole("data/big.csv", &pointer[..]);
        file.size = 99_999_999;
        let mut out = CheckOutput::default();
        check.judge_file(&file, &mut out);
        assert!(out.findings.is_empty());
    }

    #[test]
    fn hidden_text_cannot_be_silenced_inline() {
        let text = "let ok = \"user\u{202E} \u{2066}// admin\"; // tollgate:allow\n";
        let check = PolicyCheck::with_config(PolicyConfig::builtin(), Workload::Small);
        let mut out = CheckOutput::default();
        check.judge_file(&ChangedFile::whole("src/auth.rs", text.as_bytes()), &mut out);
        assert_eq!(out.findings[0].rule.as_ref(), "bidi-control");
        assert!(!out.findings[0].inline_suppressible);
    }

    #[test]
    fn balanced_bidi_controls_in_translations_are_text_but_open_ones_are_not() {
        let po = "msgid \"Save\"\nmsgstr \"\u{202B}پاشەکەوت\u{202C}\"\n";
        assert!(judge("locale/ckb/LC_MESSAGES/django.po", po.as_bytes()).is_empty());
        let open = "msgstr \"\u{202E}evil\"\n";
        let check = PolicyCheck::with_config(PolicyConfig::builtin(), Workload::Small);
        let mut out = CheckOutput::default();
        check.judge_file(&ChangedFile::whole("locale/ckb/LC_MESSAGES/django.po", open.as_bytes()), &mut out);
        assert_eq!(out.findings[0].rule.as_ref(), "bidi-control");
        assert!(!out.findings[0].blocks(), "an open override in a translation warns");
        let in_code = judge("src/ui.py", po.as_bytes());
        assert!(!in_code.is_empty() && in_code.iter().all(|r| r == "bidi-control"), "{in_code:?}");
    }

    #[test]
    fn credentials_in_a_server_definition_are_not_shown() {
        // Made-up values, assembled so this file does not itself carry them.
        let token = ["ghp_", "Q7zX2mK9", "pL4vR8sT", "1wY6nB3c", "D5fG0hJa"].concat();
        let password = ["hunter2", "hunter2"].concat();
        let mcp = format!(
            r#"{{"mcpServers": {{"gh": {{"command": "npx", "args": ["gh-mcp", "--token", "{token}"]}},
 "db": {{"url": "https://admin:{password}@db.example.com/mcp"}}}}}}"#
        );
        let layers =
            vec![(tollgate_config::LayerSource::Repository("p".into()), "[policy.mcp]\nnames = [\"x\"]\n".into())];
        let policy = Policy::from_texts(layers, &["policy"]).unwrap();
        let check = PolicyCheck::new(&policy).unwrap();
        let mut out = CheckOutput::default();
        check.judge_file(&ChangedFile::whole(".mcp.json", mcp.as_bytes()), &mut out);
        assert!(out.findings.len() >= 2, "{:?}", out.findings);
        let shown = serde_json::to_string(&out.findings).unwrap();
        assert!(!shown.contains(&token), "{shown}");
        assert!(!shown.contains(&password), "{shown}");
        assert!(shown.contains("admin:…@db.example.com"), "{shown}");
    }

    #[test]
    fn an_unparsable_assistant_configuration_fails_closed() {
        assert_eq!(judge(".mcp.json", b"{\"mcpServers\": {"), vec!["ai-config-unreadable"]);
        let settings = br#"{"permissions": {"defaultMode": "bypassPermissions"}}"#;
        assert_eq!(judge(".claude/settings.json", settings), vec!["claude-bypass-permissions"]);
    }
}
