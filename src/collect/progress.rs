//! Progress on stderr: with a terminal, an overall bar and one spinner per input being read
//! (indicatif); otherwise one plain line per finished input, retry and note.

use super::manifest::{Record, Status};
use super::plan::Input;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

pub struct Progress {
    bars: Option<Bars>,
    done: Mutex<(usize, usize)>,
}

struct Bars {
    multi: MultiProgress,
    overall: ProgressBar,
    running: Mutex<HashMap<String, ProgressBar>>,
}

fn mark(s: Status) -> &'static str {
    match s {
        Status::Complete => "ok",
        Status::Partial => "PARTIAL",
        Status::Denied => "DENIED",
        Status::Unlicensed => "unlicensed",
        Status::Unavailable => "unavailable",
        Status::Failed => "FAILED",
        Status::Pending => "pending",
    }
}

/// The one-line summary of a finished input.
pub fn line(rec: &Record) -> String {
    let mut s = format!("{:<11} {}", mark(rec.status), rec.file);
    if let Some(n) = rec.items {
        s.push_str(&format!("  {n} item{}", if n == 1 { "" } else { "s" }));
    }
    if rec.pages > 1 {
        s.push_str(&format!(", {} pages", rec.pages));
    }
    if rec.resumed {
        s.push_str("  (kept from the earlier run)");
    }
    if rec.status != Status::Complete {
        if let Some(first) = rec.stderr.lines().last() {
            let short: String = first.chars().take(160).collect();
            s.push_str(&format!("\n            {}", crate::text::show(&short)));
        }
    }
    s
}

impl Progress {
    /// Bars when `tty`, plain lines otherwise.
    pub fn new(tty: bool) -> Progress {
        let bars = tty.then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let overall = multi.add(ProgressBar::new(0));
            overall.set_style(
                ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} inputs {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            overall.set_prefix("collect");
            Bars {
                multi,
                overall,
                running: Mutex::new(HashMap::new()),
            }
        });
        Progress {
            bars,
            done: Mutex::new((0, 0)),
        }
    }

    fn plain(&self, s: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{s}");
    }

    fn println(&self, s: &str) {
        match &self.bars {
            Some(b) => {
                let _ = b.multi.println(s);
            }
            None => self.plain(s),
        }
    }

    /// More inputs planned (fan-out).
    pub fn planned(&self, n: usize) {
        let mut d = self.done.lock().unwrap_or_else(|e| e.into_inner());
        d.1 += n;
        if let Some(b) = &self.bars {
            b.overall.set_length(d.1 as u64);
        }
    }

    pub fn started(&self, input: &Input) {
        if let Some(b) = &self.bars {
            let pb = b.multi.add(ProgressBar::new_spinner());
            pb.set_style(
                ProgressStyle::with_template("  {spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            pb.set_message(input.what.clone());
            pb.enable_steady_tick(Duration::from_millis(120));
            b.running
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(input.file.clone(), pb);
        }
    }

    /// A page was read.
    pub fn page(&self, input: &Input, pages: u32, items: usize) {
        if let Some(b) = &self.bars {
            if let Some(pb) = b
                .running
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&input.file)
            {
                pb.set_message(format!("{}  ({pages} pages, {items} items)", input.what));
            }
        }
    }

    pub fn retry(&self, input: &Input, why: &str, wait: Duration, attempt: u32) {
        self.println(&format!(
            "retry       {}  {why}: waiting {:.1}s before try {}",
            input.file,
            wait.as_secs_f64(),
            attempt + 1
        ));
    }

    pub fn finished(&self, input: &Input, rec: &Record) {
        let mut d = self.done.lock().unwrap_or_else(|e| e.into_inner());
        d.0 += 1;
        match &self.bars {
            Some(b) => {
                if let Some(pb) = b
                    .running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&input.file)
                {
                    pb.finish_and_clear();
                    b.multi.remove(&pb);
                }
                b.overall.set_position(d.0 as u64);
                if rec.status != Status::Complete {
                    let _ = b.multi.println(line(rec));
                }
            }
            None => self.plain(&format!("[{}/{}] {}", d.0, d.1, line(rec))),
        }
    }

    pub fn note(&self, s: &str) {
        self.println(s);
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bars {
            b.overall.finish_and_clear();
            let _ = b.multi.clear();
        }
    }
}
