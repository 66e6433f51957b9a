//! `pianura graph`: the adjacency summary (or JSON) and, with --edges-out, the edges as CSV.

use std::io::Write;

use anyhow::{Context, Result};
use serde::Serialize;

use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::report::output::{check_new_file, write_new_file};
use pianura::report::tables;
use pianura::territory::{MunicipalityId, Shapes};

use super::args::GraphArgs;
use super::common::{area_inputs, load_area};

/// `pianura graph --json`: a stable, documented shape (see README).
#[derive(Debug, Serialize)]
struct GraphReport {
    area: String,
    /// Where areas and border lengths are measured (null for a units.csv folder without points).
    projection: Option<pianura::territory::Projection>,
    contiguity: Contiguity,
    units: usize,
    edges: usize,
    components: usize,
    component_sizes: Vec<usize>,
    /// Members of every component but the largest (islands, exclaves).
    minor_components: Vec<Vec<String>>,
    isolated: Vec<String>,
    mean_degree: f64,
    min_degree: usize,
    max_degree: usize,
}

/// `pianura graph`.
pub fn run(args: GraphArgs) -> Result<()> {
    if let Some(path) = &args.edges_out {
        check_new_file(path, &area_inputs(&args.area))?;
    }
    let (t, _) = load_area(&args.area)?;
    let g = AdjacencyGraph::build(&t, args.contiguity.into()).context("cannot build the adjacency graph")?;
    let comps = g.components();
    let istat = |id: &MunicipalityId| t.unit(*id).istat.clone();
    let degrees: Vec<usize> = (0..t.len() as u32).map(|i| g.degree(MunicipalityId(i))).collect();
    let report = GraphReport {
        area: t.source.clone(),
        projection: t.projection(),
        contiguity: args.contiguity.into(),
        units: t.len(),
        edges: g.edge_count(),
        components: comps.len(),
        component_sizes: comps.iter().map(Vec::len).collect(),
        minor_components: comps.iter().skip(1).map(|c| c.iter().map(istat).collect()).collect(),
        isolated: g.isolated().iter().map(istat).collect(),
        mean_degree: g.mean_degree(),
        min_degree: degrees.iter().copied().min().unwrap_or(0),
        max_degree: degrees.iter().copied().max().unwrap_or(0),
    };
    if let Some(path) = &args.edges_out {
        write_new_file(path, &tables::edges_csv(&t, &g)?)?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "area         {}", report.area)?;
    match (&t.shapes, report.projection) {
        (Shapes::Polygons(_), Some(p)) => writeln!(out, "projection   {p}")?,
        (_, Some(p)) => writeln!(out, "projection   {p}, for maps (areas and borders as given)")?,
        (_, None) => writeln!(out, "projection   none (areas and borders as given)")?,
    }
    writeln!(out, "contiguity   {:?}", report.contiguity)?;
    writeln!(out, "units        {}", report.units)?;
    writeln!(out, "edges        {}", report.edges)?;
    writeln!(out, "degree       mean {:.2}, min {}, max {}", report.mean_degree, report.min_degree, report.max_degree)?;
    writeln!(out, "components   {} (sizes {})", report.components, sizes(&report.component_sizes))?;
    for c in comps.iter().skip(1).take(10) {
        let names: Vec<String> = c.iter().take(4).map(|id| t.unit(*id).to_string()).collect();
        let more = if c.len() > 4 { format!(" … ({} municipalities)", c.len()) } else { String::new() };
        writeln!(out, "  apart:     {}{more}", names.join(", "))?;
    }
    if comps.len() > 11 {
        writeln!(out, "  … and {} more (see --json)", comps.len() - 11)?;
    }
    let isolated: Vec<String> = g.isolated().iter().map(|id| t.unit(*id).to_string()).collect();
    writeln!(out, "isolated     {}", if isolated.is_empty() { "none".to_string() } else { isolated.join(", ") })?;
    Ok(())
}

fn sizes(s: &[usize]) -> String {
    let shown: Vec<String> = s.iter().take(8).map(usize::to_string).collect();
    let more = if s.len() > 8 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}
