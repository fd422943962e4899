//! `reach check` as text (80 columns) and Markdown (a pull-request comment): each rule pass or
//! fail; for a failure, every principal that breaks it with its paths (rule, words, source of
//! each step) and the change that would make it pass. Config text is escaped and redacted.

use super::markdown::{cell, table};
use super::text::{path_lines, wrap};
use crate::engine::revoke::{Removal, RevokePlan};
use crate::engine::AccessPath;
use crate::policy::eval::{Report, RuleResult, Violation};
use crate::text::show;
use std::fmt::Write;

/// Fixes (assignments to add) shown per `must` violation in text; JSON lists them all.
const TEXT_FIXES: usize = 2;

fn verdict(r: &RuleResult) -> &'static str {
    if r.passed {
        "PASS"
    } else {
        "FAIL"
    }
}

/// "sp-cicd (ServicePrincipal) → write-blobs storage stdata"
fn who_where(v: &Violation) -> String {
    let what = match (&v.operation, v.actions.is_empty()) {
        (Some(a), _) => crate::engine::short_action(a),
        (None, false) => v.actions.join(", "),
        (None, true) => "reach".into(),
    };
    format!(
        "{} ({}) → {what} on {} {}",
        v.principal.name,
        crate::model::principal::kind_word(v.principal.kind),
        v.resource.kind.word(),
        v.resource.name
    )
}

