//! One table for people, one JSON document for tools.

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Figure {
    pub benchmark: &'static str,
    pub detail: String,
    /// `ratio` (against a baseline measured in the same run), `count`, or `rate`.
    pub kind: &'static str,
    pub value: f64,
    pub target: &'static str,
    pub met: bool,
}

impl Figure {
    pub fn ratio(benchmark: &'static str, detail: String, value: f64, target: &'static str, met: bool) -> Self {
        Figure { benchmark, detail, kind: "ratio", value, target, met }
    }
    pub fn count(benchmark: &'static str, detail: String, value: f64, target: &'static str, met: bool) -> Self {
        Figure { benchmark, detail, kind: "count", value, target, met }
    }
    pub fn rate(benchmark: &'static str, detail: String, value: f64, target: &'static str, met: bool) -> Self {
        Figure { benchmark, detail, kind: "rate", value, target, met }
    }
}

pub fn table(figures: &[Figure]) -> String {
    let mut out = String::from("| benchmark | value | target | met | detail |\n|---|---|---|---|---|\n");
    for f in figures {
        let value = if f.kind == "ratio" { format!("{:.3}", f.value) } else { format!("{:.0}", f.value) };
        out.push_str(&format!("| {} | {value} | {} | {} | {} |\n", f.benchmark, f.target, if f.met { "yes" } else { "NO" }, f.detail));
    }
    out
}
