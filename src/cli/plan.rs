//! `pianura plan`: the spec (file or embedded) with the flags' overrides, the three-tier plan,
//! its output folder, and a summary per function.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use pianura::economy::{CurveParams, SpendingTable};
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::plan::{self, Spec};
use pianura::status::Status;

use super::args::PlanArgs;
use super::common::{load_area_noting, output_folder};
use super::progress;

/// `pianura plan`.
pub fn run(args: PlanArgs) -> Result<()> {
    let clock = std::time::Instant::now();
    let inputs: Vec<&Path> = args.spec.iter().chain(&args.collaborations).chain(&args.spending).map(PathBuf::as_path).collect();
    let out = output_folder(&args.out, "plan", &args.area, &inputs)?;
    let (spec, spec_name) = match &args.spec {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            (Spec::parse(&text, &path.display().to_string())?, path.display().to_string())
        }
        None => (Spec::embedded_default(), "embedded default spec".to_string()),
    };
    let mut spec = spec;
    if let Some(seed) = args.seed {
        spec.solver.seed = seed;
    }
    if let Some(t) = args.time_limit {
        spec.solver.time_limit = t;
    }
    if args.strict {
        spec.solver.strict = true;
    }
    let (t_all, f_all, mut input_warnings) = load_area_noting(&args.area)?;
    if let (None, Some(path)) = (&args.spec, &args.area.area) {
        // The embedded spec names the embedded area; another --area is named after its file
        // (or its folder, for `<folder>/area.geojson`).
        let stem = path.file_stem().unwrap_or(path.as_os_str());
        let named = match path.parent().and_then(|p| p.file_name()) {
            Some(folder) if stem == "area" => folder,
            _ => stem,
        };
        spec.area.name = named.to_string_lossy().into_owned();
    }
    spec.check(&t_all, f_all.names(), &spec_name)?;
    let t = plan::vast_area(&t_all, &spec);
    let rows: Vec<usize> = t.units.iter().map(|u| t_all.find(&u.istat).expect("subset of the area").index()).collect();
    let f = f_all.rows(&rows);
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).context("cannot build the adjacency graph")?;
    let collabs = match (&args.collaborations, &args.area.area) {
        (Some(path), _) => plan::collab::read(path, &t_all, &spec.function_ids()).context("cannot read the collaborations")?,
        (None, None) => {
            let (kept, notes) = plan::collab::embedded_default(&t_all, &spec.function_ids());
            for n in &notes {
                eprintln!("note: {n}");
            }
            input_warnings.extend(notes);
            kept
        }
        (None, Some(_)) => Vec::new(),
    };
    let spending = match (&args.spending, &args.area.area) {
        (Some(path), _) => Some((SpendingTable::read(path, &t_all).context("cannot read the spending")?, vec![])),
        (None, None) => Some((
            SpendingTable::embedded_default(&t_all).context("cannot read the embedded spending")?,
            vec![SpendingTable::embedded_lombardy_total()],
        )),
        (None, Some(_)) => None,
    };
    // A function the spending data lacks is an error before any solving, not after.
    if let Some((table, _)) = &spending {
        for (id, f) in &spec.functions {
            if let Some(code) = &f.spending {
                table.require(code, &format!("functions.{id}.spending")).context("cannot price the plan's groups")?;
            }
        }
    }
    // A bar on a terminal, a line every few seconds in a log; nothing for the first second.
    let mut reporter = progress::Reporter::new("plan", !args.quiet);
    let progress = |function: &str, step: &str| reporter.phase(&format!("{function}: {step}"));
    let (mut plan, timings) = plan::build(&t, &g, &f, &spec, &collabs, &progress).context("cannot build the plan")?;
    match &spending {
        Some((table, reference)) => {
            plan::economy::estimate(&mut plan, &t, table, reference, &CurveParams::default()).context("cannot estimate the savings")?
        }
        None if spec.functions.values().any(|f| f.spending.is_some()) => {
            let note = "no spending data for this area: savings are not estimated (pass --spending FILE)".to_string();
            eprintln!("note: {note}");
            input_warnings.push(note);
        }
        None => {}
    }
    plan.input_warnings = input_warnings;
    reporter.finish();
    out.commit(&pianura::report::plan_files(&plan, &timings, &t)).context("cannot write the outputs")?;
    if args.quiet {
        return Ok(());
    }
    let mut w = std::io::stdout().lock();
    writeln!(
        w,
        "{}: {} municipalities, {:.0} residents, {} piece(s)",
        plan.area.name, plan.area.units, plan.area.population, plan.area.components
    )?;
    writeln!(w, "{:<18} {:>5} {:>6} {:>8} {:>9} {:>10}  zone solver", "function", "zones", "groups", "zone R²", "group R²", "bounds met")?;
    for fp in &plan.functions {
        let solver = match (fp.zone_solver.status, fp.zone_solver.gap) {
            (Status::Optimal, _) => "exact, optimal".to_string(),
            (_, Some(g)) => format!("{}, within {:.2} % of optimal", fp.zone_solver.method, 100.0 * g),
            (Status::TimeLimit, None) => format!("{}, no bound within the time limit", fp.zone_solver.method),
            _ => fp.zone_solver.method.to_string(),
        };
        writeln!(
            w,
            "{:<18} {:>5} {:>6} {:>8.3} {:>9.3} {:>10}  {solver}",
            fp.label,
            fp.zones.len(),
            fp.groups.len(),
            fp.metrics.r2,
            fp.metrics.group_r2,
            fp.metrics.groups_meeting_bounds
        )?;
        for r in &fp.relaxations {
            let place = r.zone.map_or(String::new(), |z| format!(" in zone {z}"));
            let used = r.used.map_or("dropped".to_string(), |v| format!("used {v}"));
            writeln!(w, "  ! RELAXED{place}: {} asked {}, {used} — {}", r.key, r.asked, r.why)?;
        }
        // Zones whose groups miss the bounds with no relaxation found.
        for z in fp.zones.iter().filter(|z| !fp.relaxations.iter().any(|r| r.zone == Some(z.id))) {
            if let Some(why) = &z.explanation {
                writeln!(w, "  ! {why}")?;
            }
        }
        for c in &fp.collaborations {
            match &c.reason {
                None => writeln!(w, "  collaboration {} kept", c.name)?,
                Some(why) => writeln!(w, "  ! collaboration {} split: {why}", c.name)?,
            }
        }
        if let Some(e) = &fp.economy {
            writeln!(w, "  € {}", e.summary)?;
        }
    }
    writeln!(
        w,
        "wrote {} (report.html, plan.json, plan.csv, one GeoJSON per function) in {:.1} s",
        args.out.display(),
        clock.elapsed().as_secs_f64()
    )?;
    Ok(())
}
