//! Command-line definitions shared by every binary.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use tollgate_runner::{Mode, Options};

/// Options every mode takes.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Report format: human, json or sarif (`inventory`: human, json or cyclonedx;
    /// `report`: human, json or html).
    #[arg(long, global = true, default_value = "human", value_name = "FORMAT")]
    pub format: String,
    /// A policy file applied on top of the organisation's and the repository's.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Fingerprints of accepted findings (from `tollgate baseline create`).
    #[arg(long, global = true, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// No colour (also: NO_COLOR, or stdout not a terminal).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Ignore `tollgate:allow` markers in code; only the policy files decide.
    #[arg(long, global = true)]
    pub no_inline_allow: bool,
    /// The OSV advisory database the dependency guard reads: a folder of OSV JSON
    /// records, of osv.dev's `all.zip` files, or what `db update` wrote (also:
    /// TOLLGATE_OSV_DB, or `[deps] osv_db` in the policy).
    #[arg(long, global = true, value_name = "PATH")]
    pub osv_db: Option<PathBuf>,
}

impl CommonArgs {
    /// Hands `--osv-db` to the dependency guard the way the environment does. Called
    /// once at start-up, before any thread exists.
    pub fn export_osv_db(&self) {
        if let Some(p) = &self.osv_db {
            std::env::set_var("TOLLGATE_OSV_DB", p);
        }
    }

    /// The library's options, from the command line and the environment.
    pub fn options(&self) -> Result<Options, String> {
        Ok(Options {
            format: self.format.parse()?,
            config: self.config.clone(),
            baseline: self.baseline.clone(),
            color: !self.no_color && std::env::var_os("NO_COLOR").is_none(),
            no_inline_allow: self.no_inline_allow,
        })
    }
}

/// The modes every hook binary runs.
#[derive(Debug, Clone, Subcommand)]
pub enum ModeArgs {
    /// Judge the staged changes (index against HEAD); with FILEs, only those.
    PreCommit {
        /// Staged paths to judge (as the pre-commit framework passes them).
        files: Vec<String>,
    },
    /// Judge every commit the remote does not have yet (git's pre-push protocol on stdin).
    PrePush {
        /// The remote's name.
        remote: Option<String>,
        /// The remote's URL.
        url: Option<String>,
    },
    /// Server side: judge pushed commits (`<old> <new> <ref>` lines on stdin).
    PreReceive,
    /// Judge the commit message being written.
    CommitMsg {
        /// The message file git passes.
        file: PathBuf,
    },
    /// Judge files and folders on disk, honouring .gitignore; `-` reads stdin.
    Scan { paths: Vec<String> },
    /// Judge every commit reachable from the revisions (default: all refs).
    History { revs: Vec<String> },
}

impl From<ModeArgs> for Mode {
    fn from(m: ModeArgs) -> Mode {
        match m {
            ModeArgs::PreCommit { files } => Mode::PreCommit { files },
            ModeArgs::PrePush { remote, url } => Mode::PrePush { remote, url },
            ModeArgs::PreReceive => Mode::PreReceive,
            ModeArgs::CommitMsg { file } => Mode::CommitMsg { file },
            ModeArgs::Scan { paths } => Mode::Scan { paths },
            ModeArgs::History { revs } => Mode::History { revs },
        }
    }
}

/// The command line of every `tollgate-<check>` binary: one check, every mode. Its
/// name and description come from the registry at run time.
#[derive(Debug, Parser)]
#[command(version)]
pub struct CheckCli {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(subcommand)]
    pub command: CheckCommand,
}

/// What a `tollgate-<check>` binary does: a mode, or (`tollgate-deps`) its database.
#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    #[command(flatten)]
    Mode(ModeArgs),
    /// The OSV advisory database: download it, or show what is there.
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Download osv.dev's advisory dumps (every ecosystem tollgate reads, or those named)
    /// into the cache, replacing it atomically, and index them.
    Update {
        /// Ecosystems: cargo, npm, pypi, go (default: all four).
        ecosystems: Vec<String>,
        /// Where to put the database (default: the user's cache folder, or --osv-db).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// A mirror serving `<ECOSYSTEM>/all.zip` (default: osv.dev's public bucket).
        #[arg(long, value_name = "URL")]
        mirror: Option<String>,
    },
    /// What the database holds, where, and how old it is.
    Status,
}