pub fn text(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Policy {}: {} rule(s), {} passed, {} failed\n",
        show(&r.policy),
        r.rules.len(),
        r.passed,
        r.failed
    );
    for rule in &r.rules {
        let head = format!("{}  {} [{}]", verdict(rule), rule.name, rule.source);
        wrap(&mut out, "", 6, &show(&head));
        wrap(&mut out, "      ", 6, &show(&rule.assertion));
        wrap(&mut out, "      ", 6, &show(&rule.summary));
        if rule.latent != crate::policy::Latent::Include {
            let _ = writeln!(out, "      latent: {}", rule.latent.word());
        }
        if rule.passed {
            out.push('\n');
            continue;
        }
        for v in &rule.violations {
            out.push('\n');
            violation_text(&mut out, v);
        }
        if let Some(plan) = &rule.fix {
            out.push('\n');
            plan_text(&mut out, plan);
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{} of {} rule(s) failed", r.failed, r.rules.len());
    out
}

fn violation_text(out: &mut String, v: &Violation) {
    let head = format!("{}: {}", who_where(v), v.why);
    wrap(out, "  ", 4, &show(&head));
    for (i, p) in v.paths.iter().enumerate() {
        path_lines(out, i, p);
    }
    if v.more_paths > 0 {
        let _ = writeln!(out, "    … {} more path(s) not shown", v.more_paths);
    }
    for m in &v.why_not {
        wrap(
            out,
            "    why not: ",
            6,
            &show(&format!("{} {}", m.rule, m.text)),
        );
    }
    for f in v.fixes.iter().take(TEXT_FIXES) {
        let head = format!(
            "fix: add {} on {} for {} (also grants: {})",
            f.role, f.at, f.principal, f.grants_also
        );
        wrap(out, "    ", 6, &show(&head));
        let _ = writeln!(out, "      $ {}", show(&f.command));
    }
    if v.fixes.len() > TEXT_FIXES {
        let _ = writeln!(
            out,
            "    … {} more fix(es) with --format json",
            v.fixes.len() - TEXT_FIXES
        );
    }
    for x in &v.removals {
        removal_text(out, x, "    to drop it: ");
    }
}

fn removal_text(out: &mut String, x: &Removal, lead: &str) {
    let line = format!("{} [{}]", x.text, x.source);
    wrap(out, lead, lead.len() + 2, &show(&line));
    // commands stay on one line so they can be copied
    let _ = writeln!(out, "{}$ {}", " ".repeat(lead.len() + 2), show(&x.command));
}

fn plan_text(out: &mut String, plan: &RevokePlan) {
    let head = if plan.verified {
        "fix (checked by what-if: with these removals the rule passes):"
    } else if plan.removals.is_empty() {
        "fix: no role assignment or group membership to remove; change a step below instead:"
    } else {
        "fix (checked by what-if: these removals are not enough; see below):"
    };
    let _ = writeln!(out, "  {head}");
    for x in &plan.removals {
        removal_text(out, x, "  - ");
    }
    if !plan.also_removes.is_empty() {
        let names: Vec<&str> = plan.also_removes.iter().map(|p| p.name.as_str()).collect();
        let line = format!(
            "this also takes the access from {} (not named by the rule)",
            names.join(", ")
        );
        wrap(out, "  note: ", 8, &show(&line));
    }
    for rem in &plan.remaining {
        let line = format!(
            "{} would still reach it through steps reach cannot remove:",
            rem.principal.name
        );
        wrap(out, "  still: ", 9, &show(&line));
        path_lines(out, 0, &rem.path);
    }
}

/// Markdown for a pull-request comment: a table of rules, then each failure in detail.
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## reach check: {} of {} rule(s) failed\n",
        r.failed,
        r.rules.len()
    );
    let _ = writeln!(out, "Policy `{}`.\n", cell(&r.policy).replace('`', "'"));
    let rows: Vec<Vec<String>> = r
        .rules
        .iter()
        .map(|x| {
            vec![
                verdict(x).to_string(),
                cell(&x.name),
                format!("`{}`", cell(&x.source).replace('`', "'")),
                cell(&x.summary),
            ]
        })
        .collect();
    table(&mut out, &["Result", "Rule", "Where", "Found"], &rows);
    for rule in r.rules.iter().filter(|x| !x.passed) {
        let _ = writeln!(out, "\n### FAIL: {}\n", cell(&rule.name));
        let _ = writeln!(
            out,
            "{} (`{}`); {}.\n",
            cell(&rule.assertion),
            cell(&rule.source).replace('`', "'"),
            cell(&rule.summary)
        );
        for v in &rule.violations {
            let _ = writeln!(out, "- **{}**: {}", cell(&who_where(v)), cell(&v.why));
            for (i, p) in v.paths.iter().enumerate() {
                path_md(&mut out, i, p);
            }
            if v.more_paths > 0 {
                let _ = writeln!(out, "  - … {} more path(s)", v.more_paths);
            }
            for m in &v.why_not {
                let _ = writeln!(out, "  - why not: `{}` {}", m.rule, cell(&m.text));
            }
            for f in v.fixes.iter().take(TEXT_FIXES) {
                let _ = writeln!(
                    out,
                    "  - fix: add {} on `{}` for {}: `{}`",
                    cell(&f.role),
                    cell(&f.at).replace('`', "'"),
                    cell(&f.principal),
                    cell(&f.command).replace('`', "'")
                );
            }
            for x in &v.removals {
                let _ = writeln!(
                    out,
                    "  - to drop it: {} (`{}`): `{}`",
                    cell(&x.text),
                    cell(&x.source.to_string()).replace('`', "'"),
                    cell(&x.command).replace('`', "'")
                );
            }
        }
        if let Some(plan) = &rule.fix {
            let _ = writeln!(
                out,
                "\n**Fix**{}",
                if plan.verified {
                    " (checked by what-if: with these removals the rule passes):"
                } else {
                    " (not enough on its own; see below):"
                }
            );
            for x in &plan.removals {
                let _ = writeln!(
                    out,
                    "- {} (`{}`): `{}`",
                    cell(&x.text),
                    cell(&x.source.to_string()).replace('`', "'"),
                    cell(&x.command).replace('`', "'")
                );
            }
            if !plan.also_removes.is_empty() {
                let names: Vec<String> = plan.also_removes.iter().map(|p| cell(&p.name)).collect();
                let _ = writeln!(
                    out,
                    "- note: this also takes the access from {}",
                    names.join(", ")
                );
            }
            for rem in &plan.remaining {
                let _ = writeln!(
                    out,
                    "- {} would still reach it through steps reach cannot remove:",
                    cell(&rem.principal.name)
                );
                path_md(&mut out, 0, &rem.path);
            }
        }
    }
    out
}

fn path_md(out: &mut String, i: usize, p: &AccessPath) {
    let steps: Vec<String> = p
        .steps
        .iter()
        .map(|s| {
            format!(
                "`{}` {} (`{}`)",
                s.rule,
                cell(&s.text),
                cell(&s.source.to_string()).replace('`', "'")
            )
        })
        .collect();
    let _ = writeln!(out, "  - path {}: {}", i + 1, steps.join(" → "));
}
