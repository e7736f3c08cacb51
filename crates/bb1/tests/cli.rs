//! `bb1` as a user runs it: every command against the simulator, bad input, missing
//! credentials, and a snapshot of `bb1 demo`.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use bb1_sim::{Clock, Scenario, Simulator};

fn bb1() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bb1"));
    for var in ["BB1_CLIENT_ID", "BB1_CLIENT_SECRET", "BB1_CUG_ID", "BB1_RESELLER_ID", "BB1_BILLING_ACCOUNT", "BB1_ENV", "BB1_BASE_URL"] {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null());
    cmd
}

/// `bb1` pointed at `sim` with the simulator's credentials in the environment.
fn against(sim: &Simulator) -> Command {
    let mut cmd = bb1();
    cmd.env("BB1_BASE_URL", sim.base_url())
        .env("BB1_CLIENT_ID", sim.client_id())
        .env("BB1_CLIENT_SECRET", sim.client_secret())
        .env("BB1_CUG_ID", "CUG5023769999")
        .env("BB1_RESELLER_ID", "ZYX")
        .env("BB1_BILLING_ACCOUNT", "0455123456");
    cmd
}

fn run(cmd: &mut Command, args: &[&str]) -> Output {
    cmd.args(args).output().expect("run bb1")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "exit {:?}\nstdout:\n{}\nstderr:\n{}", out.status.code(), stdout(out), stderr(out));
    stdout(out)
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).expect("JSON output")
}

