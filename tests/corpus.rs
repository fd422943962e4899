#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Load the real Azure ML YAML corpus (`../shared/corpus/azureml-examples`) and check what each
//! file was recognised as against its MANIFEST.tsv.

use reach::finding::Severity;
use reach::load::raw::AmlKind;
use reach::load::{load_path, Limits};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

#[test]
fn corpus_loads_as_manifest_says() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/azureml-examples");
    let Ok(manifest) = std::fs::read_to_string(dir.join("MANIFEST.tsv")) else {
        eprintln!("note: {} not present; corpus test skipped", dir.display());
        return;
    };
    let t = std::time::Instant::now();
    let p = load_path(&dir, &Limits::default()).unwrap();
    eprintln!("corpus load: {} files in {:?}", p.files.len(), t.elapsed());

    let kinds: HashMap<&str, &str> = p
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.kind.as_str()))
        .collect();
    let mut broken = Vec::new();
    let mut want_counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut exact = 0;
    let rows: Vec<Vec<&str>> = manifest
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 450);
    for r in &rows {
        let (path, kind, parses) = (r[0], r[1], r[4]);
        if parses == "no" {
            broken.push(path);
            continue;
        }
        *want_counts
            .entry(kind.split('/').next().unwrap().to_string())
            .or_default() += 1;
        let got = kinds
            .get(path)
            .unwrap_or_else(|| panic!("{path} not loaded"));
        let family = kind.split('/').next().unwrap();
        assert!(
            got.starts_with(&format!("azureml/{family}")),
            "{path}: manifest {kind}, loaded as {got}"
        );
        if *got == format!("azureml/{kind}") {
            exact += 1;
        }
    }
    eprintln!(
        "exact kind matches: {exact} of {}",
        rows.len() - broken.len()
    );
    assert_eq!(broken.len(), 11);

    // The 11 files with unquoted mustache placeholders: one error each, with a line.
    for path in &broken {
        let errs: Vec<_> = p
            .findings
            .iter()
            .filter(|f| {
                f.rule == "LOAD" && f.severity == Severity::Error && f.source.file() == Some(path)
            })
            .collect();
        assert_eq!(errs.len(), 1, "{path}: {errs:?}");
        let s = errs[0].source.to_string();
        let line: u32 = s.rsplit(':').next().unwrap().parse().unwrap();
        assert!(line > 0, "{s}");
        assert_eq!(errs[0].subject, *path);
    }
    // No other file gives an error or a warning.
    for f in &p.findings {
        if f.severity != Severity::Info {
            assert!(
                broken.contains(&f.source.file().unwrap_or_default()),
                "unexpected finding: {f:?}"
            );
        }
    }

    let count = |pred: fn(&AmlKind) -> bool| p.aml.iter().filter(|d| pred(&d.kind)).count();
    let want = |family: &str| want_counts.get(family).copied().unwrap_or(0);
    assert_eq!(
        count(|k| matches!(k, AmlKind::OnlineEndpoint(_))),
        want("online-endpoint")
    );
    assert_eq!(
        count(|k| matches!(k, AmlKind::OnlineDeployment(_))),
        want("online-deployment")
    );
    assert_eq!(
        count(|k| matches!(k, AmlKind::BatchEndpoint(_))),
        want("batch-endpoint")
    );
    assert_eq!(
        count(|k| matches!(k, AmlKind::BatchDeployment(_))),
        want("batch-deployment")
    );
    assert_eq!(
        count(|k| matches!(k, AmlKind::Datastore(_))),
        want("datastore")
    );
    assert_eq!(count(|k| matches!(k, AmlKind::Compute(_))), want("compute"));
    assert_eq!(
        count(|k| matches!(k, AmlKind::Connection(_))),
        want("connection")
    );
    assert_eq!(
        count(|k| matches!(k, AmlKind::Workspace(_))),
        want("workspace")
    );
    assert_eq!(count(|k| matches!(k, AmlKind::Job(_))), want("job"));
    assert_eq!(
        count(|k| matches!(k, AmlKind::Environment(_))),
        want("environment")
    );
    assert_eq!(count(|k| matches!(k, AmlKind::Registry)), want("registry"));
    assert_eq!(count(|k| matches!(k, AmlKind::Data)), want("data"));
    assert_eq!(count(|k| matches!(k, AmlKind::Model)), want("model"));

    // Spot checks of fields the rules depend on.
    let doc = |path: &str| {
        p.aml
            .iter()
            .find(|d| d.source.file() == Some(path))
            .unwrap()
    };
    match &doc("cli/generative-ai/promptflow/deploy-flow/endpoint-system-identity.yaml").kind {
        AmlKind::OnlineEndpoint(e) => {
            assert_eq!(e.auth_mode.as_ref().unwrap().value, "key");
            assert!(
                e.enforce_access_to_default_secret_stores
                    .as_ref()
                    .unwrap()
                    .value
            );
        }
        k => panic!("{k:?}"),
    }
    match &doc("cli/jobs/spark/user-assigned-identity.yml").kind {
        AmlKind::Workspace(w) => {
            let id = w.identity.as_ref().unwrap();
            assert_eq!(id.kind, "system_assigned,user_assigned");
            assert_eq!(id.user_assigned.len(), 1);
            assert!(w.update_fragment);
        }
        k => panic!("{k:?}"),
    }
    match &doc("cli/jobs/single-step/on-behalf-of/job.yaml").kind {
        AmlKind::Job(j) => assert_eq!(j.identity.as_ref().unwrap().kind, "user_identity"),
        k => panic!("{k:?}"),
    }
    // No secret from the corpus ends up in the loaded project.
    let dump = format!("{p:?}");
    for secret in [
        "XxXxXxXXXXXXXxXxXxxXxxXXXXXXXXxXxxXXxXXXXXXXxxxXxXXxXXXXXxXXxXXXxXxXxxxXXxXXxXXXXXxXxxXX",
        "EXAMPLE_API_KEY",
        "dummy_pat",
    ] {
        assert!(!dump.contains(secret), "secret {secret} leaked");
    }
}
