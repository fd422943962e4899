//! README.md's tour shows real output: every ```` ``` ```` block that starts with `$ reach …` is
//! run (with the binary under test, from the repository root) and its lines must be what the
//! binary prints. A line `…` stands for lines left out; every other line must appear, in order,
//! with the lines around it as in the output, the first block of lines at the very start.

use std::path::Path;
use std::process::Command;

struct Shown {
    line: usize,
    args: Vec<String>,
    /// Runs of consecutive lines, split where the README writes `…` alone on a line.
    runs: Vec<Vec<String>>,
}

fn tour(readme: &str) -> Vec<Shown> {
    let mut out = Vec::new();
    let lines: Vec<&str> = readme.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let is_fence = lines[i].trim_end() == "```";
        let cmd = lines.get(i + 1).and_then(|l| l.strip_prefix("$ reach "));
        if let (true, Some(cmd)) = (is_fence, cmd) {
            let mut runs = vec![Vec::new()];
            let mut j = i + 2;
            while j < lines.len() && lines[j].trim_end() != "```" {
                if lines[j].trim() == "…" {
                    runs.push(Vec::new());
                } else if let Some(run) = runs.last_mut() {
                    run.push(lines[j].trim_end().to_string());
                }
                j += 1;
            }
            runs.retain(|r| !r.is_empty());
            out.push(Shown {
                line: i + 2,
                args: cmd.split_whitespace().map(str::to_string).collect(),
                runs,
            });
            i = j;
        }
        i += 1;
    }
    out
}

/// Where `run` occurs in `output` at or after `from` (the index after it), if it does.
fn find(output: &[&str], run: &[String], from: usize) -> Option<usize> {
    (from..=output.len().saturating_sub(run.len()))
        .find(|&k| {
            run.iter()
                .enumerate()
                .all(|(n, l)| output.get(k + n) == Some(&l.as_str()))
        })
        .map(|k| k + run.len())
}

#[test]
fn every_tour_block_is_what_the_binary_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let shown = tour(&readme);
    assert!(
        shown.len() >= 4,
        "the tour has {} `$ reach` blocks",
        shown.len()
    );
    for s in &shown {
        let out = Command::new(env!("CARGO_BIN_EXE_reach"))
            .args(&s.args)
            .current_dir(root)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "80")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let output: Vec<&str> = text.lines().map(str::trim_end).collect();
        let mut at = 0;
        for (n, run) in s.runs.iter().enumerate() {
            let found = if n == 0 {
                find(&output, run, 0).filter(|&end| end == run.len())
            } else {
                find(&output, run, at)
            };
            match found {
                Some(end) => at = end,
                None => panic!(
                    "README.md:{}: `reach {}` does not print these lines (in this order):\n{}\n\n\
                     it prints:\n{}",
                    s.line,
                    s.args.join(" "),
                    run.join("\n"),
                    text
                ),
            }
        }
    }
}

#[test]
fn a_changed_line_is_caught() {
    let readme = "x\n```\n$ reach rules\nnot a line reach prints\n```\n";
    let s = &tour(readme)[0];
    assert_eq!(s.args, ["rules"]);
    let output = ["a", "b"];
    assert_eq!(find(&output, &s.runs[0], 0), None);
    assert_eq!(find(&output, &["b".to_string()], 0), Some(2));
}
