//! The listener as a separate process, killed with SIGKILL in the middle of a load.

use std::collections::HashSet;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use broadband_one_ksu::KsuStore;

use crate::common::*;

/// Starts `ksu-listen` on an ephemeral port; returns the child and its base URL.
fn spawn_listener(db: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ksu-listen"))
        .args(["--bind", "127.0.0.1:0", "--db"])
        .arg(db)
        .args(["--client-id", CLIENT_ID])
        .env("KSU_CLIENT_SECRET", CLIENT_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("ksu-listen starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        if let Some(Ok(line)) = lines.next() {
            let _ = tx.send(line);
        }
        for _ in lines {}
    });
    let line = rx.recv_timeout(Duration::from_secs(30)).expect("ksu-listen prints its address");
    let base = line.strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected first line {line:?}")).to_string();
    (child, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_event_survives_sigkill() {
    const SENDERS: usize = 32;
    const MAX_PER_SENDER: usize = 2000;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ksu.sqlite");
    let (mut child, base) = spawn_listener(&db);
    let token = token(&base).await;

    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| {
            let (http, base, token, acked, count, failed) =
                (http.clone(), base.clone(), token.clone(), acked.clone(), count.clone(), failed.clone());
            tokio::spawn(async move {
                for n in 0..MAX_PER_SENDER {
                    let id = format!("kill-{s}-{n}");
                    let time = format!("2026-09-01T{:02}:{:02}:{:02}Z", s % 24, (n / 60) % 60, n % 60);
                    let body = event_json(&id, "ProductOrderStateChangeEvent", &time, &format!("K{s}"), None, "inProgress", None);
                    let response = http
                        .post(format!("{base}/listener/productOrderEvent"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await;
                    match response {
                        Ok(r) if r.status().is_success() => {
                            // Only a fully read 2xx counts as acknowledged.
                            if r.bytes().await.is_ok() {
                                acked.lock().unwrap().push(id);
                                count.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        _ => {
                            failed.store(true, Ordering::Relaxed);
                            return;
                        }
                    }
                }
            })
        })
        .collect();

    // Kill once the load is well under way.
    let started = Instant::now();
    while count.load(Ordering::Relaxed) < 400 {
        assert!(started.elapsed() < Duration::from_secs(60), "load too slow: {}", count.load(Ordering::Relaxed));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().expect("SIGKILL"); // Child::kill is SIGKILL on Unix
    let killed_at = count.load(Ordering::Relaxed);
    child.wait().unwrap();
    for s in senders {
        s.await.unwrap();
    }
    assert!(failed.load(Ordering::Relaxed), "the kill must interrupt senders mid-load");
    let acked: Vec<String> = acked.lock().unwrap().clone();
    assert!(acked.len() >= killed_at && acked.len() < SENDERS * MAX_PER_SENDER, "{} acked", acked.len());

    // Restart on the same database: everything acknowledged is there, and still recognised.
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
    assert!(missing.is_empty(), "{} of {} acknowledged events lost, e.g. {:?}", missing.len(), acked.len(), &missing[..missing.len().min(5)]);

    let replay = || typed(serde_json::json!({ "eventId": acked[0], "eventType": "ProductOrderStateChangeEvent" }));
    // Tokens live in memory: the old one is unknown to the new process.
    let old = ksu_client(&base, Some(&token)).notify_product_order_event().body(replay()).send().await;
    assert_eq!(error_code(old), (401, "41".to_string()));
    let client = ksu_client(&base, Some(&crate::common::token(&base).await));
    let ack = client.notify_product_order_event().body(replay()).send().await.unwrap().into_inner();
    assert_eq!(ack.status, "duplicate");
    child.kill().unwrap();
    child.wait().unwrap();
}
