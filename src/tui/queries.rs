//! Engine questions off the UI thread. The TUI asks two kinds: the list for the selection (who
//! reaches a resource, what an identity reaches) and the paths of the highlighted Access row.
//! Each ask gets a number; asking again of the same kind makes every earlier ask of that kind
//! stale. The worker skips stale asks it has not started, stops a what-can list between
//! resources once it is stale, and the app drops a stale answer. So moving on cancels.
//!
//! `Queries::inline()` answers on the calling thread at once (tests, benchmarks, the examples):
//! the same code path, without a thread.

use crate::engine::{AccessPath, Engine, Reached, WhatCan};
use crate::model::{PrincipalId, ScopeId};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;

/// What the app asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    /// Who reaches `s` (a summary: principals and operations, no paths).
    WhoCan { s: ScopeId, op: Option<String> },
    /// What `p` reaches (a summary).
    WhatCan { p: PrincipalId, op: Option<String> },
    /// The paths of `p` to `s` for each operation; `tag`: name the operation on each path.
    Paths {
        p: PrincipalId,
        s: ScopeId,
        ops: Vec<String>,
        tag: bool,
    },
}

impl Ask {
    fn kind(&self) -> usize {
        match self {
            Ask::WhoCan { .. } | Ask::WhatCan { .. } => LIST,
            Ask::Paths { .. } => PATHS,
        }
    }
}

const LIST: usize = 0;
const PATHS: usize = 1;

/// What the engine answered.
#[derive(Debug)]
pub enum Answer {
    /// Who reaches the resource, and the notes on them; or why the question has no answer.
    WhoCan(Result<(Vec<Reached>, Vec<String>), String>),
    WhatCan(WhatCan),
    /// The paths found and how many more the cap left out.
    Paths(Vec<AccessPath>, usize),
}

/// An answer to ask number `id`.
#[derive(Debug)]
pub struct Done {
    pub id: u64,
    pub answer: Answer,
}

enum Job {
    Engine(Box<Engine>),
    Ask(u64, Ask),
}

/// The latest ask of each kind: an ask older than its kind's latest is stale.
#[derive(Default)]
struct Latest([AtomicU64; 2]);

impl Latest {
    fn stale(&self, id: u64, kind: usize) -> bool {
        self.0[kind].load(Ordering::SeqCst) != id
    }
}

enum Mode {
    Inline(VecDeque<Done>),
    Worker { tx: Sender<Job>, rx: Receiver<Done> },
}

/// The asks in flight and where they are answered.
pub struct Queries {
    mode: Mode,
    latest: Arc<Latest>,
    next: u64,
    /// The ask of each kind still unanswered (id, ask).
    pending: [Option<(u64, Ask)>; 2],
}

impl Queries {
    /// Answered on the calling thread, at once.
    pub fn inline() -> Queries {
        Queries {
            mode: Mode::Inline(VecDeque::new()),
            latest: Arc::default(),
            next: 0,
            pending: [None, None],
        }
    }

    /// Answered by a worker thread holding a share of `engine` (None if no thread could be
    /// started: then inline).
    pub fn worker(engine: &Engine) -> Queries {
        let (tx, jobs) = mpsc::channel::<Job>();
        let (done, rx) = mpsc::channel::<Done>();
        let latest: Arc<Latest> = Arc::default();
        let l = latest.clone();
        let first = engine.share();
        let spawned = std::thread::Builder::new()
            .name("reach-query".into())
            .spawn(move || work(first, &jobs, &done, &l));
        match spawned {
            Ok(_) => Queries {
                mode: Mode::Worker { tx, rx },
                latest,
                next: 0,
                pending: [None, None],
            },
            Err(_) => Queries::inline(),
        }
    }

    /// Whether asks are answered on another thread.
    pub fn in_background(&self) -> bool {
        matches!(self.mode, Mode::Worker { .. })
    }

    /// The engine changed (reload, what-if): later asks go to `engine`; earlier ones are stale.
    pub fn set_engine(&mut self, engine: &Engine) {
        for kind in [LIST, PATHS] {
            self.bump(kind);
        }
        self.pending = [None, None];
        if let Mode::Worker { tx, .. } = &self.mode {
            let _ = tx.send(Job::Engine(Box::new(engine.share())));
        }
    }

    fn bump(&mut self, kind: usize) -> u64 {
        self.next += 1;
        self.latest.0[kind].store(self.next, Ordering::SeqCst);
        self.next
    }

