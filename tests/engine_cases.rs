//! Data-driven engine cases: each `tests/cases/*.yaml` holds a small project (files inline, or a
//! fixture folder under `tests/fixtures/` plus overrides), one query and what must come out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reach::engine::Engine;
use reach::finding::Severity;
use reach::load::{self, Limits};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// The rule IDs this case checks.
    rules: Vec<String>,
    /// Of those, the ones it checks negatively: the rule's effect must not happen here.
    #[serde(default)]
    negative: Vec<String>,
    /// Seed sentence (file:line) the case checks, when it comes from a seed document.
    #[serde(default)]
    seed: Option<String>,
    /// A fixture folder under tests/fixtures to start from.
    #[serde(default)]
    base: Option<String>,
    /// Files (relative path → content) added to or replacing the base.
    #[serde(default)]
    project: BTreeMap<String, String>,
    query: Query,
    expect: Expect,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Query {
    #[serde(default)]
    who_can: Option<String>,
    #[serde(default)]
    explain: Option<(String, String)>,
    #[serde(default)]
    what_can: Option<String>,
    #[serde(default)]
    lint: bool,
    #[serde(default)]
    action: Option<String>,
    /// What-if: hypothetical assignments [principal, role, scope].
    #[serde(default)]
    assume: Vec<[String; 3]>,
    /// What-if: assignments treated as removed [principal, role, scope].
    #[serde(default)]
    revoke: Vec<[String; 3]>,
    /// `--latent include|exclude|only` (default include).
    #[serde(default)]
    latent: Option<String>,
    /// `--assume-condition true|false` (default: undecided conditions shown as conditional).
    #[serde(default)]
    assume_condition: Option<bool>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// who-can: exactly these principals.
    #[serde(default)]
    principals: Option<Vec<String>>,
    #[serde(default)]
    includes: Vec<String>,
    #[serde(default)]
    excludes: Vec<String>,
    /// explain: allowed or not.
    #[serde(default)]
    allowed: Option<bool>,
    /// principal (or resource for what-can, or "" for explain) → one path has exactly these rules.
    #[serde(default)]
    path_rules: BTreeMap<String, Vec<String>>,
    /// Rule IDs appearing somewhere in the answer's paths.
    #[serde(default)]
    rules_present: Vec<String>,
    #[serde(default)]
    rules_absent: Vec<String>,
    /// explain: rule IDs that must appear in why_not.
    #[serde(default)]
    why_not: Vec<String>,
    /// explain: rule IDs that must not appear in why_not.
    #[serde(default)]
    why_not_absent: Vec<String>,
    /// Substrings that must appear in some step or why_not text.
    #[serde(default)]
    text: Vec<String>,
    /// lint: rule IDs that must produce a finding (optionally with severity "RULE:error").
    #[serde(default)]
    findings: Vec<String>,
    /// lint: rule IDs that must produce no finding.
    #[serde(default)]
    no_findings: Vec<String>,
    /// what-can: resources (kind:name) that must be reached / not reached.
    #[serde(default)]
    reaches: Vec<String>,
    #[serde(default)]
    not_reaches: Vec<String>,
    /// explain: the first fixes, in order, as "ROLE @ kind:name".
    #[serde(default)]
    fixes: Vec<String>,
    /// explain: roles that must not be proposed.
    #[serde(default)]
    fixes_exclude: Vec<String>,
    /// explain: no fix at all (a deny assignment blocks it).
    #[serde(default)]
    no_fixes: bool,
    /// lint: a finding of RULE carries a fix naming ROLE ("RULE:ROLE").
    #[serde(default)]
    finding_fixes: Vec<String>,
    /// Some path depends on an assumption (marked assumed).
    #[serde(default)]
    assumed: Option<bool>,
    /// Exactly the rows marked latent (reached by latent paths only): principals (who-can),
    /// resources (what-can) or "" (explain).
    #[serde(default)]
    latent_rows: Option<Vec<String>>,
    /// Exactly the rows marked conditional (reached only through undecided ABAC conditions).
    #[serde(default)]
    conditional_rows: Option<Vec<String>>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn read_dir_files(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            read_dir_files(base, &p, out);
        } else {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(&p).unwrap());
        }
    }
}

