//! The listener as a separate process, killed with SIGKILL in the middle of a load.

use std::collections::HashSet;
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use broadband_one_ksu::KsuStore;

use crate::common::*;

/// A child process that is killed however the test ends.
struct Killed(Child);

impl Killed {
    fn kill(&mut self) {
        self.0.kill().expect("SIGKILL"); // Child::kill is SIGKILL on Unix
        self.0.wait().expect("reaped");
    }
}

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `ksu-listen` on an ephemeral port; returns the child and its base URL.
fn spawn_listener(db: &Path) -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ksu-listen"))
        .args(["--bind", "127.0.0.1:0", "--db"])
        .arg(db)
        .args(["--client-id", CLIENT_ID])
        .env("KSU_CLIENT_SECRET", CLIENT_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ksu-listen starts");
    let stdout = child.stdout.take().expect("stdout");
    let child = Killed(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        if let Some(Ok(line)) = lines.next() {
            let _ = tx.send(line);
        }
        for _ in lines {}
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("ksu-listen prints its address");
    let base = line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    (child, base)
}

/// Runs `SENDERS` concurrent senders against `base` until the process dies; kills it once
/// `kill_after` events are acknowledged. Returns the ids of every event acknowledged with a 2xx.
///
/// With `stall`, the test first takes the database's write lock from another connection and
/// holds it for a while before the kill: a listener that acknowledges before its commit goes
/// through keeps acknowledging during the stall and loses all of it; a correct one acknowledges
/// nothing until the lock is free.
async fn load_then_kill(
    child: &mut Killed,
    base: &str,
    db: &Path,
    round: usize,
    kill_after: usize,
    stall: bool,
) -> Vec<String> {
    const SENDERS: usize = 32;
    const MAX_PER_SENDER: usize = 2000;
    let token = token(base).await;
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| {
            let (http, base, token, acked, count, failed) = (
                http.clone(),
                base.to_string(),
                token.clone(),
                acked.clone(),
                count.clone(),
                failed.clone(),
            );
            tokio::spawn(async move {
                for n in 0..MAX_PER_SENDER {
                    let id = format!("kill-{round}-{s}-{n}");
                    let time = format!(
                        "2026-09-01T{:02}:{:02}:{:02}Z",
                        s % 24,
                        (n / 60) % 60,
                        n % 60
                    );
                    let body = event_json(
                        &id,
                        "ProductOrderStateChangeEvent",
                        &time,
                        &format!("K{s}"),
                        None,
                        "inProgress",
                        None,
                    );
                    let response = http
                        .post(format!("{base}/listener/productOrderEvent"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await;
                    let acknowledged = match response {
                        // Only a fully read 2xx counts as acknowledged.
                        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    if !acknowledged {
                        failed.store(true, Ordering::Relaxed);
                        return;
                    }
                    acked.lock().unwrap().push(id);
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let started = Instant::now();
    while count.load(Ordering::Relaxed) < kill_after {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "load too slow: {}",
            count.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let lock = if stall {
        let db = db.to_path_buf();
        let lock = tokio::task::spawn_blocking(move || {
            let conn = rusqlite::Connection::open(db).unwrap();
            conn.busy_timeout(Duration::from_secs(10)).unwrap();
            conn.execute_batch("BEGIN IMMEDIATE").unwrap();
            conn
        })
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        Some(lock)
    } else {
        None
    };
    child.kill();
    drop(lock); // rolls back
    let killed_at = count.load(Ordering::Relaxed);
    for s in senders {
        s.await.unwrap();
    }
    assert!(
        failed.load(Ordering::Relaxed),
        "the kill must interrupt senders mid-load"
    );
    let acked: Vec<String> = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= killed_at && acked.len() < SENDERS * MAX_PER_SENDER,
        "{} acked",
        acked.len()
    );
    acked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_event_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ksu.sqlite");
    // Kills at different points of the load, each followed by a restart on the same file.
    let mut acked = Vec::new();
    for (round, kill_after, stall) in [(0, 300, false), (1, 170, true), (2, 420, false)] {
        let (mut child, base) = spawn_listener(&db);
        acked.extend(load_then_kill(&mut child, &base, &db, round, kill_after, stall).await);
    }

    let (mut child, base) = spawn_listener(&db);
    let stored: HashSet<String> = KsuStore::open_read_only(&db)
        .unwrap()
        .events_since(0, usize::MAX)
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            assert!(e.parsed, "{} stored whole", e.event_id);
            e.event_id
        })
        .collect();
    let missing: Vec<&String> = acked.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged events lost, e.g. {:?}",
        missing.len(),
        acked.len(),
        &missing[..missing.len().min(5)]
    );

    // The restarted listener recognises an acknowledged event as already stored. Tokens live in
    // memory, so it needs a new one.
    let replay = || {
        typed(
            serde_json::json!({ "eventId": acked[0], "eventType": "ProductOrderStateChangeEvent" }),
        )
    };
    let client = ksu_client(&base, Some(&token(&base).await));
    let ack = client
        .notify_product_order_event()
        .body(replay())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ack.status, "duplicate");
    child.kill();
}
