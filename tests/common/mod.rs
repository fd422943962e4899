//! Helpers shared by the hostile-input, secrets and read-only tests: run the real binary with a
//! time limit, copy a sample folder, and add the hostile files git cannot hold.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_reach")
}

/// How long a run may take before it is taken for a hang and killed. A guard against a test
/// that never ends, not a check of speed: far beyond any run on a loaded 2-core machine
/// (speed is measured in the benchmarks).
pub const HANG: Duration = Duration::from_secs(600);

/// Wait for the `reach ARGS` run `child`; one still running after `HANG` is killed and fails
/// the test. The one place tests read a clock, and only to end a hang.
pub fn wait_guarded(child: &mut Child, args: &[&str]) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().expect("wait") {
            return s;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("reach {args:?} still running after {HANG:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Run `reach ARGS` in `cwd` with stdin closed; a run past `HANG` is killed and fails the test.
pub fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn reach");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let status = wait_guarded(&mut child, args);
    let stdout = t_out.join().unwrap_or_default();
    let stderr = t_err.join().unwrap_or_default();
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

pub fn run(args: &[&str]) -> Run {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-configs")
        .join(name)
}

/// Copy a folder tree (regular files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .expect("read_dir")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let ft = e.file_type().expect("file type");
        let dest = to.join(e.file_name());
        if ft.is_dir() {
            copy_tree(&e.path(), &dest);
        } else if ft.is_file() {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// Notes about hostile files that could not be created here (printed by the tests).
#[derive(Default)]
pub struct Made {
    pub fifo: bool,
    pub device: bool,
    /// The unreadable file really cannot be read (false when running as root).
    pub unreadable: bool,
    pub notes: Vec<String>,
}

/// Size of the junk file: 20 MiB, over the `--max-file-size 8M` the hostile tests pass (the
/// default YAML limit is 64 MiB).
pub const JUNK_BYTES: usize = 20 << 20;
/// Length of the huge single line: 5 MiB, under the YAML limit.
pub const HUGE_LINE_BYTES: usize = 5 << 20;

/// A temp copy of `sample-configs/broken` plus the hostile files git cannot hold (see its
/// README): 20 MiB of junk, a huge single line, symlink loops, a symlink out of the folder, a
/// FIFO, a device file and an unreadable file. `outside` must be a folder outside the copy.
pub fn broken_copy(root: &Path, outside: &Path) -> Made {
    copy_tree(&sample("broken"), root);
    let h = root.join("hostile");
    let mut made = Made::default();
    // 20 MiB of junk (deterministic bytes).
    let mut junk = vec![0u8; JUNK_BYTES];
    let mut x: u32 = 0x2545_f491;
    for b in &mut junk {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = (x >> 24) as u8;
    }
    std::fs::write(h.join("junk.yml"), &junk).expect("junk");
    drop(junk);
    // One 5 MiB line that ends in a syntax error, with a secret near the error.
    let mut line = String::with_capacity(HUGE_LINE_BYTES + 200);
    line.push_str("{\"name\": \"");
    while line.len() < HUGE_LINE_BYTES {
        line.push_str("abcdefghijklmnopqrstuvwxyz0123456789");
    }
    line.push_str("\", \"password\": \"huge-line-canary-Pa55\" \"oops\"}");
    std::fs::write(h.join("huge-line.json"), line).expect("huge line");
    #[cfg(unix)]
    {
        use std::os::unix::fs::{symlink, PermissionsExt};
        symlink("loop-b.yml", h.join("loop-a.yml")).expect("symlink");
        symlink("loop-a.yml", h.join("loop-b.yml")).expect("symlink");
        symlink("..", h.join("dir-loop")).expect("symlink");
        std::fs::write(
            outside.join("outside.yml"),
            "name: outside-secret\naccount_key: outside\n",
        )
        .expect("outside");
        symlink(outside.join("outside.yml"), h.join("outside.yml")).expect("symlink");
        made.fifo = Command::new("mkfifo")
            .arg(h.join("pipe.yml"))
            .status()
            .is_ok_and(|s| s.success());
        if !made.fifo {
            made.notes
                .push("mkfifo not available: FIFO check skipped".into());
        }
        made.device = Command::new("mknod")
            .arg(h.join("device.json"))
            .args(["c", "1", "5"]) // /dev/zero: endless bytes if ever opened
            .status()
            .is_ok_and(|s| s.success());
        if !made.device {
            made.notes
                .push("mknod not permitted: device-file check skipped".into());
        }
        let u = h.join("unreadable.yml");
        std::fs::write(&u, "name: ep-unreadable\nauth_mode: key\n").expect("unreadable");
        std::fs::set_permissions(&u, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        made.unreadable = std::fs::read(&u).is_err();
        if !made.unreadable {
            made.notes.push(
                "running as root (or with CAP_DAC_OVERRIDE): the unreadable file is readable; its message check is skipped"
                    .into(),
            );
        }
    }
    made
}

/// The subscription of the `tests/fixtures/contoso` project.
pub const CONTOSO_SUB: &str = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590";

/// A role assignment as `az role assignment list` prints it, of built-in role `role` (its
/// GUID) in the contoso subscription.
pub fn contoso_assignment(p: &str, kind: &str, role: &str, scope: &str) -> serde_json::Value {
    serde_json::json!({
        "principalId": p, "principalType": kind, "scope": scope,
        "roleDefinitionId": format!("{CONTOSO_SUB}/providers/Microsoft.Authorization/roleDefinitions/{role}"),
    })
}

/// A user-assigned identity in rg-ml as `az identity list` prints it: `uai-<n>`, with the
/// object ID `oid` and a client ID made from `n`.
pub fn contoso_uai(n: usize, oid: &str) -> serde_json::Value {
    serde_json::json!({
        "clientId": format!("55555555-0000-0000-0000-{n:012}"),
        "id": format!("{CONTOSO_SUB}/resourceGroups/rg-ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-{n}"),
        "name": format!("uai-{n}"), "principalId": oid,
        "resourceGroup": "rg-ml", "tenantId": "t", "location": "westeurope",
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
    })
}
