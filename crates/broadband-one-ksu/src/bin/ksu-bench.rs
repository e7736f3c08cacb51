//! Throughput and acknowledgement latency of the KSU listener (a benchmark, not a test).
//!
//! ```text
//! cargo run --release -p broadband-one-ksu --bin ksu-bench -- [--events 20000] [--senders 64] [--threads N] [--reqwest]
//! ```
//! Starts a listener on a temporary database, fetches a token, then `--senders` tasks post
//! `--events` distinct KSUs over keep-alive connections, one connection each (after a short
//! warm-up that is not counted). Prints one line of JSON: events/s and p50/p99 acknowledgement
//! latency. Client and server share the machine and the runtime; by default the senders are a
//! minimal HTTP/1.1 client so that the figures are the listener's, `--reqwest` uses reqwest
//! instead. Every acknowledged event is checked to be in the database afterwards.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use broadband_one_ksu::KsuListener;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().unwrap_or_else(|e| panic!("{name}: {e}")))
        .unwrap_or(default)
}

/// A realistic KSU (about 1.3 KB): order `n / 5`, a create event then state changes.
fn body(run: &str, n: usize) -> String {
    let order = n / 5;
    let step = n % 5;
    let (event_type, state, sub) = match step {
        0 => ("ProductOrderCreateEvent", "acknowledged", "acknowledged"),
        4 => ("ProductOrderStateChangeEvent", "completed", "Completed"),
        _ => ("ProductOrderStateChangeEvent", "inProgress", "In Progress"),
    };
    let external = if step == 0 {
        format!(r#""externalId":"{run}-{order}","#)
    } else {
        String::new()
    };
    format!(
        r#"{{"eventId":"{run}-{n}","eventTime":"2026-01-01T10:{m:02}:{s:02}.{n3:03}Z","eventType":"{event_type}",
"event":{{"productOrder":{{"id":"B{order:08}",{external}"@type":"BTProductOrder","errorMessage":[],
"relatedParty":[{{"id":"CUG5009999999","role":"BtCug","@referredType":"Customer","@type":"BTRelatedParty"}}],
"productOrderItem":[{{"id":"100","internalId":"0004130371","action":"add","state":"{state}","subStatus":"{sub}",
"@type":"BTProductOrderItem","product":{{"id":"d74d0a52-b260-040d-dd9f-8dedb0c6e463","productOffering":{{"id":"E0000189"}},
"@type":"BTProductRefOrValue","customerFacingServiceId":{{"value":"BBONE{order:07}"}}}},
"productOrderItem":[{{"id":"100.1","internalId":"0001481706","action":"add","state":"{state}","subStatus":"{sub}",
"product":{{"id":"e88f41c2-07a3-4b9e-9d0c-5a1f2e6b7c30","productOffering":{{"id":"E0000154"}},"@type":"BTProductRefOrValue"}}}},
{{"id":"100.2","internalId":"0001481707","action":"add","state":"{state}","subStatus":"{sub}",
"product":{{"id":"3c5d9a10-6f2b-4e81-b7a4-0d9e8c1f2a55","productOffering":{{"id":"E0000703"}},"@type":"BTProductRefOrValue"}}}}]}}]}}}}}}"#,
        m = (n / 60_000) % 60,
        s = (n / 1000) % 60,
        n3 = n % 1000,
    )
}

/// One keep-alive HTTP/1.1 connection that posts a body and reads the status and body back.
struct RawConnection {
    stream: tokio::net::TcpStream,
    buf: Vec<u8>,
}

