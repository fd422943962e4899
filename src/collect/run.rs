//! Running the plan: stages of inputs read in parallel (at most `jobs` az processes at once),
//! each call retried on 429/5xx/timeouts with backoff that honours Retry-After (and pauses every
//! call to the same service meanwhile), paged REST followed by reach, each file written
//! atomically, the manifest rewritten after every input.

use super::az::{self, Az, Failure, Reply};
use super::doc;
use super::manifest::{Manifest, Record, Status};
use super::plan::{Fetch, Input, Role};
use super::progress::Progress;
use super::{deny, store};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Retry and concurrency settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub jobs: usize,
    /// Tries per call (the first included).
    pub attempts: u32,
    /// First backoff when no Retry-After is given; doubles per try, at most a minute.
    pub backoff: Duration,
    /// Every wait is multiplied by this (tests: small; the manifest records the unscaled wait).
    pub sleep_scale: f64,
}

/// Services that throttle separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Service {
    Arm,
    Graph,
}

fn service(argv: &[String]) -> Service {
    if argv.iter().any(|a| a.contains("graph.microsoft.com")) {
        Service::Graph
    } else {
        Service::Arm
    }
}

/// The outcome of one call after its retries.
pub struct Called {
    pub result: Result<Reply, (Failure, Reply)>,
    pub calls: u32,
    pub waited: Duration,
}

/// Shared between the workers: the pause a 429 asked for, per service.
#[derive(Default)]
pub struct Pauses(Mutex<HashMap<Service, Instant>>);

fn backoff(s: &Settings, attempt: u32, salt: &str) -> Duration {
    let base = s
        .backoff
        .saturating_mul(1 << attempt.saturating_sub(1).min(6));
    let base = base.min(Duration::from_secs(60));
    // up to a quarter more, fixed per input and try, so parallel retries spread out
    let h = salt
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
        .wrapping_add(u64::from(attempt));
    base + base.mul_f64((h % 1000) as f64 / 4000.0)
}

fn sleep(s: &Settings, d: Duration) {
    std::thread::sleep(d.mul_f64(s.sleep_scale.max(0.0)));
}

/// One call with its retries. `on_retry(why, wait, attempt)` is told before each wait.
pub fn call(
    az: &Az,
    argv: &[String],
    s: &Settings,
    pauses: &Pauses,
    salt: &str,
    on_retry: &dyn Fn(&str, Duration, u32),
) -> Called {
    let svc = service(argv);
    let mut waited = Duration::ZERO;
    let mut calls = 0;
    if let Some(why) = deny::refuse(argv) {
        let r = Reply {
            stderr: format!("reach refused to run this command: {why}"),
            ..Reply::default()
        };
        return Called {
            result: Err((Failure::Other, r)),
            calls,
            waited,
        };
    }
    let attempts = s.attempts.max(1);
    for attempt in 1..=attempts {
        let until = pauses
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&svc)
            .copied();
        if let Some(u) = until {
            let now = Instant::now();
            if u > now {
                std::thread::sleep(u - now);
            }
        }
        calls += 1;
        let reply = match az.call(argv) {
            Ok(r) => r,
            Err(e) => {
                let r = Reply {
                    stderr: format!("cannot run az: {e}"),
                    ..Reply::default()
                };
                return Called {
                    result: Err((Failure::Other, r)),
                    calls,
                    waited,
                };
            }
        };
        if reply.ok() {
            return Called {
                result: Ok(reply),
                calls,
                waited,
            };
        }
        let (kind, why, wait) = if reply.timed_out {
            (
                Failure::Transient,
                "no answer within the timeout".to_string(),
                backoff(s, attempt, salt),
            )
        } else {
            match az::classify(&reply.stderr) {
                Failure::Throttled => match az::retry_after(&reply.stderr) {
                    Some(d) => (
                        Failure::Throttled,
                        format!("throttled (429), Retry-After {}s", d.as_secs()),
                        d,
                    ),
                    None => (
                        Failure::Throttled,
                        "throttled (429), no Retry-After".to_string(),
                        backoff(s, attempt, salt),
                    ),
                },
                Failure::Transient => (
                    Failure::Transient,
                    "server error".to_string(),
                    backoff(s, attempt, salt),
                ),
                other => {
                    return Called {
                        result: Err((other, reply)),
                        calls,
                        waited,
                    }
                }
            }
        };
        if attempt == attempts {
            return Called {
                result: Err((kind, reply)),
                calls,
                waited,
            };
        }
        if kind == Failure::Throttled {
            let until = Instant::now() + wait.mul_f64(s.sleep_scale.max(0.0));
            let mut p = pauses.0.lock().unwrap_or_else(|e| e.into_inner());
            let e = p.entry(svc).or_insert(until);
            if *e < until {
                *e = until;
            }
        }
        on_retry(&why, wait, attempt);
        sleep(s, wait);
        waited += wait;
    }
    Called {
        result: Err((Failure::Other, Reply::default())),
        calls,
        waited,
    }
}

