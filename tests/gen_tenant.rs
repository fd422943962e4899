//! The scale-test tenant generator (examples/gen_tenant.rs) writes a project reach loads cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)]
#[path = "../examples/gen_tenant.rs"]
mod gen_tenant;

use reach::engine::Engine;
use reach::finding::Severity;
use reach::load::{load_path, Limits};

#[test]
fn small_generated_tenant_loads_without_errors_and_answers() {
    let d = tempfile::tempdir().unwrap();
    let target = gen_tenant::generate(500, 7, d.path());
    let raw = load_path(d.path(), &Limits::default()).unwrap();
    assert_eq!(
        raw.assignments.len(),
        500,
        "every generated assignment is loaded"
    );
    let e = Engine::new(reach::model::build(raw));
    let bad: Vec<_> = e
        .lint()
        .into_iter()
        .filter(|f| f.severity <= Severity::Warning)
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    let s = e.model().resolve_resource(&target).unwrap();
    let w = e.who_can(s, Some("score")).unwrap();
    assert!(!w.principals.is_empty());
    // deterministic from the seed
    let d2 = tempfile::tempdir().unwrap();
    assert_eq!(gen_tenant::generate(500, 7, d2.path()), target);
    let a = std::fs::read(d.path().join("azure/groups.json")).unwrap();
    let b = std::fs::read(d2.path().join("azure/groups.json")).unwrap();
    assert_eq!(a, b);
}