fn engine_for(case: &Case) -> Engine {
    let mut files = BTreeMap::new();
    if let Some(b) = &case.base {
        let dir = root().join("fixtures").join(b);
        read_dir_files(&dir, &dir, &mut files);
    }
    for (k, v) in &case.project {
        files.insert(k.clone(), v.clone().into_bytes());
    }
    let raw = load::load_files(&case.name, files.into_iter().collect(), &Limits::default());
    let mut m = reach::model::build(raw);
    let resolve = |m: &reach::model::Model, t: &[String; 3]| {
        let p = m
            .resolve_principal(&t[0])
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let r = m
            .resolve_role(&t[1])
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let s = m
            .resolve_resource(&t[2])
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        (p, r, s)
    };
    let extra: Vec<_> = case
        .query
        .assume
        .iter()
        .map(|t| {
            let (principal, role, scope) = resolve(&m, t);
            reach::model::Assignment {
                principal,
                role,
                scope,
                condition: None,
                source: reach::source::Source::Assumed,
                assumed: true,
                tenure: Default::default(),
                parsed: None,
            }
        })
        .collect();
    let revoked: Vec<usize> = case
        .query
        .revoke
        .iter()
        .flat_map(|t| {
            let (p, r, s) = resolve(&m, t);
            m.find_assignments(p, r, s)
        })
        .collect();
    if !extra.is_empty() || !revoked.is_empty() {
        m.assume(extra, &revoked);
    }
    let mut e = Engine::new(m);
    e.assume_condition = case.query.assume_condition;
    if let Some(l) = &case.query.latent {
        e.latent = reach::engine::Latent::parse(l)
            .unwrap_or_else(|| panic!("{}: latent: {l}?", case.name));
    }
    e
}

/// Every path's rule list, keyed by principal (who-can), resource (what-can) or "" (explain).
type PathMap = BTreeMap<String, Vec<Vec<String>>>;