    /// Ask; every earlier ask of the same kind becomes stale. Returns the ask's number.
    pub fn ask(&mut self, engine: &Engine, ask: Ask) -> u64 {
        let kind = ask.kind();
        let id = self.bump(kind);
        self.pending[kind] = Some((id, ask.clone()));
        match &mut self.mode {
            Mode::Inline(q) => {
                if let Some(answer) = answer(engine, &ask, &|| false) {
                    q.push_back(Done { id, answer });
                }
            }
            Mode::Worker { tx, .. } => {
                if tx.send(Job::Ask(id, ask.clone())).is_err() {
                    // the worker is gone: answer here from now on rather than never
                    let mut q = VecDeque::new();
                    if let Some(answer) = answer(engine, &ask, &|| false) {
                        q.push_back(Done { id, answer });
                    }
                    self.mode = Mode::Inline(q);
                }
            }
        }
        id
    }

    /// Forget the pending ask of the paths kind (the row has none to ask).
    pub fn cancel_paths(&mut self) {
        self.bump(PATHS);
        self.pending[PATHS] = None;
    }

    /// Forget the pending list ask (the selection went away).
    pub fn cancel_list(&mut self) {
        self.bump(LIST);
        self.pending[LIST] = None;
    }

    /// The answers that arrived for asks still current (stale ones are dropped).
    pub fn take(&mut self) -> Vec<(Ask, Answer)> {
        let mut got = Vec::new();
        loop {
            let next = match &mut self.mode {
                Mode::Inline(q) => q.pop_front(),
                Mode::Worker { rx, .. } => rx.try_recv().ok(),
            };
            let Some(d) = next else { break };
            got.extend(self.accept(d));
        }
        got
    }

    /// The ask `d` answers, when it is still pending (else the answer is stale: dropped).
    fn accept(&mut self, d: Done) -> Option<(Ask, Answer)> {
        let kind = [LIST, PATHS]
            .into_iter()
            .find(|k| self.pending[*k].as_ref().is_some_and(|(id, _)| *id == d.id))?;
        let (_, ask) = self.pending[kind].take()?;
        Some((ask, d.answer))
    }

    /// Wait for the next answer to arrive, up to `timeout` (the event loop's frame budget).
    pub fn wait(&mut self, timeout: std::time::Duration) -> Vec<(Ask, Answer)> {
        if let Mode::Worker { rx, .. } = &self.mode {
            if !self.busy() {
                return Vec::new();
            }
            let Ok(d) = rx.recv_timeout(timeout) else {
                return Vec::new();
            };
            let mut got: Vec<(Ask, Answer)> = self.accept(d).into_iter().collect();
            got.extend(self.take());
            return got;
        }
        self.take()
    }

    /// Whether an ask is still unanswered: the list, the paths.
    pub fn waiting(&self) -> (bool, bool) {
        (self.pending[LIST].is_some(), self.pending[PATHS].is_some())
    }

    pub fn busy(&self) -> bool {
        self.pending.iter().any(Option::is_some)
    }
}

/// The worker: take the next ask, skip it when stale, answer it, send the answer back.
fn work(mut engine: Engine, jobs: &Receiver<Job>, done: &Sender<Done>, latest: &Latest) {
    while let Ok(job) = jobs.recv() {
        let (id, ask) = match job {
            Job::Engine(e) => {
                engine = *e;
                continue;
            }
            Job::Ask(id, ask) => (id, ask),
        };
        let kind = ask.kind();
        if latest.stale(id, kind) {
            continue;
        }
        // a panic in the engine costs this answer only (the terminal hook keeps the message)
        let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            answer(&engine, &ask, &|| latest.stale(id, kind))
        }));
        let answer = match got {
            Ok(Some(a)) => a,
            Ok(None) => continue,
            Err(_) => match ask {
                Ask::Paths { .. } => Answer::Paths(Vec::new(), 0),
                _ => Answer::WhoCan(Err("an internal error stopped this query".into())),
            },
        };
        if done.send(Done { id, answer }).is_err() {
            return;
        }
    }
}

/// The engine's answer (None: stopped because it became stale).
fn answer(e: &Engine, ask: &Ask, stop: &dyn Fn() -> bool) -> Option<Answer> {
    Some(match ask {
        Ask::WhoCan { s, op } => Answer::WhoCan(match e.who_can_summary(*s, op.as_deref()) {
            Ok(rows) => {
                let notes = e.membership_notes(rows.iter().map(|r| r.principal.pid));
                Ok((rows, notes))
            }
            Err(err) => Err(err.0),
        }),
        Ask::WhatCan { p, op } => {
            Answer::WhatCan(e.what_can_summary_until(*p, op.as_deref(), stop)?)
        }
        Ask::Paths { p, s, ops, tag } => {
            let mut paths = Vec::new();
            let mut more = 0;
            for op in ops {
                if stop() {
                    return None;
                }
                let Ok(x) = e.explain(*p, *s, op) else {
                    continue;
                };
                more += x.more_paths;
                paths.extend(x.paths.into_iter().map(|mut ap| {
                    if *tag {
                        ap.action = Some(op.clone());
                    }
                    ap
                }));
            }
            Answer::Paths(paths, more)
        }
    })
}
