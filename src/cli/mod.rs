//! The command line: clap definitions and one small function per command (args → engine →
//! report → exit code). Computes no access and prints nothing outside `report` output.

mod check;
mod collect;
mod commands;
pub mod exit;
mod review;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub use commands::{open_with, run};

#[derive(Parser, Debug)]
#[command(
    name = "reach",
    version,
    about = "Who can reach this Azure Machine Learning resource, and why?",
    long_about = "reach reads a folder of Azure ML CLI v2 YAML, Azure RBAC/Graph exports and a reach.yaml, and explains every path by which an identity reaches a resource. Offline and read-only. With no command it opens the terminal UI (on the built-in demo project when no PATH is given)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Project folder for the terminal UI (default: the built-in demo project).
    pub path: Option<PathBuf>,
    /// Use the built-in demo project instead of a folder.
    #[arg(long, global = true)]
    pub demo: bool,
    /// TUI: no colours (also NO_COLOR).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// TUI: ASCII borders and glyphs (also automatic when the locale is not UTF-8).
    #[arg(long, global = true)]
    pub ascii: bool,
    /// TUI: capture the mouse (click to focus and select, wheel to scroll); off by default so
    /// the terminal's own text selection keeps working.
    #[arg(long)]
    pub mouse: bool,
    /// TUI: reload when a file in the project folder changes (r reloads by hand). With --diff,
    /// NEW is reloaded and compared with OLD again.
    #[arg(long)]
    pub watch: bool,
    /// TUI: memory for the answers kept across selections, in MB (default 160); past it they
    /// are forgotten and asked again, so browsing a huge tenant stays within it. 0 keeps none.
    #[arg(long, value_name = "MB")]
    pub kept_memory: Option<usize>,
    /// TUI: open NEW and mark the access gained (+), lost (-) and reached another way (~)
    /// since OLD, and the findings added and resolved (the comparison of `reach diff OLD NEW`);
    /// D lists only what changed.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["path", "demo"])]
    pub diff: Option<Vec<PathBuf>>,
    /// TUI: check the access assertions of this policy file (as `reach check` does) on the
    /// loaded project, again after every reload or what-if: failing rules are findings (F) and
    /// the principals that break them are marked ! in Access.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Which access answers count: standing and latent (a PIM-eligible role one can
    /// activate; rows marked), standing only, or latent only (principals that reach it by
    /// latent paths alone). For who-can, what-can, explain, matrix, diff and the TUI.
    #[arg(long, global = true, value_enum, default_value = "include")]
    pub latent: LatentArg,
    /// ABAC conditions reach cannot decide offline (a container name, a blob path or tag):
    /// shown as conditional and counted (default), or assumed to hold (true) or to fail
    /// (false: such paths are left out).
    #[arg(long, global = true, value_name = "true|false")]
    pub assume_condition: Option<bool>,
    /// Show stable pseudonyms (user-07, group-03, sp-01, sub-1, tenant-1) instead of the names
    /// of users, groups, service principals, subscriptions and tenants. Secrets are always
    /// redacted.
    #[arg(long, global = true)]
    pub mask_names: bool,
    /// Largest file read, in bytes or with a suffix: 1048576, 512K, 512M, 2G (default: 2G for
    /// .json exports, 64M for YAML). A file over it is skipped, and every answer then says it
    /// is incomplete (queries exit 3).
    #[arg(long, global = true, value_name = "SIZE", value_parser = max_file_size)]
    pub max_file_size: Option<u64>,
}

