//! Command-line interface: clap arguments → library calls → tables or JSON on stdout.
//! No algorithm lives here; errors get their context (`anyhow`) and are printed by `main`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use pianura::features::FeatureMatrix;
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::metrics;
use pianura::objective::{tss, Medoid};
use pianura::solve::{self, Constraints, Instance, Method, ObjectiveKind, SolveParams, Status};
use pianura::territory::{MunicipalityId, Territory};

mod interrupt;
mod progress;
mod values;

use values::{at_least_one, count, non_negative, residents, seconds, seed, share, ContiguityArg, MethodArg, ObjectiveArg};

/// pianura: contiguous, homogeneous zones of municipalities for associated services.
///
/// With no --area, every command works on the embedded default: the 42 municipalities of the
/// Bassa Bresciana districts (ambiti 8, 9, 10), ISTAT 2023 data (CC BY 4.0, ISTAT via
/// openpolis).
#[derive(Debug, Parser)]
#[command(name = "pianura", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Adjacency graph: who borders whom, components, isolated municipalities.
    ///
    /// Example: pianura graph --contiguity rook --edges-out edges.csv
    #[command(allow_negative_numbers = true)]
    Graph(GraphArgs),
    /// Feature table: mean, standard deviation and extremes of each feature.
    ///
    /// Example: pianura features --features-csv income.csv --json
    #[command(allow_negative_numbers = true)]
    Features(FeaturesArgs),
    /// The main job: the three-tier plan (vast area, homogeneous zones, local groups) for each
    /// priority function, written to --out as plan.json, GeoJSON, CSV and report.html.
    ///
    /// Example: pianura plan --spec my-spec.toml --collaborations unions.csv --out plan-2026
    #[command(allow_negative_numbers = true)]
    Plan(PlanArgs),
    /// Run named scenarios in parallel and compare their zones (ARI, VI, municipalities
    /// moved), optionally with bootstrap stability.
    ///
    /// Example: pianura compare --scenarios fixtures/scenarios/bassa.toml --bootstrap 20
    #[command(allow_negative_numbers = true)]
    Compare(CompareArgs),
    /// Sample random contiguous, population-balanced plans (ReCom chain) and place a plan's
    /// R² and balance in that distribution.
    ///
    /// Example: pianura ensemble --k 4 --samples 10000
    #[command(allow_negative_numbers = true)]
    Ensemble(EnsembleArgs),
    /// Partition the area into K contiguous, homogeneous zones.
    ///
    /// The default objective is medoid: each zone is led by a centre municipality (capofila)
    /// and costs its members' squared feature distances to it. --method auto proves
    /// optimality with HiGHS where it can and says so (status, bound, gap).
    ///
    /// Example: pianura zones --k 4 --min-pop 30000 --json
    #[command(allow_negative_numbers = true)]
    Zones(ZonesArgs),
}

/// Where the municipalities come from.
#[derive(Debug, Args)]
struct AreaArgs {
    /// Study area: a GeoJSON FeatureCollection, or a folder with units.csv + edges.csv
    /// (or area.geojson). Default: the embedded Bassa Bresciana area.
    #[arg(long, value_name = "PATH")]
    area: Option<PathBuf>,
    /// Extra features from a CSV with an `istat` column (repeatable); joined by ISTAT code.
    #[arg(long = "features-csv", value_name = "FILE")]
    features_csv: Vec<PathBuf>,
}

