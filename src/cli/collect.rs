//! `reach collect`: arguments, the run (or `--print`), the summary and the exit code
//! (0 every input complete; 1 the folder was written but some inputs are not complete — the
//! manifest says which, and reach turns each into a finding; 2 an up-front check failed and
//! nothing was written).
//!
//! `REACH_COLLECT_SLEEP_SCALE` (a number, default 1) scales every wait before a retry; the tests
//! set it small so that a Retry-After of seconds is honoured (and recorded) without the wait.

use super::exit::{self, emit, Failure};
use crate::collect::{self, run::Settings, script::Shell, Options, Target};

/// `--print` shells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PrintShell {
    Bash,
    Powershell,
}
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args, Debug, Clone)]
pub struct CollectArgs {
    /// Resource group of the workspace (with -w); with --subscription, collect only the
    /// workspaces of this group.
    #[arg(short = 'g', long = "resource-group", value_name = "RG")]
    pub resource_group: Option<String>,
    /// The workspace to collect (with -g).
    #[arg(
        short = 'w',
        long = "workspace",
        value_name = "WS",
        requires = "resource_group"
    )]
    pub workspace: Option<String>,
    /// Subscription: of the workspace (default: az's current one), or, without -w, collect
    /// every workspace in it.
    #[arg(long, value_name = "SUB")]
    pub subscription: Option<String>,
    /// Fail up front unless az is signed in to this tenant.
    #[arg(long, value_name = "TENANT")]
    pub tenant: Option<String>,
    /// The folder to write (new or empty; with --resume, an earlier collection).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Complete an earlier, interrupted or partly failed collection in DIR: inputs whose file
    /// is complete and unchanged (sha256) are kept, the rest are read again.
    #[arg(long)]
    pub resume: bool,
    /// Print the commands as a script (bash, or powershell) that writes the same folder,
    /// instead of running them: to collect on another machine.
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "bash", value_name = "SHELL")]
    pub print: Option<PrintShell>,
    /// az processes run at once.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub jobs: usize,
    /// Seconds one az call may take before it is stopped and retried.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub timeout: u64,
    /// Tries per call on throttling (429), server errors and timeouts.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub tries: u32,
}

fn target(a: &CollectArgs) -> Result<Target, Failure> {
    match (&a.workspace, &a.resource_group, &a.subscription) {
        (Some(w), Some(g), sub) => Ok(Target::Workspace {
            subscription: sub.clone(),
            resource_group: g.clone(),
            workspace: w.clone(),
        }),
        (None, g, Some(s)) => Ok(Target::Subscription {
            subscription: s.clone(),
            resource_group: g.clone(),
        }),
        (None, Some(_), None) => Err(Failure::usage(
            "reach collect: with -g, give -w WS (one workspace) or --subscription SUB (every workspace of the group)",
        )),
        _ => Err(Failure::usage(
            "reach collect: say what to collect: -g RG -w WS (one workspace) or --subscription SUB (every workspace)",
        )),
    }
}

pub fn run(a: &CollectArgs) -> Result<u8, Failure> {
    use std::io::IsTerminal;
    let target = target(a)?;
    if let Some(p) = a.print {
        let shell = match p {
            PrintShell::Bash => Shell::Bash,
            PrintShell::Powershell => Shell::PowerShell,
        };
        emit(&collect::script::print(
            shell,
            &target,
            &a.out,
            a.tenant.as_deref(),
        ));
        return Ok(exit::OK);
    }
    let scale = std::env::var("REACH_COLLECT_SLEEP_SCALE")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .unwrap_or(1.0);
    let opts = Options {
        target,
        out: a.out.clone(),
        resume: a.resume,
        tenant: a.tenant.clone(),
        jobs: a.jobs.max(1),
        timeout: Duration::from_secs(a.timeout.max(1)),
        settings: Settings {
            jobs: a.jobs.max(1),
            attempts: a.tries.max(1),
            backoff: Duration::from_secs(2),
            sleep_scale: scale,
        },
        tty: std::io::stderr().is_terminal(),
    };
    let s = collect::collect(&opts).map_err(|f| Failure::usage(f.0))?;
    let total: usize = s.counts.values().sum();
    let counts: Vec<String> = s.counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let dir = crate::text::show(&a.out.display().to_string()).into_owned();
    let mut out = format!(
        "collected {total} inputs into {dir} ({} az calls): {}\n",
        s.calls,
        counts.join(", ")
    );
    if s.incomplete > 0 {
        out.push_str(&format!(
            "{} input(s) not complete: see {}; reach reports each as a COLLECT finding. \
             `reach collect … --resume` reads them again.\n",
            s.incomplete,
            crate::text::show(&s.manifest.display().to_string())
        ));
    }
    out.push_str(&format!("open it: reach {dir}\n"));
    emit(&out);
    Ok(if s.incomplete > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    })
}
