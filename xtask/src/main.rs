//! `cargo xtask`: the project's build tasks.
//!
//! * `cargo xtask generate` regenerates every `crates/bt-*` crate from `specs/`.
//! * `cargo xtask generate --check` fails, with a diff, when committed generated code is stale.
//! * `cargo xtask generate --spec FILE --out DIR [--name CRATE]` makes a standalone crate from any
//!   OpenAPI 3.0 spec, e.g. one BT sent you.
//! * `cargo xtask bench` runs the benchmarks in release and writes `target/bench.json`.

mod bench;
mod crate_files;
mod generate;
mod load;
mod passes;
mod rewrites;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};

use crate::crate_files::CoreDependency;
use crate::workspace::{Target, crate_name_for, render_crate, workspace_root, workspace_targets, write_files};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Build tasks for the Broadband One workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate client crates from OpenAPI 3.0 specs.
    Generate(GenerateArgs),
    /// Build the benchmarks in release, run them, print one table, write target/bench.json.
    Bench,
    /// (Used by `bench`.) Time generating every spec in memory; prints JSON.
    #[command(hide = true)]
    BenchRegeneration,
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// Regenerate in memory and fail with a diff if any committed file differs.
    #[arg(long, conflicts_with_all = ["spec", "out"])]
    check: bool,
    /// Generate one standalone crate from this spec instead of the workspace's specs.
    #[arg(long, requires = "out")]
    spec: Option<PathBuf>,
    /// Directory for the standalone crate (created if missing).
    #[arg(long, requires = "spec")]
    out: Option<PathBuf>,
    /// Crate name for the standalone crate (default: `bt-<spec file stem>`).
    #[arg(long, requires = "spec")]
    name: Option<String>,
    /// Print what each normalisation pass changed.
    #[arg(short, long)]
    verbose: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate(args),
        Command::Bench => bench::run(&workspace_root()).map(|()| ExitCode::SUCCESS),
        Command::BenchRegeneration => bench::regeneration(&workspace_root()).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn generate(args: GenerateArgs) -> Result<ExitCode> {
    if let (Some(spec), Some(out)) = (&args.spec, &args.out) {
        return generate_standalone(spec, out, args.name.as_deref(), args.verbose);
    }
    let root = workspace_root();
    let targets = workspace_targets(&root)?;
    if targets.is_empty() {
        bail!("{} holds no .yaml, .yml or .json spec", root.join("specs").display());
    }
    if args.check {
        return check(&root, &targets, args.verbose);
    }
    for target in &targets {
        // A new crate gets a starting lib.rs; an existing one is hand-written and kept.
        let new_crate = !target.crate_dir.join("src/lib.rs").exists();
        let (files, passes) = render_crate(target, CoreDependency::Workspace, new_crate)?;
        let written = write_files(&files)?;
        println!("{:<26} {} file(s) updated", target.crate_name, written);
        if args.verbose {
            print!("{}", passes::render_log(&passes));
        }
    }
    for orphan in workspace::orphaned_crates(&root, &targets)? {
        println!("warning: {} was generated from a spec that no longer exists; delete it", orphan.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn check(root: &std::path::Path, targets: &[Target], verbose: bool) -> Result<ExitCode> {
    let mut stale = Vec::new();
    for target in targets {
        let (files, passes) = render_crate(target, CoreDependency::Workspace, false)?;
        if verbose {
            println!("{}:", target.shown);
            print!("{}", passes::render_log(&passes));
        }
        for file in files {
            let committed = std::fs::read_to_string(&file.path).unwrap_or_default();
            if committed != file.contents {
                let shown = file.path.strip_prefix(root).unwrap_or(&file.path).display().to_string();
                let diff = similar::TextDiff::from_lines(&committed, &file.contents);
                print!("{}", diff.unified_diff().context_radius(3).header(&format!("a/{shown}"), &format!("b/{shown}")));
                stale.push(shown);
            }
        }
        if !target.crate_dir.join("src/lib.rs").exists() {
            stale.push(format!("{} (missing src/lib.rs)", target.crate_name));
        }
    }
    for orphan in workspace::orphaned_crates(root, targets)? {
        stale.push(format!("{} (its spec is gone)", orphan.display()));
    }
    if stale.is_empty() {
        println!("generated code is up to date with specs/ ({} crates)", targets.len());
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "error: generated code is stale relative to specs/: {}. Run `cargo xtask generate` and commit the result.",
            stale.join(", ")
        );
        Ok(ExitCode::FAILURE)
    }
}

fn generate_standalone(spec: &std::path::Path, out: &std::path::Path, name: Option<&str>, verbose: bool) -> Result<ExitCode> {
    generate::require_file(spec)?;
    workspace::check_out_dir(out)?;
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
    let crate_name = match name {
        Some(n) => n.to_string(),
        None => crate_name_for(&stem.replace(['_', '.', ' '], "-").to_lowercase()),
    };
    let core = workspace_root().join("crates/bt-core");
    let core = core.canonicalize().unwrap_or(core);
    let core = core.display().to_string();
    let target = Target {
        spec: spec.to_path_buf(),
        shown: spec.file_name().and_then(|f| f.to_str()).unwrap_or("spec").to_string(),
        crate_name,
        crate_dir: out.to_path_buf(),
    };
    let (files, passes) = render_crate(&target, CoreDependency::Absolute(&core), true)?;
    write_files(&files)?;
    if verbose {
        print!("{}", passes::render_log(&passes));
    }
    println!("wrote crate `{}` to {}; build it with `cargo build` there", target.crate_name, out.display());
    Ok(ExitCode::SUCCESS)
}
