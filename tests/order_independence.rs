//! The same project split across files in different orders and folder layouts gives the same
//! `export --format json`, byte for byte once each file's name is mapped back to the original
//! (sources necessarily name the file they are in). Lists of exports are split into one file per
//! entry, files are renamed so they are read in another order, and moved to other folders.
//! Lists reach orders by file name (findings, and the `sources` of one thing described alike
//! by several files) are put back in that order after the names are mapped.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

/// One file of a layout and where its content came from: (new name, bytes, original name,
/// original entry index when the file holds one entry of a list).
type Piece = (String, Vec<u8>, String, Option<usize>);

/// Content, original name, original entry index, and a name to keep (group member files).
type Source = (Vec<u8>, String, Option<usize>, Option<String>);

fn read_tree(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            read_tree(base, &p, out);
        } else {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel.ends_with(".json") || rel.ends_with(".yml") || rel.ends_with(".yaml") {
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
}

/// Split each JSON list (a bare array or `{"value": [...]}`) into one file per entry; other files
/// stay whole. Group member files keep their name (it says which group).
fn pieces(files: &[(String, Vec<u8>)]) -> Vec<Source> {
    let mut out = Vec::new();
    for (rel, bytes) in files {
        let keep_name = rel
            .ends_with(".members.json")
            .then(|| rel.rsplit('/').next().unwrap().to_string());
        let v: Option<serde_json::Value> = rel
            .ends_with(".json")
            .then(|| serde_json::from_slice(bytes).ok())
            .flatten();
        let split = match &v {
            Some(serde_json::Value::Array(a)) if a.len() > 1 && keep_name.is_none() => {
                Some((a.clone(), false))
            }
            Some(serde_json::Value::Object(o))
                if o.len() == 1
                    && keep_name.is_none()
                    && o["value"].as_array().is_some_and(|a| a.len() > 1) =>
            {
                Some((o["value"].as_array().unwrap().clone(), true))
            }
            _ => None,
        };
        match split {
            Some((entries, wrapped)) => {
                for (i, e) in entries.into_iter().enumerate() {
                    let body = if wrapped {
                        serde_json::json!({ "value": [e] })
                    } else {
                        serde_json::json!([e])
                    };
                    out.push((
                        serde_json::to_vec_pretty(&body).unwrap(),
                        rel.clone(),
                        Some(i),
                        None,
                    ));
                }
            }
            None => out.push((bytes.clone(), rel.clone(), None, keep_name)),
        }
    }
    out
}

/// A layout: the pieces in `order`, each under a folder chosen by `folder` and a fixed-width
/// unique subfolder (so one path is never a prefix of another).
fn layout(ps: &[Source], order: &[usize], folder: impl Fn(usize) -> String) -> Vec<Piece> {
    order
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let (bytes, orig, idx, keep) = &ps[i];
            // a whole file keeps its base name (a YAML's file name can name its object)
            let base = match (keep, idx) {
                (Some(n), _) => n.clone(),
                (None, Some(_)) => "piece.json".to_string(),
                (None, None) => orig.rsplit('/').next().unwrap().to_string(),
            };
            let name = format!("{}/f{k:04}/{base}", folder(k));
            (name, bytes.clone(), orig.clone(), *idx)
        })
        .collect()
}

fn export(files: &[Piece]) -> String {
    let d = tempfile::tempdir().unwrap();
    for (name, bytes, _, _) in files {
        let p = d.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let r = common::run(&[
        "export",
        "--format",
        "json",
        "-p",
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // map each file back to the original file (and entry)
    let mut s = r.stdout;
    for (name, _, orig, idx) in files {
        if let Some(i) = idx {
            s = s.replace(&format!("{name}#0"), &format!("{orig}#{i}"));
        }
    }
    for (name, _, orig, _) in files {
        s = s.replace(name.as_str(), orig);
    }
    // findings are listed by (severity, source, rule, message): re-apply that order to the
    // original names
    let mut v: serde_json::Value = serde_json::from_str(&s).unwrap();
    if let Some(fs) = v["findings"].as_array_mut() {
        let sev = |f: &serde_json::Value| match f["severity"].as_str() {
            Some("error") => 0,
            Some("warning") => 1,
            _ => 2,
        };
        fs.sort_by(|a, b| {
            let k = |f: &serde_json::Value| {
                (
                    sev(f),
                    f["source"].as_str().unwrap_or_default().to_string(),
                    f["rule"].as_str().unwrap_or_default().to_string(),
                    f["message"].as_str().unwrap_or_default().to_string(),
                )
            };
            k(a).cmp(&k(b))
        });
    }
    sort_sources(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

/// `sources` lists name the files that said the same thing; two files saying exactly the same
/// are listed in file order, so they are compared as sets.
fn sort_sources(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if k == "sources" {
                    if let Some(a) = x.as_array_mut() {
                        a.sort_by_key(|s| s.to_string());
                    }
                }
                sort_sources(x);
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(sort_sources),
        _ => {}
    }
}

fn check(project: &Path) {
    let mut files = Vec::new();
    read_tree(project, project, &mut files);
    let ps = pieces(&files);
    let n = ps.len();
    let whole: Vec<Piece> = files
        .iter()
        .map(|(r, b)| (r.clone(), b.clone(), r.clone(), None))
        .collect();
    let want = export(&whole);
    let forward: Vec<usize> = (0..n).collect();
    let reverse: Vec<usize> = (0..n).rev().collect();
    // a fixed shuffle: stride through the pieces
    let stride = (1..n).rev().find(|s| gcd(*s, n) == 1).unwrap_or(1);
    let shuffled: Vec<usize> = (0..n).map(|k| (k * stride + 3) % n).collect();
    let layouts = [
        layout(&ps, &forward, |_| "flat".to_string()),
        layout(&ps, &reverse, |k| format!("a/b{}", k % 3)),
        layout(&ps, &shuffled, |k| format!("x{}/y", k % 2)),
    ];
    for (i, l) in layouts.iter().enumerate() {
        let got = export(l);
        if got != want {
            let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
            let first = g.iter().zip(&w).position(|(a, b)| a != b).unwrap_or(0);
            panic!(
                "layout {i} of {} differs at line {first}:\n  got:  {}\n  want: {}",
                project.display(),
                g.get(first).unwrap_or(&""),
                w.get(first).unwrap_or(&"")
            );
        }
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

#[test]
fn real_shapes_tenant_in_any_layout() {
    check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real-shapes/tenant"));
}

/// The demo places its YAML by folder and by the manifest's default workspace; moving files
/// keeps every document in that workspace, so the answer must not change.
#[test]
fn demo_project_in_any_layout() {
    check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-configs/demo"));
}