fn run(case: &Case) -> Result<(), String> {
    let e = engine_for(case);
    let m = e.model();
    let q = &case.query;
    let x = &case.expect;
    let mut paths: PathMap = BTreeMap::new();
    let mut texts: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut latent_rows: Vec<String> = Vec::new();
    let mut conditional_rows: Vec<String> = Vec::new();
    let collect = |ps: &[reach::engine::AccessPath],
                   key: &str,
                   paths: &mut PathMap,
                   texts: &mut Vec<String>| {
        for p in ps {
            paths
                .entry(key.to_string())
                .or_default()
                .push(p.rules.iter().map(|r| r.to_string()).collect());
            texts.extend(p.steps.iter().map(|s| s.text.clone()));
        }
    };
    if let Some(r) = &q.who_can {
        let s = m.resolve_resource(r).map_err(|e| e.to_string())?;
        let w = e.who_can(s, q.action.as_deref()).map_err(|a| a.0)?;
        for p in &w.principals {
            names.push(p.principal.name.clone());
            if p.latent.is_some() {
                latent_rows.push(p.principal.name.clone());
            }
            if p.conditional {
                conditional_rows.push(p.principal.name.clone());
            }
            collect(&p.paths, &p.principal.name, &mut paths, &mut texts);
        }
        texts.extend(w.notes.iter().cloned());
        // the TUI's light summary lists the same principals, answered cold and again after the
        // engine's warm-up has kept the acts-as answers
        let listed = |e: &Engine| -> Result<(Vec<String>, Vec<String>), String> {
            let v = e.who_can_summary(s, q.action.as_deref()).map_err(|a| a.0)?;
            let marked = v
                .iter()
                .filter(|r| r.latent.is_some())
                .map(|r| r.principal.name.clone())
                .collect();
            Ok((v.into_iter().map(|r| r.principal.name).collect(), marked))
        };
        let cold = listed(&e)?;
        e.warm(&Default::default());
        let warmed = listed(&e)?;
        if cold.0 != names || warmed.0 != names {
            return Err(format!(
                "summary: cold {cold:?}, after warm-up {warmed:?}; who-can {names:?}"
            ));
        }
        let light: Vec<String> = e
            .who_can_summary(s, q.action.as_deref())
            .map_err(|a| a.0)?
            .into_iter()
            .filter(|r| r.conditional)
            .map(|r| r.principal.name)
            .collect();
        if light != conditional_rows {
            return Err(format!(
                "summary conditional rows {light:?}; who-can {conditional_rows:?}"
            ));
        }
        if cold.1 != latent_rows || warmed.1 != latent_rows {
            return Err(format!(
                "summary latent rows: cold {:?}, after warm-up {:?}; who-can {latent_rows:?}",
                cold.1, warmed.1
            ));
        }
    } else if let Some((p, r)) = &q.explain {
        let pid = m.resolve_principal(p).map_err(|e| e.to_string())?;
        let s = m.resolve_resource(r).map_err(|e| e.to_string())?;
        let ex = e
            .explain(pid, s, q.action.as_deref().unwrap_or("read"))
            .map_err(|a| a.0)?;
        if let Some(a) = x.allowed {
            if a != ex.allowed {
                return Err(format!(
                    "allowed: expected {a}, got {} (why_not {:?}; paths {:?})",
                    ex.allowed, ex.why_not, ex.paths
                ));
            }
        }
        collect(&ex.paths, "", &mut paths, &mut texts);
        if ex.latent.is_some() {
            latent_rows.push(String::new());
        }
        if ex.conditional {
            conditional_rows.push(String::new());
        }
        let wn: Vec<&str> = ex.why_not.iter().map(|m| m.rule).collect();
        for r in &x.why_not {
            if !wn.contains(&r.as_str()) {
                return Err(format!("why_not lacks {r}: {:?}", ex.why_not));
            }
        }
        for r in &x.why_not_absent {
            if wn.contains(&r.as_str()) {
                return Err(format!("why_not should not name {r}: {:?}", ex.why_not));
            }
        }
        texts.extend(ex.why_not.iter().map(|m| m.text.clone()));
        texts.extend(ex.notes.iter().cloned());
        let got: Vec<String> = ex
            .fixes
            .iter()
            .map(|f| format!("{} @ {}", f.role, f.at))
            .collect();
        if !x.fixes.is_empty() && (got.len() < x.fixes.len() || got[..x.fixes.len()] != x.fixes[..])
        {
            return Err(format!(
                "fixes: expected to start with {:?}, got {got:?}",
                x.fixes
            ));
        }
        for r in &x.fixes_exclude {
            if ex.fixes.iter().any(|f| &f.role == r) {
                return Err(format!("fix proposes {r}: {got:?}"));
            }
        }
        if x.no_fixes && !ex.fixes.is_empty() {
            return Err(format!("expected no fixes, got {got:?}"));
        }
        for f in &ex.fixes {
            if !f.command.contains(&f.scope) {
                return Err(format!(
                    "fix command does not name its scope: {}",
                    f.command
                ));
            }
        }
    } else if let Some(p) = &q.what_can {
        let pid = m.resolve_principal(p).map_err(|e| e.to_string())?;
        let w = e.what_can(pid, q.action.as_deref());
        for r in &w.resources {
            let key = format!("{}:{}", r.resource.kind.word(), r.resource.name);
            names.push(key.clone());
            if r.latent.is_some() {
                latent_rows.push(key.clone());
            }
            if r.conditional {
                conditional_rows.push(key.clone());
            }
            collect(&r.paths, &key, &mut paths, &mut texts);
        }
        let light = e.what_can_summary(pid, q.action.as_deref());
        let marked: Vec<String> = light
            .resources
            .iter()
            .filter(|r| r.latent.is_some())
            .map(|r| format!("{}:{}", r.resource.kind.word(), r.resource.name))
            .collect();
        if marked != latent_rows {
            return Err(format!(
                "what-can summary latent rows {marked:?}; what-can {latent_rows:?}"
            ));
        }
        for r in &x.reaches {
            if !names.contains(r) {
                return Err(format!("does not reach {r}; reaches {names:?}"));
            }
        }
        for r in &x.not_reaches {
            if names.contains(r) {
                return Err(format!("reaches {r} but should not: {:?}", paths.get(r)));
            }
        }
    }
    if let Some(want) = &x.conditional_rows {
        if *want != conditional_rows {
            return Err(format!(
                "conditional rows: expected {want:?}, got {conditional_rows:?}"
            ));
        }
    }
    if let Some(want) = &x.latent_rows {
        if *want != latent_rows {
            return Err(format!(
                "latent rows: expected {want:?}, got {latent_rows:?}"
            ));
        }
    }
    if let Some(want) = x.assumed {
        let got = all_assumed(&e, case);
        if got != want {
            return Err(format!("assumed paths: expected {want}, got {got}"));
        }
    }
    if q.lint || !x.findings.is_empty() || !x.no_findings.is_empty() || !x.finding_fixes.is_empty()
    {
        let fs = e.lint();
        for want in &x.findings {
            let (rule, sev) = want
                .split_once(':')
                .map_or((want.as_str(), None), |(r, s)| (r, Some(s)));
            let ok = fs
                .iter()
                .any(|f| f.rule == rule && sev.is_none_or(|s| f.severity.to_string() == s));
            if !ok {
                return Err(format!(
                    "no {want} finding; findings: {:#?}",
                    fs.iter()
                        .map(|f| format!("{} {} {}", f.severity, f.rule, f.message))
                        .collect::<Vec<_>>()
                ));
            }
        }
        for want in &x.finding_fixes {
            let (rule, role) = want.split_once(':').unwrap_or((want, ""));
            if !fs
                .iter()
                .any(|f| f.rule == rule && f.fix.as_ref().is_some_and(|fx| fx.role == role))
            {
                return Err(format!("no {rule} finding with a fix assigning {role}"));
            }
        }
        for r in &x.no_findings {
            if let Some(f) = fs.iter().find(|f| &f.rule == r) {
                return Err(format!("unexpected {r} finding: {}", f.message));
            }
        }
        texts.extend(fs.iter().map(|f| f.message.clone()));
        let _ = Severity::Error;
    }
    if let Some(want) = &x.principals {
        let mut a = names.clone();
        a.sort();
        let mut b = want.clone();
        b.sort();
        if a != b {
            return Err(format!("principals: expected {b:?}, got {a:?}"));
        }
    }
    for i in &x.includes {
        if !names.contains(i) {
            return Err(format!("{i} missing from {names:?}"));
        }
    }
    for i in &x.excludes {
        if names.contains(i) {
            return Err(format!(
                "{i} should not be listed; paths {:?}",
                paths.get(i)
            ));
        }
    }
    for (who, rules) in &x.path_rules {
        let got = paths.get(who).cloned().unwrap_or_default();
        if !got.iter().any(|p| p == rules) {
            return Err(format!(
                "{who}: no path with rules {rules:?}; paths: {got:?}"
            ));
        }
    }
    let all: Vec<&String> = paths.values().flatten().flatten().collect();
    for r in &x.rules_present {
        if !all.contains(&r) {
            return Err(format!("rule {r} in no path; paths: {paths:?}"));
        }
    }
    for r in &x.rules_absent {
        if all.contains(&r) {
            return Err(format!("rule {r} should be in no path; paths: {paths:?}"));
        }
    }
    for t in &x.text {
        if !texts.iter().any(|s| s.contains(t.as_str())) {
            return Err(format!("no text contains {t:?}; texts: {texts:#?}"));
        }
    }
    Ok(())
}

