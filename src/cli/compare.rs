//! `pianura compare`: run the scenarios of a TOML file, write compare.json, the CSV tables and
//! compare.html, print a table (or the JSON).

use std::io::Write;

use anyhow::{Context, Result};

use pianura::compare::{self, Bootstrap, ScenarioFile};
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::report::{compare_html, tables};

use super::args::CompareArgs;
use super::common::{load_area, output_folder};
use super::progress;

/// `pianura compare`.
pub fn run(args: CompareArgs) -> Result<()> {
    let boot = Bootstrap {
        runs: args.bootstrap,
        noise: args.noise,
        resample_weights: !args.fixed_weights,
        survival_threshold: args.survival_threshold,
    };
    boot.check().context("invalid bootstrap settings (--noise, --survival-threshold)")?;
    let out = output_folder(&args.out, "compare", &args.area, &[&args.scenarios])?;
    let text = std::fs::read_to_string(&args.scenarios).with_context(|| format!("cannot read {}", args.scenarios.display()))?;
    let file = ScenarioFile::parse(&text, &args.scenarios.display().to_string())?;
    let (t, f) = load_area(&args.area)?;
    file.check(&t, f.names(), Some(&args.scenarios.display().to_string()))?;
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).context("cannot build the adjacency graph")?;
    let mut reporter = progress::Reporter::new("compare", true);
    let result = compare::run_with(&t, &g, &f, &file, boot, args.threads, &reporter)?;
    reporter.finish();
    let json = serde_json::to_vec_pretty(&result)?;
    out.commit(&[
        ("compare.json".into(), json.clone()),
        ("compare.csv".into(), tables::scenarios_csv(&result)?),
        ("distances.csv".into(), tables::distances_csv(&result)?),
        ("compare.html".into(), compare_html::render_compare(&result, &t).into_bytes()),
    ])
    .context("cannot write the outputs")?;
    let mut w = std::io::stdout().lock();
    if args.json {
        w.write_all(&json)?;
        writeln!(w)?;
        return Ok(());
    }
    writeln!(
        w,
        "{:<24} {:>3} {:>9} {:>10} {:>7} {:>9} {:>11} {:>7} {:>6} {:>11} {:>8} {:>8}",
        "scenario", "k", "method", "SSD", "R²", "R² common", "pairwise", "pop CV", "contig", "status", "gap", "seconds"
    )?;
    for r in &result.scenarios {
        let gap = r.gap.map_or("–".to_string(), |g| format!("{:.2} %", 100.0 * g));
        writeln!(
            w,
            "{:<24} {:>3} {:>9} {:>10.3} {:>7.4} {:>9.4} {:>11.1} {:>7.3} {:>6} {:>11} {:>8} {:>8.2}",
            r.name,
            r.k,
            r.method,
            r.ssd,
            r.r2,
            r.r2_common,
            r.pairwise,
            r.pop_cv,
            if r.contiguous { "yes" } else { "NO" },
            format!("{:?}", r.status),
            gap,
            r.seconds
        )?;
    }
    writeln!(w, "R² and SSD in each scenario's own weighted features; R² common on all features, standardized, unweighted.")?;
    for r in &result.scenarios {
        if let Some(st) = &r.stability {
            let zones: Vec<String> = st.zone.iter().map(|v| format!("{v:.2}")).collect();
            let always = st.unit.values().filter(|&&v| v >= 1.0).count();
            writeln!(
                w,
                "stability {}: zone survival (Jaccard ≥ {}) {}; {} of {} municipalities always with their core ({} runs)",
                r.name,
                st.survival_threshold,
                zones.join(", "),
                always,
                st.unit.len(),
                st.runs
            )?;
        }
    }
    writeln!(w, "{:<24} {:<24} {:>8} {:>8} {:>6}", "A", "B", "ARI", "VI", "moved")?;
    for d in &result.distances {
        writeln!(w, "{:<24} {:<24} {:>8.4} {:>8.4} {:>6}", d.a, d.b, d.ari, d.vi, d.moved)?;
    }
    writeln!(w, "wrote {} (compare.html, compare.json, compare.csv, distances.csv)", args.out.display())?;
    Ok(())
}
