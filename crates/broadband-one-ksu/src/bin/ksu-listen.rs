//! Runs a KSU listener until Ctrl-C or SIGTERM.
//!
//! ```text
//! ksu-listen --bind 127.0.0.1:8080 --db ksu.sqlite --client-id ID --client-secret SECRET
//!            [--max-body BYTES] [--token-ttl SECONDS] [--tls-cert cert.pem --tls-key key.pem]
//! ```
//! The secret may come from `KSU_CLIENT_SECRET` instead (keeps it out of `ps`). Prints
//! `listening on <base url>` on stdout once it accepts requests.

use std::io::Write;
use std::time::Duration;

use broadband_one_ksu::KsuListener;

const USAGE: &str = "usage: ksu-listen --bind ADDR --db PATH --client-id ID (--client-secret SECRET | env KSU_CLIENT_SECRET) \
[--max-body BYTES] [--token-ttl SECONDS] [--tls-cert PEM --tls-key PEM]";

fn fail(message: &str) -> ! {
    eprintln!("ksu-listen: {message}\n{USAGE}");
    std::process::exit(2);
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut bind = None;
    let mut db = None;
    let mut client_id = None;
    let mut client_secret = std::env::var("KSU_CLIENT_SECRET").ok();
    let mut max_body = None;
    let mut token_ttl = None;
    let mut tls_cert = None;
    let mut tls_key = None;
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| fail(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--bind" => bind = Some(value()),
            "--db" => db = Some(value()),
            "--client-id" => client_id = Some(value()),
            "--client-secret" => client_secret = Some(value()),
            "--max-body" => max_body = Some(value()),
            "--token-ttl" => token_ttl = Some(value()),
            "--tls-cert" => tls_cert = Some(value()),
            "--tls-key" => tls_key = Some(value()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument {other}")),
        }
    }
    let bind: std::net::SocketAddr = bind
        .unwrap_or_else(|| fail("--bind is required"))
        .parse()
        .unwrap_or_else(|e| fail(&format!("--bind: {e}")));
    let mut builder = KsuListener::builder()
        .bind(bind)
        .db(db.unwrap_or_else(|| fail("--db is required")))
        .client_credentials(
            client_id.unwrap_or_else(|| fail("--client-id is required")),
            client_secret
                .unwrap_or_else(|| fail("--client-secret or KSU_CLIENT_SECRET is required")),
        );
    if let Some(n) = max_body {
        builder = builder.max_body(
            n.parse()
                .unwrap_or_else(|e| fail(&format!("--max-body: {e}"))),
        );
    }
    if let Some(s) = token_ttl {
        let secs: u64 = s
            .parse()
            .unwrap_or_else(|e| fail(&format!("--token-ttl: {e}")));
        builder = builder.token_ttl(Duration::from_secs(secs));
    }
    match (tls_cert, tls_key) {
        (None, None) => {}
        #[cfg(feature = "tls")]
        (Some(cert), Some(key)) => {
            let read = |p: &str| std::fs::read(p).unwrap_or_else(|e| fail(&format!("{p}: {e}")));
            builder = builder
                .tls(read(&cert), read(&key))
                .unwrap_or_else(|e| fail(&e.to_string()));
        }
        #[cfg(not(feature = "tls"))]
        (Some(_), Some(_)) => fail("this build has no TLS support (cargo feature `tls`)"),
        _ => fail("--tls-cert and --tls-key go together"),
    }
    let mut handle = match builder.start().await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("ksu-listen: {e}");
            std::process::exit(1);
        }
    };
    println!("listening on {}", handle.base_url());
    let _ = std::io::stdout().flush();

    let terminate = async {
        #[cfg(unix)]
        {
            if let Ok(mut sig) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            {
                sig.recv().await;
                return;
            }
        }
        std::future::pending::<()>().await
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
        result = handle.stopped() => {
            if let Err(e) = result {
                eprintln!("ksu-listen: {e}");
                std::process::exit(1);
            }
            return;
        }
    }
    if let Err(e) = handle.shutdown().await {
        eprintln!("ksu-listen: {e}");
        std::process::exit(1);
    }
}
