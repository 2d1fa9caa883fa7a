//! tollgate's installer: puts the git hooks of `hooks/` where git runs them, for one
//! repository or for every repository of the user, and takes them away again.
//!
//! - The hooks folder is the one git itself reports: `core.hooksPath` (relative or
//!   absolute), the common git dir of linked worktrees, a submodule's git dir.
//! - A hook already there is never overwritten: it is renamed `NAME.tollgate-chained`
//!   and tollgate's hook runs it first, with the same arguments and input.
//! - Everything changed is written down in an install record (in the common git dir,
//!   or beside a global installation), so [`plan_uninstall`] puts back exactly what was
//!   there, byte for byte.
//! - Planning is separate from doing: a [`Plan`] says what it will change (that is all
//!   `--dry-run` does), and installing twice plans nothing the second time.
//!
//! It also merges tollgate's agent hook into Claude Code's settings ([`claude`]) and
//! gives `tollgate doctor` its view of what is installed ([`doctor`]).
//!
//! ```no_run
//! use tollgate_install::{plan_install, Environment, Request, Scope};
//!
//! let env = Environment::from_process();
//! let request = Request {
//!     scope: Scope::Repository(".".into()),
//!     claude: false,
//!     binary: "/usr/local/bin/tollgate".into(),
//! };
//! let plan = plan_install(&request, &env)?;
//! print!("{}", plan.describe(false)); // what it will do
//! plan.apply()?;
//! # Ok::<(), tollgate_install::InstallError>(())
//! ```

pub mod claude;
pub mod doctor;
mod error;
mod git;
mod plan;
mod record;
pub mod script;

pub use doctor::{inspect, Inspection};
pub use error::InstallError;
pub use git::{Environment, RepoLocation};
pub use plan::{plan_install, plan_uninstall, Plan, Request, Scope, Step};
pub use record::Record;
