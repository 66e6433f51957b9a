//! The clap argument structs, as the command line spells them: no checks beyond each value's
//! own parser ([`super::values`]); commands turn them into validated configs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::values::{at_least_one, count, non_negative, residents, seconds, seed, share, ContiguityArg, MethodArg, ObjectiveArg};

/// pianura: contiguous, homogeneous zones of municipalities for associated services.
///
/// With no --area, every command works on the embedded default: the 42 municipalities of the
/// Bassa Bresciana districts (ambiti 8, 9, 10), ISTAT 2023 data (CC BY 4.0, ISTAT via
/// openpolis).
#[derive(Debug, Parser)]
#[command(name = "pianura", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
pub struct AreaArgs {
    /// Study area: a GeoJSON FeatureCollection, or a folder with units.csv + edges.csv
    /// (or area.geojson). Default: the embedded Bassa Bresciana area.
    #[arg(long, value_name = "PATH")]
    pub area: Option<PathBuf>,
    /// Extra features from a CSV with an `istat` column (repeatable); joined by ISTAT code.
    #[arg(long = "features-csv", value_name = "FILE")]
    pub features_csv: Vec<PathBuf>,
    /// Use only these features, comma-separated, in this order (default: every feature of
    /// the area and the joined CSVs; `pianura features` lists them).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub features: Option<Vec<String>>,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub area: AreaArgs,
    /// queen: polygons sharing at least a point; rook: sharing a stretch of border.
    #[arg(long, value_enum, default_value_t = ContiguityArg::Queen)]
    pub contiguity: ContiguityArg,
    /// Print JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// Also write the edges as CSV (a, b, border_m) to this new file (an existing file is
    /// never overwritten: the command refuses before any work).
    #[arg(long, value_name = "FILE")]
    pub edges_out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FeaturesArgs {
    #[command(flatten)]
    pub area: AreaArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub area: AreaArgs,
    /// Function spec (TOML). Default: the embedded spec (specs/default.toml in the sources).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Existing collaborations: CSV with name, function (an id or "all"), members (ISTAT
    /// codes), optional source. Replaces the embedded default (the two local-police
    /// arrangements of the Bassa Bresciana), which applies only to the embedded area.
    #[arg(long, value_name = "FILE")]
    pub collaborations: Option<PathBuf>,
    /// Spending per municipality and function: CSV with istat, function, spending_eur
    /// (€ per year, ≥ 0), optional population; the spec's `spending` key of each function
    /// names the function code its groups are priced with. Default for the embedded area:
    /// OpenCivitas 2022 historical spending (tot, amm, pol, vt).
    #[arg(long, value_name = "FILE")]
    pub spending: Option<PathBuf>,
    /// Output folder. pianura writes only into a missing or empty folder, or one it wrote
    /// itself (marked by a .pianura file listing its files); anything else, a file, or a folder
    /// that is, holds or lies inside an input is refused before any work. The new output
    /// replaces pianura's own files only once it is complete; a failed or interrupted run leaves
    /// the previous output as it was. Holds report.html, plan.json, plan.csv, one GeoJSON per
    /// function, timings.json.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Seed (overrides the spec's).
    #[arg(long, value_parser = seed)]
    pub seed: Option<u64>,
    /// Seconds per exact solve (overrides the spec's).
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    pub time_limit: Option<f64>,
    /// Refuse to relax any bound of the spec: a bound no plan can meet is an error naming it
    /// (same as `strict = true` in the spec's [solver] table).
    #[arg(long)]
    pub strict: bool,
    /// No progress and no summary on the terminal.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub area: AreaArgs,
    /// Scenarios TOML: [[scenario]] tables with name, k, method, objective, weights,
    /// features, min_pop, max_pop, min_units, max_units, seed, time_limit.
    #[arg(long, value_name = "FILE")]
    pub scenarios: PathBuf,
    /// Output folder. pianura writes only into a missing or empty folder, or one it wrote
    /// itself (marked by a .pianura file listing its files); anything else, a file, or a folder
    /// that is, holds or lies inside an input is refused before any work. The new output
    /// replaces pianura's own files only once it is complete; a failed or interrupted run leaves
    /// the previous output as it was. Holds compare.json, compare.csv, distances.csv,
    /// compare.html.
    #[arg(long, value_name = "DIR", default_value = "out-compare")]
    pub out: PathBuf,
    /// Scenarios run in parallel on this many threads.
    #[arg(long, default_value_t = 2, value_parser = at_least_one)]
    pub threads: usize,
    /// Bootstrap runs per scenario for stability (0 = none).
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = count)]
    pub bootstrap: usize,
    /// Bootstrap: standard deviation of Gaussian noise added to standardized features.
    #[arg(long, value_name = "SD", default_value_t = 0.1, value_parser = non_negative)]
    pub noise: f64,
    /// Bootstrap: keep feature weights fixed (default: resample them, Exp(1) with mean 1).
    #[arg(long)]
    pub fixed_weights: bool,
    /// Bootstrap: a zone survives a run when its best-matching zone has Jaccard similarity at
    /// least this, in (0, 1].
    #[arg(long, value_name = "J", default_value_t = 0.5, value_parser = share)]
    pub survival_threshold: f64,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EnsembleArgs {
    #[command(flatten)]
    pub area: AreaArgs,
    /// Number of zones.
    #[arg(long, value_parser = at_least_one)]
    pub k: usize,
    /// Samples kept.
    #[arg(long, default_value_t = 10000, value_parser = at_least_one)]
    pub samples: usize,
    /// Steps discarded before sampling.
    #[arg(long, default_value_t = 200, value_parser = count)]
    pub burn_in: usize,
    /// Allowed relative deviation of each zone's population from the ideal, in (0, 1).
    #[arg(long, default_value_t = 0.25, value_parser = share)]
    pub balance: f64,
    /// Seed.
    #[arg(long, default_value_t = pianura::solve::params::DEFAULT_SEED, value_parser = seed)]
    pub seed: u64,
    /// Stop the chain after this many seconds, keeping the samples so far; the output says
    /// how many steps the limit cut short (ensemble.json `cut_short`).
    #[arg(long, value_name = "SECONDS", default_value_t = pianura::ensemble::DEFAULT_TIME_LIMIT, value_parser = seconds)]
    pub time_limit: f64,
    /// A plan to place: the JSON of `pianura zones --json` (its `labels`). It must cover every
    /// municipality, have --k zones, each contiguous; outside the balance bound it is placed
    /// but flagged. The chain starts from it when it is within the bound, else from the
    /// heuristic's balanced plan. Default: the heuristic's best SSD plan under the bound.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Output folder. pianura writes only into a missing or empty folder, or one it wrote
    /// itself (marked by a .pianura file listing its files); anything else, a file, or a folder
    /// that is, holds or lies inside an input is refused before any work. The new output
    /// replaces pianura's own files only once it is complete; a failed or interrupted run leaves
    /// the previous output as it was. Holds ensemble.json and ensemble.html.
    #[arg(long, value_name = "DIR", default_value = "out-ensemble")]
    pub out: PathBuf,
    /// Print JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ZonesArgs {
    #[command(flatten)]
    pub area: AreaArgs,
    /// Number of zones (or --max-p).
    #[arg(long, required_unless_present = "max_p", conflicts_with = "max_p", value_parser = at_least_one)]
    pub k: Option<usize>,
    /// Max-p: as many zones as the minimum bounds (--min-pop, --min-units) allow, settled by an
    /// exact count search up to 120 municipalities (the heuristic beyond), then solved with
    /// --method; reports the proven upper bound on the count. --time-limit bounds it all.
    #[arg(long)]
    pub max_p: bool,
    /// Solver: auto (exact where it can prove optimality, else heuristic), exact, heuristic,
    /// ward, skater, or kmeans (ignores contiguity: the non-spatial reference).
    #[arg(long, value_enum, default_value_t = MethodArg::Auto)]
    pub method: MethodArg,
    /// What "homogeneous" means: medoid (distance to the zone's centre municipality), ssd
    /// (distance to the zone mean) or pairwise (all pairs within a zone); or travel:
    /// pmedian (Σ residents × distance to the zone's lead) or hess (Σ residents × distance²).
    #[arg(long, value_enum, default_value_t = ObjectiveArg::Medoid)]
    pub objective: ObjectiveArg,
    /// Travel objectives: CSV `a,b,d` with the distance of every pair of units (km, or minutes;
    /// the unit is yours). Default: great-circle km between interior points.
    #[arg(long, value_name = "FILE")]
    pub distances: Option<std::path::PathBuf>,
    /// Minimum residents per zone (the area must give every municipality's population).
    #[arg(long, value_name = "N", value_parser = residents)]
    pub min_pop: Option<f64>,
    /// Maximum residents per zone (the area must give every municipality's population).
    #[arg(long, value_name = "N", value_parser = residents)]
    pub max_pop: Option<f64>,
    /// Every zone within ±EPS of residents / k (0.005 = ±0.5 %), bounds inclusive.
    #[arg(long, value_name = "EPS", value_parser = share, conflicts_with_all = ["min_pop", "max_pop", "max_p"])]
    pub balance: Option<f64>,
    /// Minimum municipalities per zone.
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub min_units: Option<usize>,
    /// Maximum municipalities per zone.
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub max_units: Option<usize>,
    /// Municipalities that must share a zone (an existing union), as ISTAT codes separated
    /// by commas; repeat for several groups. Each group must be contiguous.
    #[arg(long, value_name = "CODES")]
    pub keep_together: Vec<String>,
    /// Two municipalities that must be in different zones, as `ISTAT,ISTAT`; repeatable.
    #[arg(long, value_name = "A,B")]
    pub keep_apart: Vec<String>,
    /// A municipality that must lead a zone (medoid objective; other objectives keep fixed
    /// centres in different zones), by ISTAT code; repeatable.
    #[arg(long, value_name = "ISTAT")]
    pub centre: Vec<String>,
    /// Seed of every random choice (same seed, same zones).
    #[arg(long, default_value_t = pianura::solve::params::DEFAULT_SEED, value_parser = seed)]
    pub seed: u64,
    /// Time limit of the exact solver, seconds; with --max-p, of the whole search.
    #[arg(long, value_name = "SEC", default_value_t = pianura::solve::params::DEFAULT_TIME_LIMIT, value_parser = seconds)]
    pub time_limit: f64,
    /// Branch-and-cut nodes after which the exact solver stops with its incumbent and gap,
    /// the same on every machine (default: none, the time limit decides; with --max-p 30).
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub node_limit: Option<usize>,
    /// Worker threads for the heuristic (the result does not depend on it).
    #[arg(long, default_value_t = pianura::solve::params::DEFAULT_THREADS, value_parser = at_least_one)]
    pub threads: usize,
    /// Adjacency rule.
    #[arg(long, value_enum, default_value_t = ContiguityArg::Queen)]
    pub contiguity: ContiguityArg,
    /// Medoid objective: add this cost per km between a municipality and its centre.
    #[arg(long, value_name = "W", default_value_t = 0.0, value_parser = non_negative)]
    pub travel_weight: f64,
    /// Medoid objective: weight each municipality by its population (relative to the mean;
    /// the area must give every municipality's population).
    #[arg(long)]
    pub population_weighted: bool,
    /// Work on the largest connected piece only (islands and exclaves left out and listed);
    /// features are standardized over that piece.
    #[arg(long)]
    pub largest_component: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}