/// Whether any path of the query's answer is marked assumed.
fn all_assumed(e: &Engine, case: &Case) -> bool {
    let m = e.model();
    let q = &case.query;
    if let Some(r) = &q.who_can {
        let s = m.resolve_resource(r).unwrap();
        return e
            .who_can(s, q.action.as_deref())
            .unwrap()
            .principals
            .iter()
            .flat_map(|p| &p.paths)
            .any(|p| p.assumed);
    }
    if let Some((p, r)) = &q.explain {
        let (p, s) = (
            m.resolve_principal(p).unwrap(),
            m.resolve_resource(r).unwrap(),
        );
        return e
            .explain(p, s, q.action.as_deref().unwrap_or("read"))
            .unwrap()
            .paths
            .iter()
            .any(|p| p.assumed);
    }
    false
}

fn cases() -> Vec<(PathBuf, Case)> {
    let mut v = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(root().join("cases"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.extension().is_some_and(|x| x == "yaml") {
            let text = std::fs::read_to_string(&p).unwrap();
            let c: Case =
                serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            v.push((p, c));
        }
    }
    v
}

/// One test per case file (`case::<file stem>`), then the catalog checks: a failing case is
/// named by its file, and `cargo test --test engine_cases NAME` runs one.
fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let mut trials: Vec<libtest_mimic::Trial> = cases()
        .into_iter()
        .map(|(p, c)| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            libtest_mimic::Trial::test(format!("case::{stem}"), move || {
                run(&c).map_err(|e| format!("{} ({}): {e}", p.display(), c.name).into())
            })
        })
        .collect();
    assert!(!trials.is_empty(), "no cases found");
    trials.push(libtest_mimic::Trial::test(
        "every_rule_has_a_positive_and_a_negative_case",
        || {
            every_rule_has_a_positive_and_a_negative_case();
            Ok(())
        },
    ));
    trials.push(libtest_mimic::Trial::test("seeds_cited_exist", || {
        seeds_cited_exist();
        Ok(())
    }));
    libtest_mimic::run(&args, trials).exit();
}

