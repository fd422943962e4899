//! `:` — the command line that jumps to any resource (`kind:name`, as the CLI takes it) or
//! principal (name, UPN, object ID) with fuzzy completion: on a 100k tenant the fastest way to
//! a selection. Candidates are every resource row and identity row, searched with the panes'
//! filter; Enter goes to the highlighted one (or to what the typed text resolves to exactly).

use super::*;

/// The open command line: what is typed and the candidates it matches.
#[derive(Debug)]
pub struct CommandLine {
    pub input: String,
    /// Candidates: `kind:name` of each resource row, then each identity's name.
    pub list: Listing,
    targets: Vec<Subject>,
    /// The candidates' labels (as the list searches them).
    pub labels: Vec<String>,
}

/// Candidates shown under the input.
pub const SHOWN: usize = 8;

impl CommandLine {
    fn new(app: &AppState) -> CommandLine {
        let mut labels = Vec::new();
        let mut targets = Vec::new();
        for r in &app.resources.rows {
            labels.push(format!("{}:{}", r.kind.word(), r.label));
            targets.push(Subject::Resource(r.id));
        }
        for r in &app.identities.rows {
            labels.push(r.name.clone());
            targets.push(Subject::Principal(r.id));
        }
        let mut list = Listing::new(labels.clone());
        list.set_height(SHOWN);
        list.start_filter();
        CommandLine {
            input: String::new(),
            list,
            targets,
            labels,
        }
    }

    /// The highlighted candidate (only once something is typed).
    pub fn current(&self) -> Option<(Subject, &str)> {
        if self.input.is_empty() {
            return None;
        }
        let i = self.list.current()?;
        Some((*self.targets.get(i)?, self.labels.get(i)?.as_str()))
    }
}

impl AppState {
    pub(super) fn open_command(&mut self) {
        self.command = Some(CommandLine::new(self));
    }

    pub(super) fn update_command(&mut self, a: Action) -> Vec<Effect> {
        let Some(c) = self.command.as_mut() else {
            return Vec::new();
        };
        match a {
            Action::FilterChar(ch) => {
                c.input.push(ch);
                c.list.push_char(ch);
            }
            Action::FilterBackspace => {
                c.input.pop();
                c.list.pop_char();
            }
            Action::Move(m) => c.list.apply(m),
            Action::Complete => {
                if let Some((_, label)) = c.current() {
                    let label = label.to_string();
                    c.input.clone_from(&label);
                    c.list.set_query(&label);
                }
            }
            Action::Back => self.command = None,
            Action::Select => self.run_command(),
            _ => {}
        }
        Vec::new()
    }

    /// Enter: go to the highlighted candidate, else to what the text resolves to.
    fn run_command(&mut self) {
        let Some(c) = self.command.take() else {
            return;
        };
        let typed = crate::mask::unmask_ref(c.input.trim());
        let m = self.engine.model();
        let exact = m
            .resolve_resource(&typed)
            .map(Subject::Resource)
            .or_else(|_| m.resolve_principal(&typed).map(Subject::Principal))
            .ok();
        let target = c.current().map(|(t, _)| t).or(exact);
        match target {
            Some(Subject::Resource(s)) => {
                self.set_focus(Focus::Resources);
                self.reveal_resource(s);
                self.select_resource(s);
            }
            Some(Subject::Principal(p)) => {
                self.set_focus(Focus::Identities);
                self.reveal_principal(p);
                self.select_principal(p);
            }
            None if typed.is_empty() => {}
            None => {
                self.message = Some(format!(
                    "no resource or identity matches {} (kind:name, a name, UPN or object ID)",
                    show(&typed)
                ))
            }
        }
    }
}
