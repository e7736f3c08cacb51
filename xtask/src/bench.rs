//! `cargo xtask bench`: builds the benchmarks in release, runs them, prints one table and writes
//! it to `target/bench.json`. Every figure is a count, or a ratio against a baseline measured in
//! the same run (or, where the issue sets an absolute target, a rate shown with that target).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::workspace::{render_crate, workspace_targets};

/// Builds and runs everything; `root` is the workspace root.
pub fn run(root: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["build", "--release", "-p", "bb1-bench", "-p", "xtask", "-p", "broadband-one-ksu", "--bins"])
        .current_dir(root)
        .status()
        .context("run cargo build --release")?;
    if !status.success() {
        bail!("the release build of the benchmarks failed");
    }
    let release = root.join("target/release");
    let core_json = root.join("target/bench-core.json");
    run_bin(&release.join("bb1-bench"), &["--json", &core_json.display().to_string()])?;
    let mut figures: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&core_json)?)?;

    let ksu: Value = serde_json::from_str(run_bin(&release.join("ksu-bench"), &["--events", "20000", "--senders", "64"])?.trim())
        .context("ksu-bench printed something other than JSON")?;
    let rate = ksu["events_per_sec"].as_f64().unwrap_or(0.0);
    let p50 = ksu["p50_ms"].as_f64().unwrap_or(f64::NAN);
    let p99 = ksu["p99_ms"].as_f64().unwrap_or(f64::NAN);
    figures.push(figure("ksu listener", format!("{} durable events, 64 senders, p50 {p50} ms", ksu["events"]), "rate", rate, "≥ 5,000/s", rate >= 5000.0));
    figures.push(figure("ksu listener p99", "acknowledgement latency, ms".into(), "count", p99, "≤ 25 ms", p99 <= 25.0));

    let timing: Value = serde_json::from_str(run_bin(&release.join("xtask"), &["bench-regeneration"])?.trim())?;
    let full = timing["generate_seconds"].as_f64().unwrap_or(f64::NAN);
    let parse = timing["parse_seconds"].as_f64().unwrap_or(f64::NAN);
    figures.push(figure(
        "regeneration",
        format!("{} specs in {:.0} ms (reading and parsing them alone: {:.1} ms)", timing["specs"], full * 1e3, parse * 1e3),
        "count",
        full,
        "≤ 1 s",
        full <= 1.0,
    ));

    let machine = machine();
    let table = render(&figures);
    println!("{table}\nmachine: {}", machine["summary"].as_str().unwrap_or(""));
    let out = json!({ "machine": machine, "figures": figures });
    std::fs::write(root.join("target/bench.json"), serde_json::to_string_pretty(&out)?)?;
    println!("wrote target/bench.json");
    Ok(())
}

/// The regeneration figure, measured inside a release xtask: every spec generated in memory
/// (the work `generate` does, without writing), and reading plus YAML parsing alone as context.
pub fn regeneration(root: &Path) -> Result<()> {
    let targets = workspace_targets(root)?;
    let started = Instant::now();
    for t in &targets {
        let text = std::fs::read_to_string(&t.spec)?;
        let _: Value = serde_norway::from_str(&text)?;
    }
    let parse = started.elapsed();
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        for t in &targets {
            render_crate(t, crate::crate_files::CoreDependency::Workspace, false)?;
        }
        best = best.min(started.elapsed());
    }
    println!("{}", json!({ "specs": targets.len(), "generate_seconds": best.as_secs_f64(), "parse_seconds": parse.as_secs_f64() }));
    Ok(())
}

fn run_bin(path: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new(path).args(args).output().with_context(|| format!("run {}", path.display()))?;
    if !out.status.success() {
        bail!("{} failed: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn figure(benchmark: &str, detail: String, kind: &str, value: f64, target: &str, met: bool) -> Value {
    json!({ "benchmark": benchmark, "detail": detail, "kind": kind, "value": value, "target": target, "met": met })
}

fn render(figures: &[Value]) -> String {
    let mut out = String::from("| benchmark | value | target | met | detail |\n|---|---|---|---|---|\n");
    for f in figures {
        let value = f["value"].as_f64().unwrap_or(f64::NAN);
        let shown = match f["kind"].as_str() {
            Some("ratio") => format!("{value:.3}"),
            _ if value.fract() != 0.0 && value < 100.0 => format!("{value:.3}"),
            _ => format!("{value:.0}"),
        };
        out.push_str(&format!(
            "| {} | {shown} | {} | {} | {} |\n",
            f["benchmark"].as_str().unwrap_or(""),
            f["target"].as_str().unwrap_or(""),
            if f["met"].as_bool() == Some(true) { "yes" } else { "NO" },
            f["detail"].as_str().unwrap_or("")
        ));
    }
    out
}

fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1)).map(|s| s.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<u64>().ok()))
        .map(|kb| format!("{} GiB", kb / 1024 / 1024))
        .unwrap_or_default();
    json!({ "cpu": cpu, "cores": cores, "memory": memory, "summary": format!("{cores} cores, {cpu}, {memory}") })
}