/// Rules the model applies (no step names them): a case checks them by what it expects of
/// the principals' names.
const MODEL_RULES: [&str; 1] = ["CMP-SAI-NAME"];

/// Does the case check `rule` positively: do its expectations name the rule in a path, a
/// why_not or a finding? Listing it in `rules` is not enough: that checks nothing.
fn positive(c: &Case, rule: &str) -> bool {
    let x = &c.expect;
    let named = x.path_rules.values().flatten().any(|r| r == rule)
        || x.rules_present.iter().any(|r| r == rule)
        || x.why_not.iter().any(|r| r == rule)
        || x.findings.iter().any(|f| f.split(':').next() == Some(rule))
        || x.finding_fixes
            .iter()
            .any(|f| f.split(':').next() == Some(rule));
    // applied in the model, not as a step: its effect is the name a principal is shown by,
    // which `principals` checks
    let by_name = MODEL_RULES.contains(&rule)
        && x.principals.as_ref().is_some_and(|p| !p.is_empty())
        && !c.negative.iter().any(|n| n == rule);
    c.rules.iter().any(|r| r == rule) && (named || by_name)
}

/// Every rule of the catalog is checked by a positive and a negative case, and every case of a
/// rule that comes from a seed document cites the seed line it checks.
fn every_rule_has_a_positive_and_a_negative_case() {
    let all = cases();
    let catalog = reach::engine::rules::catalog();
    let mut problems = Vec::new();
    for (p, c) in &all {
        for r in c.rules.iter().chain(&c.negative) {
            if !catalog.iter().any(|x| x.id == r) {
                problems.push(format!("{}: unknown rule {r}", p.display()));
            }
        }
        for n in &c.negative {
            if !c.rules.contains(n) {
                problems.push(format!("{}: negative {n} is not in rules", p.display()));
            }
        }
    }
    for rule in &catalog {
        let of_rule: Vec<&Case> = all
            .iter()
            .map(|(_, c)| c)
            .filter(|c| c.rules.iter().any(|r| r == rule.id))
            .collect();
        if !of_rule.iter().any(|c| positive(c, rule.id)) {
            problems.push(format!("{}: no positive case", rule.id));
        }
        if !of_rule
            .iter()
            .any(|c| c.negative.iter().any(|n| n == rule.id))
        {
            problems.push(format!("{}: no negative case", rule.id));
        }
        if rule.seed.starts_with("000_") || rule.seed.starts_with("003_") {
            for c in of_rule.iter().filter(|c| c.seed.is_none()) {
                problems.push(format!("{}: case '{}' cites no seed line", rule.id, c.name));
            }
        }
    }
    println!(
        "{} cases; every one of {} rules has a positive and a negative case",
        all.len(),
        catalog.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn seeds_cited_exist() {
    for (p, c) in cases() {
        let Some(seed) = &c.seed else { continue };
        let (file, line) = seed.rsplit_once(':').unwrap_or((seed, "0"));
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/seeds")
            .join(file);
        if !path.exists() {
            println!("note: ../shared/seeds not present; seed citations not checked");
            return;
        }
        let n: usize = line.parse().unwrap_or(0);
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        assert!(
            n >= 1 && n <= lines,
            "{}: seed line {seed} out of range",
            p.display()
        );
    }
}