impl RawConnection {
    async fn connect(addr: std::net::SocketAddr) -> std::io::Result<Self> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(RawConnection {
            stream,
            buf: Vec::with_capacity(4096),
        })
    }

    async fn post(&mut self, head: &str, body: &str) -> std::io::Result<u16> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut request = Vec::with_capacity(head.len() + 32 + body.len());
        request.extend_from_slice(head.as_bytes());
        request.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        request.extend_from_slice(body.as_bytes());
        self.stream.write_all(&request).await?;
        self.buf.clear();
        let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
        loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end]).map_err(|_| bad("head"))?;
                let status: u16 = head
                    .get(9..12)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| bad("status"))?;
                let length: usize = head
                    .lines()
                    .filter_map(|l| l.split_once(':'))
                    .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, v)| v.trim().parse().ok())
                    .ok_or_else(|| bad("content-length"))?;
                while self.buf.len() < end + 4 + length {
                    if self.stream.read_buf(&mut self.buf).await? == 0 {
                        return Err(bad("closed"));
                    }
                }
                return Ok(status);
            }
            if self.stream.read_buf(&mut self.buf).await? == 0 {
                return Err(bad("closed"));
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

async fn run(
    events: usize,
    senders: usize,
    threads: usize,
    use_reqwest: bool,
) -> serde_json::Value {
    let dir = std::env::temp_dir().join(format!(
        "ksu-bench-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let listener = KsuListener::builder()
        .db(dir.join("ksu.sqlite"))
        .client_credentials("bench-id", "bench-secret")
        .start()
        .await
        .expect("listener starts");
    let base = listener.base_url();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(senders)
        .tcp_nodelay(true)
        .build()
        .expect("client");
    let token: serde_json::Value = client
        .post(format!("{base}/oauth/accesstoken"))
        .basic_auth("bench-id", Some("bench-secret"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("token json");
    let bearer = format!(
        "Bearer {}",
        token["access_token"].as_str().expect("access_token")
    );
    let url = format!("{base}/listener/productOrderEvent");
    let addr = listener.local_addr();
    let head = Arc::new(format!(
        "POST /listener/productOrderEvent HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {bearer}\r\nContent-Type: application/json\r\n"
    ));

    let run_id = uuid::Uuid::new_v4().simple().to_string();
    let warmup = senders * 4;
    let bodies: Arc<Vec<String>> =
        Arc::new((0..warmup + events).map(|n| body(&run_id, n)).collect());
    let avg_body = bodies.iter().map(String::len).sum::<usize>() / bodies.len();

    let phase = |from: usize, to: usize| {
        let next = Arc::new(AtomicUsize::new(from));
        let tasks: Vec<_> = (0..senders)
            .map(|_| {
                let (client, url, bearer, bodies, next, head) = (
                    client.clone(),
                    url.clone(),
                    bearer.clone(),
                    bodies.clone(),
                    next.clone(),
                    head.clone(),
                );
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    let mut errors = 0usize;
                    let mut raw: Option<RawConnection> = None;
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= to {
                            break;
                        }
                        let started = Instant::now();
                        let ok = if use_reqwest {
                            let response = client
                                .post(&url)
                                .header("authorization", &bearer)
                                .header("content-type", "application/json")
                                .body(bodies[n].clone())
                                .send()
                                .await;
                            match response {
                                Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                                Err(_) => false,
                            }
                        } else {
                            if raw.is_none() {
                                raw = RawConnection::connect(addr).await.ok();
                            }
                            match raw.as_mut() {
                                Some(conn) => match conn.post(&head, &bodies[n]).await {
                                    Ok(status) => (200..300).contains(&status),
                                    Err(_) => {
                                        raw = None;
                                        false
                                    }
                                },
                                None => false,
                            }
                        };
                        if ok {
                            latencies.push(started.elapsed());
                        } else {
                            errors += 1;
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            for t in tasks {
                let (l, e) = t.await.expect("sender task");
                latencies.extend(l);
                errors += e;
            }
            (latencies, errors)
        }
    };

    let (_, warmup_errors) = phase(0, warmup).await;
    let started = Instant::now();
    let (mut latencies, errors) = phase(warmup, warmup + events).await;
    let elapsed = started.elapsed();
    latencies.sort();

    let stored = listener.store().count().await.expect("count");
    listener.shutdown().await.expect("shutdown");
    let _ = std::fs::remove_dir_all(&dir);
    serde_json::json!({
        "events": events,
        "senders": senders,
        "client": if use_reqwest { "reqwest" } else { "raw-http1" },
        "runtime_threads": threads,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "avg_body_bytes": avg_body,
        "seconds": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        "events_per_sec": (events as f64 / elapsed.as_secs_f64()).round(),
        "p50_ms": (percentile(&latencies, 0.50) * 100.0).round() / 100.0,
        "p90_ms": (percentile(&latencies, 0.90) * 100.0).round() / 100.0,
        "p99_ms": (percentile(&latencies, 0.99) * 100.0).round() / 100.0,
        "max_ms": (percentile(&latencies, 1.0) * 100.0).round() / 100.0,
        "errors": errors,
        "stored": stored,
        "all_acknowledged_stored": stored as usize >= warmup + events - warmup_errors - errors,
    })
}

fn main() {
    let events = arg("--events", 20_000);
    let senders = arg("--senders", 64).max(1);
    let threads = arg(
        "--threads",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()
        .expect("tokio runtime");
    let use_reqwest = std::env::args().any(|a| a == "--reqwest");
    let report = runtime.block_on(run(events, senders, threads, use_reqwest));
    println!("{report}");
}
