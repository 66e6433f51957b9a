//! `pianura ensemble`: the chain's settings, the plan to place (a file or the heuristic's), the
//! ReCom chain, ensemble.json and ensemble.html, and a summary.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

use pianura::ensemble::{self, ChainParams, EnsembleError, Sample, Start};
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::metrics;
use pianura::objective::tss;
use pianura::partition::Partition;
use pianura::report::compare_html;
use pianura::solve::{Instance, ObjectiveKind};

use super::args::EnsembleArgs;
use super::common::{load_area, output_folder};
use super::progress;

/// The chain's settings from the flags, checked against the area's `units`; an error names
/// the flag(s) at fault.
fn chain_params(args: &EnsembleArgs, units: usize) -> Result<ChainParams> {
    let chain = ChainParams {
        samples: args.samples,
        burn_in: args.burn_in,
        k: args.k,
        balance: args.balance,
        seed: args.seed,
        time_limit: args.time_limit,
    };
    chain.check(units).map_err(|e| {
        let flag = match &e {
            EnsembleError::InvalidK { .. } => "--k",
            EnsembleError::InvalidSamples(_) => "--samples",
            EnsembleError::TooManySteps { .. } => "--burn-in and --samples",
            EnsembleError::InvalidBalance(_) => "--balance",
            EnsembleError::InvalidTimeLimit(_) => "--time-limit",
            EnsembleError::Plan { .. } => "--plan",
        };
        anyhow::Error::new(e).context(format!("invalid {flag}"))
    })?;
    Ok(chain)
}

/// `pianura ensemble`.
pub fn run(args: EnsembleArgs) -> Result<()> {
    let clock = std::time::Instant::now();
    let plan_input: Vec<&Path> = args.plan.iter().map(PathBuf::as_path).collect();
    let out = output_folder(&args.out, "ensemble", &args.area, &plan_input)?;
    let (t, f) = load_area(&args.area)?;
    let chain = chain_params(&args, t.len())?;
    let mut reporter = progress::Reporter::new("ensemble", true);
    reporter.phase("start plan");
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).context("cannot build the adjacency graph")?;
    let x = f.standardized();
    let inst = Instance::new(&t, &g, &x);
    let given = match &args.plan {
        Some(path) => {
            let labels = ensemble::read_plan_labels(path)?;
            let p = ensemble::plan_from_labels(&t, &inst.adj, &labels, args.k)
                .with_context(|| format!("{}: the plan cannot be placed with --k {}", path.display(), args.k))?;
            Some(p)
        }
        None => None,
    };
    let (start, start_from) = ensemble::start_plan(&inst, given.as_ref(), args.k, args.balance, args.seed)
        .context("cannot find a balanced contiguous start plan")?;
    let plan = given.unwrap_or_else(|| start.clone());
    let within = ensemble::is_balanced(&inst.pop, &plan, args.k, args.balance);
    let total = tss(inst.x.view());
    let ssd = inst.objective(ObjectiveKind::Ssd);
    let sample_of =
        |p: &Partition| Sample { r2: metrics::r2(ssd.evaluate(p), total), imbalance: ensemble::imbalance(&inst.pop, p, args.k) };
    let mut samples = Vec::with_capacity(args.samples.min(1 << 20));
    let chain_run = ensemble::run_with(&inst.adj, &inst.pop, &start, &chain, &reporter, |p| samples.push(sample_of(p)));
    reporter.finish();
    let accepted = chain_run.accepted;
    let summary = ensemble::summarize(&samples, sample_of(&plan), within);
    let start_text = match (start_from, args.plan.is_some()) {
        (Start::Plan, _) => "the given plan",
        (_, true) => "the heuristic's balanced plan (the given plan is outside the bound)",
        _ => "the heuristic's balanced plan",
    };
    let mut description = format!(
        "{} samples of {} contiguous zones with populations within ±{:.0} % of the ideal, from a ReCom chain started from {start_text} (random-weight spanning trees, {} burn-in steps, seed {}; {} of {} steps changed the plan). The chain favours compact zones; it is not uniform over plans.",
        chain_run.samples_done, args.k, 100.0 * args.balance, chain_run.burn_in_done, args.seed, accepted, chain_run.burn_in_done + chain_run.samples_done
    );
    if let Some(cut) = &chain_run.cut_short {
        description.push_str(&format!(" Cut short: {cut}."));
        eprintln!("warning: ensemble: {cut}");
    }
    #[derive(Serialize)]
    struct Report<'a> {
        area: &'a str,
        k: usize,
        balance: f64,
        burn_in: usize,
        seed: u64,
        /// `file` (--plan) or `heuristic`.
        plan: &'a str,
        /// Where the chain started: `plan` or `heuristic`.
        start: &'a str,
        accepted_steps: usize,
        /// Present when the time limit stopped the chain early: steps done of those planned.
        #[serde(skip_serializing_if = "Option::is_none")]
        cut_short: Option<&'a ensemble::CutShort>,
        distribution: &'a str,
        summary: &'a ensemble::Summary,
        seconds: f64,
    }
    let report = Report {
        area: &t.source,
        k: args.k,
        balance: args.balance,
        burn_in: args.burn_in,
        seed: args.seed,
        plan: if args.plan.is_some() { "file" } else { "heuristic" },
        start: start_from.name(),
        accepted_steps: accepted,
        cut_short: chain_run.cut_short.as_ref(),
        distribution: &description,
        summary: &summary,
        seconds: clock.elapsed().as_secs_f64(),
    };
    let json = serde_json::to_vec_pretty(&report)?;
    let page = compare_html::render_ensemble(&summary, &description, args.balance);
    out.commit(&[("ensemble.json".into(), json.clone()), ("ensemble.html".into(), page.into_bytes())])
        .context("cannot write the outputs")?;
    let mut w = std::io::stdout().lock();
    if args.json {
        w.write_all(&json)?;
        writeln!(w)?;
        return Ok(());
    }
    writeln!(w, "{description}")?;
    if summary.samples == 0 {
        writeln!(w, "plan R² {:.4}, imbalance {:.1} %: no samples to place it among", summary.plan_r2, 100.0 * summary.plan_imbalance)?;
    } else {
        writeln!(
            w,
            "plan R² {:.4}: percentile {:.1} (samples: median {:.4}, 95 % {:.4}); imbalance {:.1} %: percentile {:.1}",
            summary.plan_r2,
            summary.r2_percentile,
            summary.r2_quantiles[2],
            summary.r2_quantiles[3],
            100.0 * summary.plan_imbalance,
            summary.imbalance_percentile
        )?;
    }
    if !within {
        writeln!(
            w,
            "! the plan is OUTSIDE the ±{:.0} % balance bound (largest deviation {:.1} %): every sample is within it",
            100.0 * args.balance,
            100.0 * summary.plan_imbalance
        )?;
    }
    writeln!(w, "wrote {} (ensemble.html, ensemble.json) in {:.1} s", args.out.display(), clock.elapsed().as_secs_f64())?;
    Ok(())
}
