//! `pianura zones`: the validated config ([`ZonesConfig`]), one solve (or the max-p search),
//! the partition's summary ([`pianura::summary`]), printed as a table or JSON.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{Context, Result};
use serde::Serialize;

use pianura::metrics::{self as summary, AreaData};
use pianura::solve::{self, ObjectiveKind};
use pianura::status::{SolverKind, Status};

use super::args::ZonesArgs;
use super::common::load_area;
use super::config::ZonesConfig;
use super::progress;

/// Max-p: the count found and the proven upper bound.
#[derive(Debug, Serialize)]
struct MaxPReport {
    p: usize,
    /// No partition has more zones (the data's bound, lowered by the counts ruled out).
    upper_bound: usize,
    /// Per separate piece ⌊residents / minimum⌋ (and as many by size).
    data_bound: usize,
    proved: bool,
    /// What the time limit cut short, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    cut_short: Option<String>,
}

/// `pianura zones --json` (see README).
#[derive(Debug, Serialize)]
struct ZonesReport {
    area: String,
    method: SolverKind,
    objective: ObjectiveKind,
    k: usize,
    /// Member ISTAT codes of each zone; zone numbers in `labels` are 1-based positions here.
    zones: Vec<Vec<String>>,
    /// ISTAT code → zone number (1-based).
    labels: BTreeMap<String, usize>,
    /// Centre municipality (capofila) of each zone, for the medoid objective.
    centres: Option<Vec<String>>,
    ssd: f64,
    r2: f64,
    pairwise: f64,
    medoid: f64,
    contiguous: bool,
    disconnected_zones: usize,
    zone_pops: Vec<f64>,
    diameters_km: Option<Vec<f64>>,
    /// Municipalities outside the largest piece (with --largest-component).
    left_out: Vec<String>,
    status: Status,
    /// Value of the objective that was minimised (an integer for a travel objective over whole
    /// distances and residents).
    value: serde_json::Value,
    /// Inclusive residents bounds per zone, when set (--min-pop/--max-pop, --balance).
    #[serde(skip_serializing_if = "Option::is_none")]
    pop_bounds: Option<[Option<f64>; 2]>,
    bound: Option<f64>,
    gap: Option<f64>,
    seconds: f64,
    seed: u64,
    /// Present for --max-p.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_p: Option<MaxPReport>,
}

/// `pianura zones`.
pub fn run(args: ZonesArgs) -> Result<()> {
    let (t, f) = load_area(&args.area)?;
    let ZonesConfig { territory: t, instance: inst, left_out, constraints: cons, params, method, objective, integral } =
        ZonesConfig::new(&args, t, f)?;
    if let (Some(eps), Some(lo), Some(hi)) = (args.balance, cons.min_pop, cons.max_pop) {
        let th = pianura::numbers::thousands;
        eprintln!("balance ±{} %: every zone {}–{} residents (inclusive)", 100.0 * eps, th(lo.ceil()), th(hi.floor()));
    }
    let mut reporter = progress::Reporter::new("zones", true);
    let (out, max_p) = if args.max_p {
        let m = solve::max_p::max_p_with(&inst, &cons, &params, method, &reporter).context("cannot partition the area")?;
        (
            m.outcome,
            Some(MaxPReport { p: m.p, upper_bound: m.upper_bound, data_bound: m.data_bound, proved: m.proved, cut_short: m.cut_short }),
        )
    } else {
        reporter.phase(&format!("solving {} zones", cons.k));
        (solve::solve(&inst, &cons, &params, method).context("cannot partition the area")?, None)
    };
    reporter.finish();
    if let Some(cut) = max_p.as_ref().and_then(|m| m.cut_short.as_ref()) {
        eprintln!("warning: max-p: {cut}");
    }
    let p = &out.partition;
    let istat = |u: usize| t.units[u].istat.clone();
    let area = AreaData { x: inst.x.view(), adj: &inst.adj, pop: &inst.pop, points: inst.points.as_deref(), medoid: &inst.medoid };
    let s = summary::summarize(area, p, out.centres.as_deref());
    let centres = &s.centres;
    let report = ZonesReport {
        area: t.source.clone(),
        method: out.method,
        objective,
        k: p.k(),
        zones: p
            .zones()
            .iter()
            .map(|m| {
                let mut v: Vec<String> = m.iter().map(|&u| istat(u)).collect();
                v.sort();
                v
            })
            .collect(),
        labels: (0..t.len()).map(|u| (istat(u), p.zone_of(u) + 1)).collect(),
        centres: objective.is_centred().then(|| centres.iter().map(|&c| istat(c)).collect()),
        ssd: s.ssd,
        r2: s.r2,
        pairwise: s.pairwise,
        medoid: s.medoid,
        contiguous: s.contiguous,
        disconnected_zones: s.disconnected_zones,
        zone_pops: s.zone_pops.clone(),
        diameters_km: s.diameters_km.clone(),
        left_out,
        status: out.status,
        value: if integral { serde_json::Value::from(out.objective.round() as i64) } else { serde_json::Value::from(out.objective) },
        pop_bounds: (cons.min_pop.is_some() || cons.max_pop.is_some()).then_some([cons.min_pop, cons.max_pop]),
        bound: out.bound,
        gap: out.gap,
        seconds: out.seconds,
        seed: args.seed,
        max_p,
    };
    let mut w = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut w, &report)?;
        writeln!(w)?;
        return Ok(());
    }
    let status = match (report.status, report.gap) {
        (Status::Optimal, _) => "optimal (proved)".to_string(),
        (Status::TimeLimit | Status::NodeLimit, Some(gap)) => {
            format!("exact search stopped at its limit, gap {:.2} %", 100.0 * gap)
        }
        (Status::TimeLimit, None) => "exact search stopped at its time limit before any bound".to_string(),
        _ => "heuristic (no optimality claim)".to_string(),
    };
    writeln!(
        w,
        "{} zones of {} municipalities ({}), method {}, objective {:?}",
        report.k,
        t.len(),
        t.source,
        report.method,
        args.objective
    )?;
    if let Some(m) = &report.max_p {
        let proof = if m.proved { "proved the most".to_string() } else { format!("none can have more than {}", m.upper_bound) };
        writeln!(w, "max-p: {} zones meet the minimum bounds ({proof}; the data alone allow {})", m.p, m.data_bound)?;
        if let Some(cut) = &m.cut_short {
            writeln!(w, "max-p: {cut}")?;
        }
    }
    let value = match report.value.as_i64() {
        Some(v) => v.to_string(),
        None => format!("{:.4}", report.value.as_f64().unwrap_or(f64::NAN)),
    };
    writeln!(w, "value {value}   status {status}   {:.2} s", report.seconds)?;
    writeln!(
        w,
        "SSD {:.4}   R² {:.4}   pairwise {:.4}   medoid {:.4}   contiguous {}",
        report.ssd, report.r2, report.pairwise, report.medoid, report.contiguous
    )?;
    for (z, m) in p.zones().iter().enumerate() {
        let mut names: Vec<&str> = m.iter().map(|&u| t.units[u].name.as_str()).collect();
        names.sort();
        let lead = if objective.is_centred() { format!(" led by {}", t.units[centres[z]].name) } else { String::new() };
        writeln!(
            w,
            "zone {:>2}: {:>3} municipalities, {:>8.0} residents{lead}: {}",
            z + 1,
            m.len(),
            report.zone_pops[z],
            names.join(", ")
        )?;
    }
    Ok(())
}