#[derive(Debug, Args)]
struct GraphArgs {
    #[command(flatten)]
    area: AreaArgs,
    /// queen: polygons sharing at least a point; rook: sharing a stretch of border.
    #[arg(long, value_enum, default_value_t = ContiguityArg::Queen)]
    contiguity: ContiguityArg,
    /// Print JSON instead of a summary.
    #[arg(long)]
    json: bool,
    /// Also write the edges as CSV (a, b, border_m) to this new file (an existing file is
    /// never overwritten: the command refuses before any work).
    #[arg(long, value_name = "FILE")]
    edges_out: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct FeaturesArgs {
    #[command(flatten)]
    area: AreaArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct PlanArgs {
    #[command(flatten)]
    area: AreaArgs,
    /// Function spec (TOML). Default: the embedded spec (specs/default.toml in the sources).
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Existing collaborations: CSV with name, function (an id or "all"), members (ISTAT codes).
    #[arg(long, value_name = "FILE")]
    collaborations: Option<PathBuf>,
    /// Output folder. pianura writes only into a missing or empty folder, or one it wrote
    /// itself (marked by a .pianura file listing its files); anything else, a file, or a folder
    /// that is, holds or lies inside an input is refused before any work. The new output
    /// replaces pianura's own files only once it is complete; a failed or interrupted run leaves
    /// the previous output as it was. Holds report.html, plan.json, plan.csv, one GeoJSON per
    /// function, timings.json.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// Seed (overrides the spec's).
    #[arg(long, value_parser = seed)]
    seed: Option<u64>,
    /// Seconds per exact solve (overrides the spec's).
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    time_limit: Option<f64>,
    /// Refuse to relax any bound of the spec: a bound no plan can meet is an error naming it
    /// (same as `strict = true` in the spec's [solver] table).
    #[arg(long)]
    strict: bool,
    /// No progress and no summary on the terminal.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct CompareArgs {
    #[command(flatten)]
    area: AreaArgs,
    /// Scenarios TOML: [[scenario]] tables with name, k, method, objective, weights,
    /// features, min_pop, max_pop, min_units, max_units, seed, time_limit.
    #[arg(long, value_name = "FILE")]
    scenarios: PathBuf,
    /// Output folder. pianura writes only into a missing or empty folder, or one it wrote
    /// itself (marked by a .pianura file listing its files); anything else, a file, or a folder
    /// that is, holds or lies inside an input is refused before any work. The new output
    /// replaces pianura's own files only once it is complete; a failed or interrupted run leaves
    /// the previous output as it was. Holds compare.json, compare.csv, distances.csv,
    /// compare.html.
    #[arg(long, value_name = "DIR", default_value = "out-compare")]
    out: PathBuf,
    /// Scenarios run in parallel on this many threads.
    #[arg(long, default_value_t = 2, value_parser = at_least_one)]
    threads: usize,
    /// Bootstrap runs per scenario for stability (0 = none).
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = count)]
    bootstrap: usize,
    /// Bootstrap: standard deviation of Gaussian noise added to standardized features.
    #[arg(long, value_name = "SD", default_value_t = 0.1, value_parser = non_negative)]
    noise: f64,
    /// Bootstrap: keep feature weights fixed (default: resample them, Exp(1) with mean 1).
    #[arg(long)]
    fixed_weights: bool,
    /// Bootstrap: a zone survives a run when its best-matching zone has Jaccard similarity at
    /// least this, in (0, 1].
    #[arg(long, value_name = "J", default_value_t = 0.5, value_parser = share)]
    survival_threshold: f64,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct EnsembleArgs {
    #[command(flatten)]
    area: AreaArgs,
    /// Number of zones.
    #[arg(long, value_parser = at_least_one)]
    k: usize,
    /// Samples kept.
    #[arg(long, default_value_t = 10000, value_parser = at_least_one)]
    samples: usize,
    /// Steps discarded before sampling.
    #[arg(long, default_value_t = 200, value_parser = count)]
    burn_in: usize,
    /// Allowed relative deviation of each zone's population from the ideal, in (0, 1).
    #[arg(long, default_value_t = 0.25, value_parser = share)]
    balance: f64,
    /// Seed.
    #[arg(long, default_value_t = pianura::solve::params::DEFAULT_SEED, value_parser = seed)]
    seed: u64,
    /// Stop the chain after this many seconds, keeping the samples so far; the output says
    /// how many steps the limit cut short (ensemble.json `cut_short`).
    #[arg(long, value_name = "SECONDS", default_value_t = pianura::ensemble::DEFAULT_TIME_LIMIT, value_parser = seconds)]
    time_limit: f64,
    /// A plan to place: the JSON of `pianura zones --json` (its `labels`). It must cover every
    /// municipality, have --k zones, each contiguous; outside the balance bound it is placed
    /// but flagged. The chain starts from it when it is within the bound, else from the
    /// heuristic's balanced plan. Default: the heuristic's best SSD plan under the bound.
    #[arg(long, value_name = "FILE")]
    plan: Option<PathBuf>,
    /// Output folder. pianura writes only into a missing or empty folder, or one it wrote
    /// itself (marked by a .pianura file listing its files); anything else, a file, or a folder
    /// that is, holds or lies inside an input is refused before any work. The new output
    /// replaces pianura's own files only once it is complete; a failed or interrupted run leaves
    /// the previous output as it was. Holds ensemble.json and ensemble.html.
    #[arg(long, value_name = "DIR", default_value = "out-ensemble")]
    out: PathBuf,
    /// Print JSON instead of a summary.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ZonesArgs {
    #[command(flatten)]
    area: AreaArgs,
    /// Number of zones (or --max-p).
    #[arg(long, required_unless_present = "max_p", conflicts_with = "max_p", value_parser = at_least_one)]
    k: Option<usize>,
    /// Max-p: as many zones as the minimum bounds (--min-pop, --min-units) allow, settled by an
    /// exact count search up to 120 municipalities (the heuristic beyond), then solved with
    /// --method; reports the proven upper bound on the count. --time-limit bounds it all.
    #[arg(long)]
    max_p: bool,
    /// Solver: auto (exact where it can prove optimality, else heuristic), exact, heuristic,
    /// ward, skater, or kmeans (ignores contiguity: the non-spatial reference).
    #[arg(long, value_enum, default_value_t = MethodArg::Auto)]
    method: MethodArg,
    /// What "homogeneous" means: medoid (distance to the zone's centre municipality), ssd
    /// (distance to the zone mean) or pairwise (all pairs within a zone).
    #[arg(long, value_enum, default_value_t = ObjectiveArg::Medoid)]
    objective: ObjectiveArg,
    /// Minimum residents per zone (the area must give every municipality's population).
    #[arg(long, value_name = "N", value_parser = residents)]
    min_pop: Option<f64>,
    /// Maximum residents per zone (the area must give every municipality's population).
    #[arg(long, value_name = "N", value_parser = residents)]
    max_pop: Option<f64>,
    /// Minimum municipalities per zone.
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    min_units: Option<usize>,
    /// Maximum municipalities per zone.
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    max_units: Option<usize>,
    /// Municipalities that must share a zone (an existing union), as ISTAT codes separated
    /// by commas; repeat for several groups. Each group must be contiguous.
    #[arg(long, value_name = "CODES")]
    keep_together: Vec<String>,
    /// Two municipalities that must be in different zones, as `ISTAT,ISTAT`; repeatable.
    #[arg(long, value_name = "A,B")]
    keep_apart: Vec<String>,
    /// A municipality that must lead a zone (medoid objective; other objectives keep fixed
    /// centres in different zones), by ISTAT code; repeatable.
    #[arg(long, value_name = "ISTAT")]
    centre: Vec<String>,
    /// Seed of every random choice (same seed, same zones).
    #[arg(long, default_value_t = pianura::solve::params::DEFAULT_SEED, value_parser = seed)]
    seed: u64,
    /// Time limit of the exact solver, seconds; with --max-p, of the whole search.
    #[arg(long, value_name = "SEC", default_value_t = pianura::solve::params::DEFAULT_TIME_LIMIT, value_parser = seconds)]
    time_limit: f64,
    /// Branch-and-cut nodes after which the exact solver stops with its incumbent and gap,
    /// the same on every machine (default: none, the time limit decides; with --max-p 30).
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    node_limit: Option<usize>,
    /// Worker threads for the heuristic (the result does not depend on it).
    #[arg(long, default_value_t = 2, value_parser = at_least_one)]
    threads: usize,
    /// Adjacency rule.
    #[arg(long, value_enum, default_value_t = ContiguityArg::Queen)]
    contiguity: ContiguityArg,
    /// Medoid objective: add this cost per km between a municipality and its centre.
    #[arg(long, value_name = "W", default_value_t = 0.0, value_parser = non_negative)]
    travel_weight: f64,
    /// Medoid objective: weight each municipality by its population (relative to the mean;
    /// the area must give every municipality's population).
    #[arg(long)]
    population_weighted: bool,
    /// Work on the largest connected piece only (islands and exclaves left out and listed);
    /// features are standardized over that piece.
    #[arg(long)]
    largest_component: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<()> {
    interrupt::install();
    install_logger();
    match cli.command {
        Command::Graph(args) => graph(args),
        Command::Features(args) => features(args),
        Command::Zones(args) => zones(args),
        Command::Plan(args) => plan(args),
        Command::Compare(args) => compare(args),
        Command::Ensemble(args) => ensemble(args),
    }
}

/// The library's diagnostics (the `log` facade) on stderr: debug lines with `PIANURA_DEBUG`
/// set, warnings otherwise; other crates' records are left out.
fn install_logger() {
    let level = if std::env::var_os("PIANURA_DEBUG").is_some() { log::LevelFilter::Debug } else { log::LevelFilter::Warn };
    env_logger::Builder::new()
        .filter_level(log::LevelFilter::Off)
        .filter_module("pianura", level)
        .format_timestamp(None)
        .format_target(false)
        .init();
}

fn compare(args: CompareArgs) -> Result<()> {
    use pianura::compare::{self, Bootstrap, ScenarioFile};
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
    let mut scen_csv = csv::Writer::from_writer(Vec::new());
    scen_csv.write_record([
        "scenario",
        "k",
        "method",
        "ssd",
        "r2",
        "r2_common",
        "pairwise",
        "pop_cv",
        "contiguous",
        "status",
        "gap",
        "seconds",
    ])?;
    for r in &result.scenarios {
        scen_csv.write_record([
            r.name.clone(),
            r.k.to_string(),
            r.method.to_string(),
            r.ssd.to_string(),
            r.r2.to_string(),
            r.r2_common.to_string(),
            r.pairwise.to_string(),
            r.pop_cv.to_string(),
            r.contiguous.to_string(),
            serde_json::to_value(r.status)?.as_str().unwrap_or("").to_string(),
            r.gap.map_or(String::new(), |g| g.to_string()),
            r.seconds.to_string(),
        ])?;
    }
    let mut dist_csv = csv::Writer::from_writer(Vec::new());
    dist_csv.write_record(["a", "b", "ari", "vi", "moved"])?;
    for d in &result.distances {
        dist_csv.write_record([d.a.clone(), d.b.clone(), d.ari.to_string(), d.vi.to_string(), d.moved.to_string()])?;
    }
    let json = serde_json::to_vec_pretty(&result)?;
    out.commit(&[
        ("compare.json".into(), json.clone()),
        ("compare.csv".into(), scen_csv.into_inner()?),
        ("distances.csv".into(), dist_csv.into_inner()?),
        ("compare.html".into(), pianura::report::compare_html::render_compare(&result, &t).into_bytes()),
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

/// Reads the `labels` of a `pianura zones --json` file: ISTAT code → zone number (whole
/// numbers ≥ 0; `2.0` counts as 2). A UTF-8 BOM is accepted. Every problem of the labels is
/// listed; a file that is empty, not UTF-8 or not JSON says where and what it found.
fn read_plan_labels(path: &Path) -> Result<std::collections::BTreeMap<String, u64>> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    /// The entries of `labels` in file order (duplicates kept), or what it is instead.
    struct Entries(std::result::Result<Vec<(String, serde_json::Value)>, &'static str>);
    impl<'de> serde::Deserialize<'de> for Entries {
        fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Entries;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an object of ISTAT code → zone number")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Entries, A::Error> {
                    let mut v = Vec::new();
                    while let Some(entry) = map.next_entry::<String, serde_json::Value>()? {
                        v.push(entry);
                    }
                    Ok(Entries(Ok(v)))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Entries, A::Error> {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(Entries(Err("an array")))
                }
                fn visit_bool<E>(self, _: bool) -> std::result::Result<Entries, E> {
                    Ok(Entries(Err("a boolean")))
                }
                fn visit_i64<E>(self, _: i64) -> std::result::Result<Entries, E> {
                    Ok(Entries(Err("a number")))
                }
                fn visit_u64<E>(self, _: u64) -> std::result::Result<Entries, E> {
                    Ok(Entries(Err("a number")))
                }
                fn visit_f64<E>(self, _: f64) -> std::result::Result<Entries, E> {
                    Ok(Entries(Err("a number")))
                }
                fn visit_str<E>(self, _: &str) -> std::result::Result<Entries, E> {
                    Ok(Entries(Err("a string")))
                }
                fn visit_unit<E>(self) -> std::result::Result<Entries, E> {
                    Ok(Entries(Err("null")))
                }
            }
            d.deserialize_any(V)
        }
    }
    #[derive(serde::Deserialize)]
    struct PlanFile {
        labels: Option<Entries>,
    }

    let name = path.display();
    let expected = "expected the JSON of `pianura zones --json`, with a `labels` object of ISTAT code → zone number";
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
            let start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let before: String =
                String::from_utf8_lossy(&bytes[start..at]).trim().chars().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect();
            bail!(
                "{name}: not UTF-8: invalid byte 0x{:02X} at byte {at} (line {line}, after `{before}`); save the file as UTF-8",
                bytes[at]
            );
        }
    };
    if text.trim().is_empty() {
        bail!("{name}: the file is empty: {expected}");
    }
    let v: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let (line, column) = (e.line(), e.column());
            let content = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
            // serde_json's column points at (or just past) the offending token.
            let from = content.char_indices().map(|(i, _)| i).take_while(|&i| i < column.saturating_sub(1)).last().unwrap_or(0);
            let rest = content[from..].trim_start_matches([' ', ':', ',', '[']);
            let token = ["-Infinity", "Infinity", "NaN"].into_iter().find(|t| rest.starts_with(t) || content[from..].contains(t));
            let hint = match token {
                Some(t) => {
                    format!(": `{t}` is not a JSON value (Python's json.dump writes it for a float that is not finite)")
                }
                None => String::new(),
            };
            let shown: String = content.trim().chars().take(80).collect();
            let message = e.to_string();
            let message = message.strip_suffix(&format!(" at line {line} column {column}")).unwrap_or(&message);
            bail!("{name}: not JSON at line {line}, column {column}: {message}{hint}; the line reads `{shown}`");
        }
    };
    if !v.is_object() {
        let what = match v {
            serde_json::Value::Array(_) => "an array",
            serde_json::Value::String(_) => "a string",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::Bool(_) => "a boolean",
            _ => "null",
        };
        bail!("{name}: found {what} where an object was expected: {expected}");
    }
    let file: PlanFile = serde_json::from_str(text).with_context(|| format!("{name}: {expected}"))?;
    let entries = match file.labels {
        None => bail!("{name}: no `labels` object ({expected})"),
        Some(Entries(Err(what))) => bail!("{name}: `labels` is {what}: {expected}"),
        Some(Entries(Ok(e))) if e.is_empty() => bail!("{name}: `labels` is empty: {expected}"),
        Some(Entries(Ok(e))) => e,
    };
    let mut labels = std::collections::BTreeMap::new();
    let mut written: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let mut problems = Vec::new();
    for (code, z) in entries {
        let normal = pianura::territory::normalize_istat(&code);
        if let Some(first) = written.insert(normal.clone(), code.clone()) {
            let also = if first == code { String::new() } else { format!(" (also as {first:?})") };
            problems.push(format!("{code}: listed twice{also}"));
            continue;
        }
        let zone = match &z {
            serde_json::Value::Number(n) => match (n.as_u64(), n.as_f64()) {
                (Some(u), _) => Ok(u),
                (None, Some(f)) if f < 0.0 => Err(format!("negative zone number {n}")),
                (None, Some(f)) if f.fract() != 0.0 => Err(format!("fractional zone number {n}")),
                (None, Some(f)) if f < 9.0e15 => Ok(f as u64),
                _ => Err(format!("zone number {n} is too large")),
            },
            serde_json::Value::String(s) => Err(format!("zone number must be a number, found the string {s:?}")),
            other => Err(format!("zone number must be a number, found {other}")),
        };
        match zone {
            Ok(z) => {
                labels.insert(code, z);
            }
            Err(m) => problems.push(format!("{code}: {m}")),
        }
    }
    match problems.len() {
        0 => Ok(labels),
        1 => bail!("{name}: `labels`: {} (zone numbers are whole numbers ≥ 0)", problems[0]),
        n => bail!("{name}: `labels`: {n} problems (zone numbers are whole numbers ≥ 0)\n  {}", problems.join("\n  ")),
    }
}