fn status_of(f: Failure) -> Status {
    match f {
        Failure::Denied => Status::Denied,
        Failure::Unlicensed => Status::Unlicensed,
        Failure::NotFound => Status::Unavailable,
        _ => Status::Failed,
    }
}

/// Documents kept for planning the next stage.
fn keep(role: Role) -> bool {
    matches!(
        role,
        Role::Workspace
            | Role::Computes
            | Role::OnlineEndpoints
            | Role::BatchEndpoints
            | Role::RoleAssignments
            | Role::DenyAssignments
            | Role::PimEligible
            | Role::PimActive
            | Role::Principals
            | Role::Members
    )
}

pub fn command(argv: &[String]) -> Vec<String> {
    std::iter::once("az".to_string())
        .chain(argv.iter().cloned())
        .collect()
}

pub fn pending(input: &Input) -> Record {
    Record {
        file: input.file.clone(),
        what: input.what.clone(),
        scope: input.scope.clone(),
        affects: input.affects.to_string(),
        status: Status::Pending,
        command: command(&input.fetch.argv()),
        exit_code: None,
        stderr: String::new(),
        items: None,
        pages: 0,
        calls: 0,
        waited_ms: 0,
        sha256: None,
        bytes: None,
        resumed: false,
    }
}

pub struct Collector<'a> {
    pub root: &'a Path,
    pub az: &'a Az,
    pub settings: &'a Settings,
    pub progress: &'a Progress,
    pub manifest: Mutex<Manifest>,
    /// The earlier run's manifest (`--resume`).
    pub previous: Option<Manifest>,
    /// Replies already read by the up-front checks (the workspace `show`), by file.
    pub prefetched: Mutex<HashMap<String, Reply>>,
    pub pauses: Pauses,
    pub calls: AtomicU32,
    pub max_running: AtomicUsize,
    running: AtomicUsize,
}

impl<'a> Collector<'a> {
    pub fn new(
        root: &'a Path,
        az: &'a Az,
        settings: &'a Settings,
        progress: &'a Progress,
        manifest: Manifest,
        previous: Option<Manifest>,
    ) -> Self {
        Collector {
            root,
            az,
            settings,
            progress,
            manifest: Mutex::new(manifest),
            previous,
            prefetched: Mutex::new(HashMap::new()),
            pauses: Pauses::default(),
            calls: AtomicU32::new(0),
            max_running: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
        }
    }

    /// Write the manifest as it stands (atomically).
    pub fn save(&self) -> std::io::Result<()> {
        let bytes = self
            .manifest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .to_bytes();
        store::write(self.root, super::manifest::FILE, &bytes)
    }