async fn sim() -> Simulator {
    Simulator::builder().seed(7).clock(Clock::Fast).start().await.expect("simulator")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn address_search_prints_a_table_and_json() {
    let sim = sim().await;
    let table = ok(&run(&mut against(&sim), &["address", "search", "--postcode", "SW12 8NX", "--number", "81"]));
    assert!(table.contains("A15104646284") && table.contains("R09598326361"), "{table}");
    let records = json(&run(&mut against(&sim), &["--json", "address", "search", "--postcode", "SW12 8NX", "--number", "81"]));
    assert!(records.as_array().is_some_and(|r| r.iter().any(|a| a["key"] == "A15104646284" && a["qualifier"] == "Gold")), "{records}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn availability_and_line_check_at_a_premises() {
    let sim = sim().await;
    let offers = json(&run(&mut against(&sim), &["--json", "availability", "--postcode", "SW12 8NX", "--number", "81"]));
    assert_eq!(offers["premises"]["key"], "A15104646284");
    assert!(offers["offers"].as_array().is_some_and(|o| o.iter().any(|o| o["name"] == "FTTP 900_110M")), "{offers}");
    let lines = json(&run(&mut against(&sim), &["--json", "line-check", "--postcode", "SW12 8NX", "--number", "81"]));
    assert_eq!(lines["working"][0]["directory_number"], "02079460034", "{lines}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appointments_search_then_book() {
    let sim = sim().await;
    let slots = json(&run(&mut against(&sim), &["--json", "appointments", "search", "--key", "A15104646284", "--from", "2027-03-01"]));
    let first = slots[0]["start"].as_str().expect("a slot").to_string();
    // Slots start on the next working day after the requested one, in UK time (GMT in March).
    assert_eq!(first, "2027-03-02T08:00:00Z", "{slots}");
    let summer = json(&run(&mut against(&sim), &["--json", "appointments", "search", "--key", "A15104646284", "--from", "2027-06-01"]));
    assert_eq!(summer[0]["start"], "2027-06-02T08:00:00+01:00", "BST slots carry +01:00");
    let booked = json(&run(&mut against(&sim), &["--json", "appointments", "book", "--key", "A15104646284", "--from", "2027-03-01", "--start", &first]));
    assert!(booked["id"].as_str().is_some_and(|id| id.ends_with("FR")), "{booked}");
    let again = run(&mut against(&sim), &["appointments", "book", "--key", "A15104646284", "--from", "2027-03-01", "--start", &first]);
    assert_eq!(again.status.code(), Some(5), "a taken slot is not free: {}", stderr(&again));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_provide_status_modify_and_cease() {
    let sim = sim().await;
    let site = sim.world().find(Scenario::FttpExistingOntFreePort).expect("premises").clone();
    let number = site.address.street_nr.clone().expect("street number");
    let provide = [
        "--yes", "--json", "order", "provide", "--postcode", &site.address.postcode, "--number", &number, "--offer", "FTTP 160_30M",
        "--external-id", "CLI-PROVIDE-1", "--contact", "Sam Jones", "--email", "sam@example.com", "--phone", "02079460088",
    ];
    let handle = json(&run(&mut against(&sim), &provide));
    assert_eq!(handle["external_id"], "CLI-PROVIDE-1");
    assert_eq!(handle["accepted_with"], 202);
    let duplicate = run(&mut against(&sim), &provide);
    assert_eq!(duplicate.status.code(), Some(6), "a repeated externalId is refused: {}", stderr(&duplicate));

    let mut status = serde_json::Value::Null;
    for _ in 0..100 {
        status = json(&run(&mut against(&sim), &["--json", "order", "status", "--external-id", "CLI-PROVIDE-1"]));
        if status["state"] == "completed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status["state"], "completed", "{status}");
    let service = status["service_id"].as_str().expect("service id").to_string();
    let by_id = json(&run(&mut against(&sim), &["--json", "order", "status", "--order-id", status["bt_order_id"].as_str().expect("bt id")]));
    assert_eq!(by_id["external_id"], "CLI-PROVIDE-1");

    let cease = json(&run(&mut against(&sim), &["--yes", "--json", "order", "cease", "--service-id", &service, "--external-id", "CLI-CEASE-1"]));
    assert_eq!(cease["external_id"], "CLI-CEASE-1");
    let unknown = run(&mut against(&sim), &["order", "status", "--external-id", "NO-SUCH-ORDER"]);
    assert_eq!(unknown.status.code(), Some(5), "{}", stderr(&unknown));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amend_and_cancel_an_open_order() {
    // A stepped clock keeps the order open until the test moves time on.
    let sim = Simulator::builder().seed(7).clock(Clock::Stepped).start().await.expect("simulator");
    let site = sim.world().find(Scenario::FttpExistingOntFreePort).expect("premises").clone();
    let number = site.address.street_nr.clone().expect("street number");
    ok(&run(&mut against(&sim), &[
        "--yes", "order", "provide", "--postcode", &site.address.postcode, "--number", &number, "--offer", "FTTP 160_30M",
        "--external-id", "CLI-OPEN-1", "--contact", "Sam Jones", "--email", "sam@example.com", "--phone", "02079460088",
    ]));
    let bt_id = sim.order_by_external_id("CLI-OPEN-1").and_then(|o| o.id).expect("the order has a BT id");
    let amended = ok(&run(&mut against(&sim), &["--yes", "order", "amend", "--order-id", &bt_id, "--date", "2027-03-10T00:00:00Z"]));
    assert!(amended.contains(&format!("Amendment to order {bt_id} accepted")), "{amended}");
    let unconfirmed = run(&mut against(&sim), &["order", "cancel", "--order-id", &bt_id]);
    assert_eq!(unconfirmed.status.code(), Some(9), "without --yes and no terminal nothing is sent: {}", stderr(&unconfirmed));
    assert!(stderr(&unconfirmed).contains("--yes"));
    let cancelled = json(&run(&mut against(&sim), &["--yes", "--json", "order", "cancel", "--order-id", &bt_id]));
    assert_eq!(cancelled["bt_order_id"], bt_id.as_str());
    assert_eq!(cancelled["accepted_with"], 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_and_missing_credentials_get_one_clear_line_and_an_exit_code() {
    let sim = sim().await;
    let bad_postcode = run(&mut against(&sim), &["address", "search", "--postcode", "NOT A POSTCODE"]);
    assert_eq!(bad_postcode.status.code(), Some(2));
    assert!(stderr(&bad_postcode).contains("postcode") && stderr(&bad_postcode).lines().count() == 1, "{}", stderr(&bad_postcode));
    let no_query = run(&mut against(&sim), &["address", "search"]);
    assert_eq!(no_query.status.code(), Some(2));
    let bad_service = run(&mut against(&sim), &["--yes", "order", "cease", "--service-id", "BB1-123", "--external-id", "X-1"]);
    assert_eq!(bad_service.status.code(), Some(2), "{}", stderr(&bad_service));
    assert!(stderr(&bad_service).contains("service_id"), "{}", stderr(&bad_service));

    let mut cmd = bb1();
    cmd.env("BB1_BASE_URL", sim.base_url()).env("BB1_CLIENT_ID", "sim-client");
    let missing = run(&mut cmd, &["address", "search", "--postcode", "SW12 8NX"]);
    assert_eq!(missing.status.code(), Some(3));
    assert!(stderr(&missing).contains("BB1_CLIENT_SECRET"), "{}", stderr(&missing));

    let mut wrong = against(&sim);
    wrong.env("BB1_CLIENT_SECRET", "wrong-secret");
    let refused = run(&mut wrong, &["address", "search", "--postcode", "SW12 8NX"]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert!(!stderr(&refused).contains("wrong-secret"), "the secret must not be printed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ksu_timeline_reads_what_the_listener_stored() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("ksu.sqlite");
    let listener = broadband_one_ksu::KsuListener::builder()
        .bind(([127, 0, 0, 1], 0))
        .db(&db)
        .client_credentials("bt", "ksu-secret")
        .start()
        .await
        .expect("listener");
    let sim = Simulator::builder().seed(7).clock(Clock::Fast).callback(listener.base_url(), "bt", "ksu-secret").start().await.expect("sim");
    let site = sim.world().find(Scenario::FttpExistingOntFreePort).expect("premises").clone();
    ok(&run(&mut against(&sim), &[
        "--yes", "order", "provide", "--postcode", &site.address.postcode, "--number", site.address.street_nr.as_deref().expect("number"),
        "--offer", "FTTP 160_30M", "--external-id", "CLI-KSU-1", "--contact", "Sam Jones", "--email", "sam@example.com", "--phone", "02079460088",
    ]));
    let order = broadband_one_ksu::OrderRef::ExternalId("CLI-KSU-1".into());
    listener.store().wait_for_terminal(&order, Duration::from_secs(30)).await.expect("completed by KSU");
    let table = ok(&run(&mut bb1(), &["ksu", "timeline", "--db", db.to_str().expect("utf-8 path"), "--external-id", "CLI-KSU-1"]));
    assert!(table.contains("ProductOrderCreateEvent") && table.contains("completed"), "{table}");
    let events = json(&run(&mut bb1(), &["--json", "ksu", "timeline", "--db", db.to_str().expect("utf-8 path"), "--external-id", "CLI-KSU-1"]));
    assert_eq!(events[0]["eventType"], "ProductOrderCreateEvent");
    let missing = run(&mut bb1(), &["ksu", "timeline", "--db", "/nonexistent/ksu.sqlite", "--order-id", "1"]);
    assert_eq!(missing.status.code(), Some(2));
    sim.shutdown().await;
    listener.shutdown().await.expect("shutdown");
}

/// Starts a long-running `bb1` subcommand and waits for `ready` on stdout or stderr.
fn spawn_until(args: &[&str], envs: &[(&str, &str)], ready: &str) -> std::process::Child {
    use std::io::{BufRead, BufReader};
    let mut child = bb1().args(args).envs(envs.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let (tx, rx) = std::sync::mpsc::channel();
    for stream in [child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>), child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>)].into_iter().flatten() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200))
            && line.contains(ready) {
                return child;
            }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("`bb1 {}` never printed {ready:?}", args.join(" "));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_and_ksu_listen_serve_until_stopped() {
    let port = free_port();
    let mut sim = spawn_until(&["sim", "--bind", &format!("127.0.0.1:{port}")], &[], "Hub simulator at");
    let base = format!("http://127.0.0.1:{port}");
    let mut cmd = bb1();
    cmd.env("BB1_BASE_URL", &base).env("BB1_CLIENT_ID", "sim-client").env("BB1_CLIENT_SECRET", "sim-secret")
        .env("BB1_CUG_ID", "CUG1").env("BB1_RESELLER_ID", "ZYX").env("BB1_BILLING_ACCOUNT", "0455123456");
    let found = ok(&run(&mut cmd, &["address", "search", "--postcode", "SW12 8NX"]));
    assert!(found.contains("A15104646284"), "{found}");
    let _ = sim.kill();
    let _ = sim.wait();

    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("k.sqlite");
    let port = free_port();
    let mut listen = spawn_until(
        &["ksu", "listen", "--bind", &format!("127.0.0.1:{port}"), "--db", db.to_str().expect("path"), "--client-id", "bt"],
        &[("BB1_KSU_CLIENT_SECRET", "s3cret")],
        "KSU listener on",
    );
    let token = |secret: &'static str| {
        reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/oauth/accesstoken"))
            .basic_auth("bt", Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
    };
    assert_eq!(token("s3cret").await.expect("token request").status(), 200);
    assert_eq!(token("wrong").await.expect("token request").status(), 401);
    let _ = listen.kill();
    let _ = listen.wait();
}

#[test]
fn demo_output_snapshot() {
    let out = bb1().arg("demo").output().expect("run demo");
    let text = ok(&out);
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"http://127\.0\.0\.1:\d+", "[URL]");
    settings.add_filter(r"DEMO-[0-9a-f]{32}", "[EXTERNAL-ID]");
    settings.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", "[TIME]");
    settings.add_filter(r"appointment [0-9A-Z]{7}FR", "appointment [APPOINTMENT]");
    settings.add_filter(r"order \d{8}", "order [BT-ORDER]");
    settings.add_filter(r"BBONE\d{8}", "BBONE[SERVICE]");
    settings.bind(|| insta::assert_snapshot!(text));
}