fn max_file_size(s: &str) -> Result<u64, String> {
    crate::load::parse_size(s)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LatentArg {
    Include,
    Exclude,
    Only,
}

impl LatentArg {
    pub fn mode(self) -> crate::engine::Latent {
        match self {
            LatentArg::Include => crate::engine::Latent::Include,
            LatentArg::Exclude => crate::engine::Latent::Exclude,
            LatentArg::Only => crate::engine::Latent::Only,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    /// SARIF 2.1.0, for code scanning: one result per principal that breaks a rule.
    Sarif,
    /// For a pull-request comment.
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MatrixFormat {
    Text,
    Csv,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Dot,
    Mermaid,
    Markdown,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ProjectArgs {
    /// Project folder (default: the current folder).
    #[arg(short = 'p', long = "path", value_name = "PATH")]
    pub path: Option<PathBuf>,
}

/// What-if options: answers are computed as if these changes were made.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct WhatIf {
    /// Add a hypothetical role assignment (repeatable).
    #[arg(long = "assume-assignment", num_args = 3, value_names = ["PRINCIPAL", "ROLE", "SCOPE"], action = clap::ArgAction::Append)]
    pub assume: Vec<String>,
    /// Remove the matching role assignment(s) (repeatable).
    #[arg(long = "assume-revoked", num_args = 3, value_names = ["PRINCIPAL", "ROLE", "SCOPE"], action = clap::ArgAction::Append)]
    pub revoked: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Every identity that reaches RESOURCE, with every path.
    WhoCan {
        /// ARM ID, kind:name (endpoint:ep-fraud) or a unique bare name.
        resource: String,
        /// Operation (score, read-blobs, pull-image…) or a full Azure action.
        #[arg(short, long)]
        action: Option<String>,
        #[command(flatten)]
        project: ProjectArgs,
        #[command(flatten)]
        whatif: WhatIf,
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// Every resource PRINCIPAL reaches, with every path.
    WhatCan {
        /// UPN, display name, object or client ID, UAI name, or workspace:W / compute:C / endpoint:E.
        principal: String,
        #[arg(short, long)]
        action: Option<String>,
        #[command(flatten)]
        project: ProjectArgs,
        #[command(flatten)]
        whatif: WhatIf,
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// Can PRINCIPAL perform the action on RESOURCE? All paths, or what is missing (why_not).
    Explain {
        principal: String,
        resource: String,
        /// Default: score for endpoints, read-blobs for storage, read-secrets for key vaults,
        /// pull-image for registries, assign-identity for identities, read otherwise.
        #[arg(short, long)]
        action: Option<String>,
        #[command(flatten)]
        project: ProjectArgs,
        #[command(flatten)]
        whatif: WhatIf,
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// Load problems and rule findings; exit 1 when any is an error.
    Lint {
        #[command(flatten)]
        project: ProjectArgs,
        #[command(flatten)]
        whatif: WhatIf,
        #[arg(long, value_enum, default_value = "text")]
        format: LintFormat,
    },
    /// Check the access assertions of a policy file (reach-policy.yaml): each rule pass or
    /// fail, every principal that breaks it with its paths, and the change that would make it
    /// pass. Exit 1 when a rule fails, 2 when the policy file is bad.
    Check {
        /// The policy file (`reach-policy: 1` and `rules:`).
        policy: PathBuf,
        #[command(flatten)]
        project: ProjectArgs,
        #[command(flatten)]
        whatif: WhatIf,
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
    },
    /// The whole access model and findings, for other tools.
    Export {
        #[command(flatten)]
        project: ProjectArgs,
        #[command(flatten)]
        whatif: WhatIf,
        #[arg(long, value_enum)]
        format: ExportFormat,
        #[arg(long, conflicts_with = "principal")]
        resource: Option<String>,
        #[arg(long)]
        principal: Option<String>,
    },
    /// Principals × resources: each cell the strongest access class, or whether --action is
    /// allowed.
    Matrix {
        /// Operation (score, read-blobs…) or a full Azure action; default: strongest access.
        #[arg(short, long)]
        action: Option<String>,
        /// Resource kinds to show, comma-separated (endpoint,datastore,storage,keyvault,
        /// registry,connection,workspace,compute…); default: the sensitive kinds.
        #[arg(long, value_name = "KIND")]
        resources: Option<String>,
        /// List only principals with access of their own; members reaching only through a
        /// group are folded into the group's row.
        #[arg(long)]
        collapse_groups: bool,
        #[command(flatten)]
        project: ProjectArgs,
        #[command(flatten)]
        whatif: WhatIf,
        #[arg(long, value_enum, default_value = "text")]
        format: MatrixFormat,
    },
    /// Access gained and lost between two snapshots of a project; exit 1 when access was gained.
    Diff {
        old_path: PathBuf,
        new_path: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
    },
    /// Run the installed az CLI (read-only commands) to bring a tenant's access data into a
    /// folder reach reads, with collect-manifest.json; or --print them as a script.
    Collect(collect::CollectArgs),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// The rule catalog: every rule ID with its summary and seed; with an ID, its full text.
    Rules {
        id: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
}