    /// Read one stage of inputs, at most `jobs` at a time. Returns each input with the document
    /// kept for planning (when its role needs one and it was read).
    pub fn stage(&self, inputs: Vec<Input>) -> Vec<(Input, Option<Value>)> {
        if inputs.is_empty() {
            return Vec::new();
        }
        {
            let mut m = self.manifest.lock().unwrap_or_else(|e| e.into_inner());
            for i in &inputs {
                if m.record(&i.file).is_none() {
                    m.put(pending(i));
                }
            }
        }
        let _ = self.save();
        self.progress.planned(inputs.len());
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<Option<Value>>>> = Mutex::new(vec![None; inputs.len()]);
        let workers = self.settings.jobs.clamp(1, 64).min(inputs.len());
        std::thread::scope(|sc| {
            for _ in 0..workers {
                sc.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(input) = inputs.get(i) else { break };
                    let (rec, value) = self.one(input);
                    self.progress.finished(input, &rec);
                    self.manifest
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .put(rec);
                    let _ = self.save();
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] =
                        Some(value.filter(|_| keep(input.role)));
                });
            }
        });
        let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
        inputs
            .into_iter()
            .zip(results)
            .map(|(i, v)| (i, v.flatten()))
            .collect()
    }

    /// An input taken from the earlier run: complete, same command, file unchanged.
    fn resumed(&self, input: &Input) -> Option<(Record, Value)> {
        let prev = self.previous.as_ref()?.record(&input.file)?;
        if prev.status != Status::Complete || prev.command != command(&input.fetch.argv()) {
            return None;
        }
        let bytes = std::fs::read(self.root.join(&input.file)).ok()?;
        if prev.sha256.as_deref() != Some(store::sha256(&bytes).as_str()) {
            return None;
        }
        let d = doc::document(&bytes).ok()?;
        let mut rec = prev.clone();
        rec.resumed = true;
        Some((rec, d.value))
    }

    fn call(
        &self,
        input: &Input,
        argv: &[String],
        rec: &mut Record,
    ) -> Result<Reply, (Failure, Reply)> {
        if let Some(r) = self
            .prefetched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&input.file)
        {
            rec.calls += 1;
            return Ok(r);
        }
        let n = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_running.fetch_max(n, Ordering::SeqCst);
        let on_retry = |why: &str, wait: Duration, attempt: u32| {
            self.progress.retry(input, why, wait, attempt);
        };
        let c = call(
            self.az,
            argv,
            self.settings,
            &self.pauses,
            &input.file,
            &on_retry,
        );
        self.running.fetch_sub(1, Ordering::SeqCst);
        self.calls.fetch_add(c.calls, Ordering::SeqCst);
        rec.calls += c.calls;
        rec.waited_ms += u64::try_from(c.waited.as_millis()).unwrap_or(u64::MAX);
        let exit = |r: &Reply| r.code;
        match &c.result {
            Ok(r) => rec.exit_code = exit(r),
            Err((_, r)) => {
                rec.exit_code = exit(r);
                rec.stderr = if r.timed_out {
                    format!(
                        "no answer within the timeout of {}s",
                        self.az.timeout.as_secs()
                    )
                } else {
                    az::excerpt(&r.stderr)
                };
            }
        }
        c.result
    }

    /// Read one input: its record and its document.
    fn one(&self, input: &Input) -> (Record, Option<Value>) {
        if let Some((rec, v)) = self.resumed(input) {
            return (rec, Some(v));
        }
        self.progress.started(input);
        let mut rec = pending(input);
        match &input.fetch {
            Fetch::Once(argv) => match self.call(input, argv, &mut rec) {
                Ok(reply) => match doc::document(&reply.stdout) {
                    Ok(d) => {
                        rec.pages = 1;
                        let items = doc::items(&d.value);
                        self.finish(&mut rec, Status::Complete, &d.bytes, items);
                        (rec, Some(d.value))
                    }
                    Err(e) => {
                        rec.status = Status::Failed;
                        rec.stderr = e;
                        (rec, None)
                    }
                },
                Err((f, _)) => {
                    rec.status = status_of(f);
                    (rec, None)
                }
            },
            Fetch::Paged(first) => self.paged(input, first, rec),
        }
    }

    fn paged(&self, input: &Input, first: &str, mut rec: Record) -> (Record, Option<Value>) {
        let mut pages: Vec<doc::Doc> = Vec::new();
        let mut url = first.to_string();
        let mut failure: Option<Status> = None;
        let mut items = 0;
        loop {
            let argv = super::plan::rest_get(&url);
            match self.call(input, &argv, &mut rec) {
                Ok(reply) => match doc::document(&reply.stdout) {
                    Ok(d) => {
                        items += doc::items(&d.value);
                        let next = doc::next_link(&d.value);
                        pages.push(d);
                        self.progress.page(input, pages.len() as u32, items);
                        match next {
                            Some(n) if n != url && pages.len() < 100_000 => url = n,
                            _ => break,
                        }
                    }
                    Err(e) => {
                        rec.stderr = e;
                        failure = Some(Status::Failed);
                        break;
                    }
                },
                Err((f, _)) => {
                    failure = Some(status_of(f));
                    break;
                }
            }
        }
        rec.pages = pages.len() as u32;
        if pages.is_empty() {
            rec.status = failure.unwrap_or(Status::Failed);
            return (rec, None);
        }
        let status = if failure.is_some() {
            rec.stderr = format!("stopped after page {}: {}", pages.len(), rec.stderr);
            Status::Partial
        } else {
            Status::Complete
        };
        if pages.len() == 1 && failure.is_none() {
            let d = pages.remove(0);
            self.finish(&mut rec, status, &d.bytes, items);
            return (rec, Some(d.value));
        }
        let merged = doc::merge(pages.into_iter().map(|d| d.value).collect());
        let mut bytes = serde_json::to_vec_pretty(&merged).unwrap_or_default();
        bytes.push(b'\n');
        self.finish(&mut rec, status, &bytes, items);
        (rec, Some(merged))
    }

    /// Write the file and fill in the record; a write error makes the input failed.
    fn finish(&self, rec: &mut Record, status: Status, bytes: &[u8], items: usize) {
        match store::write(self.root, &rec.file, bytes) {
            Ok(()) => {
                rec.status = status;
                rec.items = Some(items);
                rec.sha256 = Some(store::sha256(bytes));
                rec.bytes = Some(bytes.len() as u64);
            }
            Err(e) => {
                rec.status = Status::Failed;
                rec.stderr = format!("cannot write {}: {e}", rec.file);
            }
        }
    }
}