/// `tollgate`: every enabled check in one process, and administration.
#[derive(Debug, Parser)]
#[command(
    name = "tollgate",
    version,
    about = "Git hooks that stop leaked credentials, insecure code and risky dependencies before they leave the machine"
)]
pub struct TollgateCli {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(flatten)]
    Mode(ModeArgs),
    /// Record today's findings so that only new ones block.
    Baseline {
        #[command(subcommand)]
        action: BaselineAction,
    },
    /// Run every check a git hook runs, in one process (what the installed hooks call).
    Hook {
        /// The hook git is running.
        name: HookName,
        /// The arguments git passed to the hook.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// The policy in force, validation of policy files, and every rule's own examples.
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// Install the git hooks (pre-commit, pre-push, commit-msg), keeping any hook already there.
    Install(InstallArgs),
    /// Take out what `tollgate install` put in, restoring what was there before.
    Uninstall(InstallArgs),
    /// Show what is installed where, which policy files are in force, and what runs on commit.
    Doctor,
    /// Claude Code's hook protocol: judge the tool call or prompt described on stdin.
    AgentHook,
    /// The dependency guard's OSV advisory database: download it, or show what is there.
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
    /// The AI assistants a repository is set up for: their files, MCP servers, models
    /// and hooks, and the commits they helped write (--format human, json or cyclonedx).
    Inventory {
        /// The folder to look at (default: the current one).
        path: Option<PathBuf>,
        /// The commits to count: a revision and its ancestors, or a range `A..B`.
        #[arg(long, default_value = "HEAD", value_name = "RANGE")]
        rev: String,
    },
    /// What the gates did, from the audit log: runs, blocks, suppressions, bypasses,
    /// fixes, agent decisions, AI share (`--format human|json|html`).
    Report(ReportArgs),
}

/// What `tollgate report` reads and writes.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// An audit log (its rotations `.1`, `.2`… come along) or a folder of logs gathered
    /// from a fleet (every `*.jsonl` in it, recursively).
    #[arg(value_name = "PATH", conflicts_with = "repo")]
    pub path: Option<PathBuf>,
    /// The repository whose log to read (default: the one the current directory is in).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Only runs at or after DATE: `YYYY-MM-DD` (UTC midnight) or an RFC 3339 timestamp.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Report even when some lines are not records (each is still named on stderr);
    /// without it they are an error (exit 2): a log that does not read is not summed up.
    #[arg(long)]
    pub lenient: bool,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The git hooks `tollgate hook` runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HookName {
    PreCommit,
    PrePush,
    CommitMsg,
}

/// Where `install` and `uninstall` work.
#[derive(Debug, Clone, Args)]
pub struct InstallArgs {
    /// The repository (default: the one the current directory is in).
    #[arg(long, value_name = "DIR", conflicts_with = "global")]
    pub repo: Option<PathBuf>,
    /// Every repository of the user, through a global hooks folder (core.hooksPath).
    #[arg(long)]
    pub global: bool,
    /// With --global: through init.templateDir instead (repositories created or cloned from now on).
    #[arg(long, requires = "global")]
    pub template: bool,
    /// Claude Code too: tollgate's agent hook in .claude/settings.json (~/.claude with --global).
    #[arg(long)]
    pub claude: bool,
    /// Print what would change, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum PolicyAction {
    /// The effective policy: layers, settings, exceptions, and every check's rules with
    /// where each is defined (`--format json` for a machine).
    Show,
    /// Validate policy files (each alone); every error names its file, line and column.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run every rule on its own examples: the built-in packs and the repository's
    /// policy, or the built-in packs and the FILEs given.
    Test { files: Vec<PathBuf> },
}

#[derive(Debug, Subcommand)]
pub enum BaselineAction {
    /// Write the fingerprints of every current finding (of history, by default).
    Create {
        /// Where to write the baseline.
        #[arg(long, short, default_value = ".tollgate-baseline.json", value_name = "FILE")]
        output: PathBuf,
        /// Baseline the files on disk instead of history.
        #[arg(long)]
        working_tree: bool,
        /// Revisions whose history to baseline (default: all refs).
        revs: Vec<String>,
    },
}