fn ensemble(args: EnsembleArgs) -> Result<()> {
    use pianura::ensemble::{self, ChainParams, Sample};
    let clock = std::time::Instant::now();
    let plan_input: Vec<&Path> = args.plan.iter().map(PathBuf::as_path).collect();
    let out = output_folder(&args.out, "ensemble", &args.area, &plan_input)?;
    let (t, f) = load_area(&args.area)?;
    let chain = ChainParams {
        samples: args.samples,
        burn_in: args.burn_in,
        k: args.k,
        balance: args.balance,
        seed: args.seed,
        time_limit: args.time_limit,
    };
    chain.check(t.len()).map_err(|e| {
        use pianura::ensemble::EnsembleError as E;
        let flag = match &e {
            E::InvalidK { .. } => "--k",
            E::InvalidSamples(_) => "--samples",
            E::TooManySteps { .. } => "--burn-in and --samples",
            E::InvalidBalance(_) => "--balance",
            E::InvalidTimeLimit(_) => "--time-limit",
            E::Plan { .. } => "--plan",
        };
        anyhow::Error::new(e).context(format!("invalid {flag}"))
    })?;
    let mut reporter = progress::Reporter::new("ensemble", true);
    reporter.phase("start plan");
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).context("cannot build the adjacency graph")?;
    let x = f.standardized();
    let inst = Instance::new(&t, &g, &x);
    let given = match &args.plan {
        Some(path) => {
            let labels = read_plan_labels(path)?;
            let p = ensemble::plan_from_labels(&t, &inst.adj, &labels, args.k)
                .with_context(|| format!("{}: the plan cannot be placed with --k {}", path.display(), args.k))?;
            Some(p)
        }
        None => None,
    };
    let given_balanced = given.as_ref().map(|p| ensemble::is_balanced(&inst.pop, p, args.k, args.balance));
    // Start from the given plan when the chain may (balanced); otherwise a balanced heuristic
    // plan is needed anyway.
    let (start, start_name) = match (&given, given_balanced) {
        (Some(p), Some(true)) => (p.clone(), "plan"),
        _ => {
            let (lo, hi) = ensemble::bounds(&inst.pop, args.k, args.balance);
            let cons = Constraints { k: args.k, min_pop: Some(lo), max_pop: Some(hi), ..Constraints::default() };
            let params = SolveParams { objective: ObjectiveKind::Ssd, seed: args.seed, ..SolveParams::default() };
            let best = solve::solve(&inst, &cons, &params, Method::Heuristic).context("cannot find a balanced contiguous start plan")?;
            (best.partition, "heuristic")
        }
    };
    let plan = given.unwrap_or_else(|| start.clone());
    let within = ensemble::is_balanced(&inst.pop, &plan, args.k, args.balance);
    let total = tss(inst.x.view());
    let ssd = inst.objective(ObjectiveKind::Ssd);
    let sample_of = |p: &pianura::partition::Partition| Sample {
        r2: metrics::r2(ssd.evaluate(p), total),
        imbalance: ensemble::imbalance(&inst.pop, p, args.k),
    };
    let mut samples = Vec::with_capacity(args.samples.min(1 << 20));
    let chain_run = ensemble::run_with(&inst.adj, &inst.pop, &start, &chain, &reporter, |p| samples.push(sample_of(p)));
    reporter.finish();
    let accepted = chain_run.accepted;
    let summary = ensemble::summarize(&samples, sample_of(&plan), within);
    let start_text = match (start_name, args.plan.is_some()) {
        ("plan", _) => "the given plan",
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
        start: start_name,
        accepted_steps: accepted,
        cut_short: chain_run.cut_short.as_ref(),
        distribution: &description,
        summary: &summary,
        seconds: clock.elapsed().as_secs_f64(),
    };
    let json = serde_json::to_vec_pretty(&report)?;
    let page = pianura::report::compare_html::render_ensemble(&summary, &description, args.balance);
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

