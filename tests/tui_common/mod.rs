//! A small hand-built project for TUI logic tests (independent of the demo's content), and
//! helpers to drive the app and read a screen.
#![allow(dead_code)]

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use reach::engine::Engine;
use reach::finding::{Finding, Severity};
use reach::load::raw::*;
use reach::source::{Located, Source};
use reach::tui::action::Action;
use reach::tui::app::AppState;
use reach::tui::theme::Theme;
use reach::tui::ui;
use std::sync::Arc;

pub const RG: &str = "/subscriptions/s1/resourceGroups/rg-ml";
pub const WS: &str =
    "/subscriptions/s1/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-main";
/// A secret that must never reach the screen or the clipboard.
pub const SECRET: &str = "S3cr3tSigValue99";

fn src(file: &str, i: u32) -> Source {
    Source::line(&Arc::from(file), i)
}

fn principal(kind: PrincipalKind, oid: &str, name: &str, members: &[&str]) -> RawPrincipal {
    RawPrincipal {
        kind,
        object_id: Some(oid.into()),
        display_name: Some(name.into()),
        upn: (kind == PrincipalKind::User).then(|| name.into()),
        client_id: None,
        resource_id: None,
        system_assigned: false,
        members: members
            .iter()
            .enumerate()
            .map(|(i, m)| MemberRef {
                reference: m.to_string(),
                kind: None,
                source: src("azure/groups.json", 10 + i as u32),
            })
            .collect(),
        members_exported: true,
        source: src("azure/users.json", 1),
    }
}

fn assign(pid: &str, role: &str, scope: &str, line: u32) -> RawAssignment {
    RawAssignment {
        id: None,
        principal_id: pid.into(),
        principal_name: None,
        principal_type: None,
        role_definition_id: None,
        role_name: Some(role.into()),
        scope: scope.into(),
        condition: None,
        source: src("azure/role-assignments.json", line),
        pim: None,
    }
}

fn endpoint(name: &str, mode: &str) -> AmlDoc {
    let file = format!("ml/endpoints/{name}.yml");
    AmlDoc {
        source: src(&file, 1),
        id: None,
        dir: "ml/endpoints".into(),
        name: Some(Located::new(name.into(), 2)),
        kind: AmlKind::OnlineEndpoint(EndpointSpec {
            auth_mode: Some(Located::new(mode.into(), 3)),
            identity: Some(IdentitySpec {
                kind: "system_assigned".into(),
                line: 4,
                ..Default::default()
            }),
            ..Default::default()
        }),
    }
}

const ALICE: &str = "a0000000-0000-0000-0000-000000000001";
const BOB: &str = "a0000000-0000-0000-0000-000000000002";
const CAROL: &str = "a0000000-0000-0000-0000-000000000003";
const EVE: &str = "a0000000-0000-0000-0000-000000000004";
const BOT: &str = "a0000000-0000-0000-0000-000000000005";
const SCORERS: &str = "b0000000-0000-0000-0000-000000000001";
const ONCALL: &str = "b0000000-0000-0000-0000-000000000002";

pub fn fixture() -> RawProject {
    let mut raw = RawProject {
        root: "fixture".into(),
        ..RawProject::default()
    };
    raw.manifests.push(Manifest {
        subscription: Some("s1".into()),
        resource_group: Some("rg-ml".into()),
        workspace: Some("ws-main".into()),
        ..Default::default()
    });
    use PrincipalKind::*;
    raw.principals = vec![
        principal(User, ALICE, "alice@contoso.com", &[]),
        principal(User, BOB, "bob@contoso.com", &[]),
        principal(User, CAROL, "carol@contoso.com", &[]),
        principal(User, EVE, "eve\u{202e}moc.osotnoc@", &[]),
        principal(
            ServicePrincipal,
            BOT,
            &format!("deploy-bot sig={SECRET}"),
            &[],
        ),
        principal(Group, SCORERS, "fraud-scorers", &[ALICE, ONCALL]),
        principal(Group, ONCALL, "ops-oncall", &[CAROL]),
    ];
    raw.aml = vec![
        endpoint("ep-fraud", "aad_token"),
        endpoint("ep-churn", "key"),
    ];
    raw.assignments = vec![
        assign(SCORERS, "AzureML Data Scientist", WS, 12),
        assign(BOB, "Reader", RG, 20),
        assign(BOT, "Contributor", RG, 28),
    ];
    raw.findings.push(Finding::load(
        Severity::Error,
        "expected a mapping, found a list",
        src("ml/broken.yml", 3),
    ));
    raw
}

pub fn engine() -> Engine {
    Engine::new(reach::model::build(fixture()))
}

pub fn app(w: u16, h: u16) -> AppState {
    AppState::new(engine(), w, h)
}

/// Feed actions in order.
pub fn feed(app: &mut AppState, actions: impl IntoIterator<Item = Action>) {
    for a in actions {
        app.update(a);
    }
}

/// `/` + each char of `q`.
pub fn filter(q: &str) -> Vec<Action> {
    std::iter::once(Action::StartFilter)
        .chain(q.chars().map(Action::FilterChar))
        .collect()
}

pub fn render(app: &AppState, theme: &Theme) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| ui::draw(f, app, theme)).unwrap();
    t
}

/// The screen as text, one line per row.
pub fn screen(buf: &Buffer) -> String {
    let w = buf.area.width as usize;
    buf.content
        .chunks(w)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}