fn plan(args: PlanArgs) -> Result<()> {
    use pianura::plan::{self, Spec};
    let clock = std::time::Instant::now();
    let inputs: Vec<&Path> = args.spec.iter().chain(&args.collaborations).map(PathBuf::as_path).collect();
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
    let (t_all, f_all, input_warnings) = load_area_noting(&args.area)?;
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
    let collabs = match &args.collaborations {
        Some(path) => plan::collab::read(path, &t_all, &spec.function_ids()).context("cannot read the collaborations")?,
        None => Vec::new(),
    };
    // A bar on a terminal, a line every few seconds in a log; nothing for the first second.
    let mut reporter = progress::Reporter::new("plan", !args.quiet);
    let progress = |function: &str, step: &str| reporter.phase(&format!("{function}: {step}"));
    let (mut plan, timings) = plan::build(&t, &g, &f, &spec, &collabs, &progress).context("cannot build the plan")?;
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
    writeln!(
        w,
        "{:<18} {:>5} {:>6} {:>8} {:>9} {:>10}  {}",
        "function", "zones", "groups", "zone R²", "group R²", "bounds met", "zone solver"
    )?;
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
        for c in fp.collaborations.iter().filter(|c| !c.kept) {
            writeln!(w, "  ! collaboration {} split: {}", c.name, c.reason.as_deref().unwrap_or(""))?;
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

/// The input paths of an area: `--area` and every `--features-csv`.
fn area_inputs(args: &AreaArgs) -> Vec<&Path> {
    args.area.iter().chain(&args.features_csv).map(PathBuf::as_path).collect()
}

/// Checks `--out` before any work (see [`pianura::report::OutputFolder::prepare`]) against
/// every input of the command, and registers it for a clean interrupt.
fn output_folder(out: &Path, command: &str, area: &AreaArgs, more: &[&Path]) -> Result<std::sync::Arc<pianura::report::OutputFolder>> {
    let mut inputs = area_inputs(area);
    inputs.extend_from_slice(more);
    Ok(interrupt::guard(pianura::report::OutputFolder::prepare(out, command, &inputs)?))
}

fn load_area(args: &AreaArgs) -> Result<(Territory, FeatureMatrix)> {
    load_area_noting(args).map(|(t, f, _)| (t, f))
}

/// The area and its features, with the warnings of the readers (printed on stderr as they
/// come, and returned for the report).
fn load_area_noting(args: &AreaArgs) -> Result<(Territory, FeatureMatrix, Vec<String>)> {
    let mut noted = Vec::new();
    let territory = match &args.area {
        Some(path) => Territory::load(path).context("cannot load the study area")?,
        None => Territory::embedded_default(),
    };
    let mut features = FeatureMatrix::try_from_territory(&territory).context("cannot load the study area")?;
    for path in &args.features_csv {
        let (joined, warnings) = features.join_csv_noting(path, &territory).context("cannot join the extra features")?;
        for w in warnings {
            eprintln!("warning: {w}");
            noted.push(w.to_string());
        }
        features = joined;
    }
    Ok((territory, features, noted))
}

/// A municipality as JSON shows it.
#[derive(Debug, Serialize)]
struct UnitRef {
    istat: String,
    name: String,
}

fn unit_ref(t: &Territory, id: MunicipalityId) -> UnitRef {
    let u = t.unit(id);
    UnitRef { istat: u.istat.clone(), name: u.name.clone() }
}

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

fn graph(args: GraphArgs) -> Result<()> {
    if let Some(path) = &args.edges_out {
        pianura::report::output::check_new_file(path, &area_inputs(&args.area))?;
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
        let mut csv = String::from("a,b,border_m\n");
        for (a, b, len) in g.edges() {
            let len = len.map(|m| format!("{m:.1}")).unwrap_or_default();
            csv.push_str(&format!("{},{},{len}\n", istat(&a), istat(&b)));
        }
        pianura::report::output::write_new_file(path, csv.as_bytes())?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "area         {}", report.area)?;
    match (&t.shapes, report.projection) {
        (pianura::territory::Shapes::Polygons(_), Some(p)) => writeln!(out, "projection   {p}")?,
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

/// One row of `pianura features --json`.
#[derive(Debug, Serialize)]
struct FeatureRow {
    name: String,
    mean: f64,
    sd: f64,
    min: f64,
    min_unit: UnitRef,
    max: f64,
    max_unit: UnitRef,
}

fn features(args: FeaturesArgs) -> Result<()> {
    let (t, f) = load_area(&args.area)?;
    let rows: Vec<FeatureRow> = f
        .summary()
        .into_iter()
        .map(|s| FeatureRow {
            min_unit: unit_ref(&t, MunicipalityId(s.argmin as u32)),
            max_unit: unit_ref(&t, MunicipalityId(s.argmax as u32)),
            name: s.name,
            mean: s.mean,
            sd: s.sd,
            min: s.min,
            max: s.max,
        })
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        #[derive(Serialize)]
        struct Report<'a> {
            area: &'a str,
            projection: Option<pianura::territory::Projection>,
            units: usize,
            features: &'a [FeatureRow],
        }
        let report = Report { area: &t.source, projection: t.projection(), units: t.len(), features: &rows };
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "{} municipalities, {} features ({})", t.len(), rows.len(), t.source)?;
    writeln!(out, "{:<16} {:>12} {:>12} {:>12} {:>12}  lowest / highest", "feature", "mean", "sd", "min", "max")?;
    for r in &rows {
        writeln!(
            out,
            "{:<16} {:>12.4} {:>12.4} {:>12.4} {:>12.4}  {} / {}",
            r.name, r.mean, r.sd, r.min, r.max, r.min_unit.name, r.max_unit.name
        )?;
    }
    Ok(())
}

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
    method: pianura::status::SolverKind,
    objective: ObjectiveKind,
    k: usize,
    /// Member ISTAT codes of each zone; zone numbers in `labels` are 1-based positions here.
    zones: Vec<Vec<String>>,
    /// ISTAT code → zone number (1-based).
    labels: std::collections::BTreeMap<String, usize>,
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
    /// Value of the objective that was minimised.
    value: f64,
    bound: Option<f64>,
    gap: Option<f64>,
    seconds: f64,
    seed: u64,
    /// Present for --max-p.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_p: Option<MaxPReport>,
}

fn zones(args: ZonesArgs) -> Result<()> {
    let (mut t, mut f) = load_area(&args.area)?;
    let needs_pop: Vec<&str> =
        [(args.min_pop.is_some(), "--min-pop"), (args.max_pop.is_some(), "--max-pop"), (args.population_weighted, "--population-weighted")]
            .into_iter()
            .filter_map(|(on, flag)| on.then_some(flag))
            .collect();
    if !needs_pop.is_empty() {
        require_population(&t, &needs_pop.join(", "))?;
    }
    let mut g = AdjacencyGraph::build(&t, args.contiguity.into()).context("cannot build the adjacency graph")?;
    let mut left_out = Vec::new();
    if args.largest_component {
        let comps = g.components();
        left_out = comps.iter().skip(1).flatten().map(|id| t.unit(*id).istat.clone()).collect();
        let note = format!("largest connected piece, {} of {} municipalities", comps[0].len(), t.len());
        let rows: Vec<usize> = comps[0].iter().map(|id| id.index()).collect();
        f = f.rows(&rows);
        t = t.subset(&comps[0], &note);
        g = AdjacencyGraph::build(&t, args.contiguity.into()).context("cannot build the adjacency graph")?;
    }
    let x = f.standardized();
    let inst =
        Instance::new(&t, &g, &x).with_medoid_options(args.travel_weight, args.population_weighted).context("invalid medoid options")?;
    let cons = Constraints {
        k: args.k.unwrap_or(0),
        min_pop: args.min_pop,
        max_pop: args.max_pop,
        min_units: args.min_units,
        max_units: args.max_units,
        must_link: args.keep_together.iter().map(|g| unit_codes(&t, g, "--keep-together")).collect::<Result<_>>()?,
        cannot_link: args
            .keep_apart
            .iter()
            .map(|pair| match unit_codes(&t, pair, "--keep-apart")?.as_slice() {
                &[a, b] => Ok((a, b)),
                _ => bail!("--keep-apart {pair:?}: give exactly two ISTAT codes, as A,B"),
            })
            .collect::<Result<_>>()?,
        centres: args.centre.iter().map(|c| unit_codes(&t, c, "--centre")).collect::<Result<Vec<_>>>()?.concat(),
    };
    let params = SolveParams {
        objective: args.objective.into(),
        seed: args.seed,
        time_limit: args.time_limit,
        threads: args.threads,
        node_limit: args.node_limit,
        ..SolveParams::default()
    };
    let mut reporter = progress::Reporter::new("zones", true);
    let (out, max_p) = if args.max_p {
        let m = solve::max_p::max_p_with(&inst, &cons, &params, args.method.into(), &reporter).context("cannot partition the area")?;
        (
            m.outcome,
            Some(MaxPReport { p: m.p, upper_bound: m.upper_bound, data_bound: m.data_bound, proved: m.proved, cut_short: m.cut_short }),
        )
    } else {
        reporter.phase(&format!("solving {} zones", cons.k));
        (solve::solve(&inst, &cons, &params, args.method.into()).context("cannot partition the area")?, None)
    };
    reporter.finish();
    if let Some(cut) = max_p.as_ref().and_then(|m| m.cut_short.as_ref()) {
        eprintln!("warning: max-p: {cut}");
    }
    let p = &out.partition;
    let istat = |u: usize| t.units[u].istat.clone();
    let ssd = inst.objective(ObjectiveKind::Ssd).evaluate(p);
    let medoid = Medoid { costs: inst.medoid.clone() };
    let centres = out.centres.clone().unwrap_or_else(|| medoid.centres(p));
    let report = ZonesReport {
        area: t.source.clone(),
        method: out.method,
        objective: args.objective.into(),
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
        centres: (ObjectiveKind::from(args.objective) == ObjectiveKind::Medoid).then(|| centres.iter().map(|&c| istat(c)).collect()),
        ssd,
        r2: metrics::r2(ssd, tss(inst.x.view())),
        pairwise: inst.objective(ObjectiveKind::Pairwise).evaluate(p),
        medoid: medoid.evaluate_with(p, &centres),
        contiguous: p.is_contiguous(&inst.adj),
        disconnected_zones: metrics::disconnected_zones(&inst.adj, p),
        zone_pops: metrics::zone_pops(&inst.pop, p),
        diameters_km: inst.points.as_deref().map(|pts| metrics::diameters_km(pts, p)),
        left_out,
        status: out.status,
        value: out.objective,
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
    writeln!(w, "value {:.4}   status {status}   {:.2} s", report.value, report.seconds)?;
    writeln!(
        w,
        "SSD {:.4}   R² {:.4}   pairwise {:.4}   medoid {:.4}   contiguous {}",
        report.ssd, report.r2, report.pairwise, report.medoid, report.contiguous
    )?;
    for (z, m) in p.zones().iter().enumerate() {
        let mut names: Vec<&str> = m.iter().map(|&u| t.units[u].name.as_str()).collect();
        names.sort();
        let lead = if ObjectiveKind::from(args.objective) == ObjectiveKind::Medoid {
            format!(" led by {}", t.units[centres[z]].name)
        } else {
            String::new()
        };
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

/// Population bounds and weights need every municipality's population: none is assumed.
fn require_population(t: &Territory, flags: &str) -> Result<()> {
    let missing: Vec<String> = t.units.iter().filter(|u| u.pop.is_none()).map(|u| u.to_string()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
    let more = if missing.len() > 5 { format!(" and {} more", missing.len() - 5) } else { String::new() };
    bail!(
        "{flags} need every municipality's population, but {} gives none for {} of {} municipalities ({}{more}): add a `pop` property or column",
        t.source,
        missing.len(),
        t.len(),
        shown.join(", ")
    )
}

/// Municipality indices of a comma-, semicolon- or space-separated list of ISTAT codes.
fn unit_codes(t: &Territory, list: &str, flag: &str) -> Result<Vec<usize>> {
    let codes: Vec<&str> = list.split([',', ';', ' ']).map(str::trim).filter(|c| !c.is_empty()).collect();
    if codes.is_empty() {
        bail!("{flag} {list:?}: no ISTAT code given");
    }
    codes
        .iter()
        .map(|c| {
            t.find(c).map(|id| id.index()).ok_or_else(|| anyhow::anyhow!("{flag}: no municipality with ISTAT code {c} in {}", t.source))
        })
        .collect()
}
