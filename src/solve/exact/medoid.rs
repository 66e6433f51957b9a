//! Branch-and-cut for the medoid model.
//!
//! Model (Hess et al. 1965): `x[i][j]` = unit `i` is served by centre `j`, `x[j][j]` marks a
//! centre; `Σⱼ x[i][j] = 1`, `x[i][j] ≤ x[j][j]`, `Σⱼ x[j][j] = k`; cost `Σ c[i][j]·x[i][j]`;
//! population and size bounds per centre, keep-together (`x[a][j] = x[b][j]`), keep-apart
//! (`x[a][j] + x[b][j] ≤ x[j][j]`), fixed centres (`x[c][c] = 1`).
//!
//! Contiguity by separator inequalities (the CUT formulation of Validi, Buchanan & Lykhovyd
//! 2022): if `S` separates `a` from `j`, then `x[a][j] ≤ Σ_{s∈S} x[s][j]`. They start with
//! `S = N(a)` and are separated exactly on every LP solution by a max-flow minimum vertex cut,
//! which also rejects every disconnected integer solution. HiGHS offers no lazy-constraint
//! callback, so the search tree is ours: one `highs::Model` stays alive, cuts are appended as
//! rows and branching changes column bounds, so every LP re-solve starts from the last basis
//! (good_lp rebuilds its model on every solve, hence the direct use of the `highs` crate it
//! wraps). Best-first search on `x[j][j]` (then `x[i][j]`), the heuristic's partition as the
//! incumbent, and two reductions: a pair `(i, j)` is dropped when the cheapest path from `j` to
//! `i` (node costs `c[v][j]`) already exceeds the incumbent, and when its root reduced cost
//! does (reduced-cost fixing).

use std::collections::HashSet;
use std::time::Instant;

use highs::{Col, HighsModelStatus, Model, RowProblem, Sense};

use crate::objective::Medoid;
use crate::partition::Partition;
use crate::solve::heuristic::zone_centres;
use crate::solve::{CheckedParams, Constraints, Infeasibility, Instance, NotFound, Outcome, SolveError, Solver, Status};
use crate::status::SolverKind;

use super::cuts::*;

/// Numerical tolerance on LP values.
pub(super) const EPS: f64 = 1e-6;

/// An open node: its parent's bound and its branching bounds `(column, lo, hi)`.
pub(super) struct Node {
    bound: f64,
    fixes: Vec<(usize, f64, f64)>,
}

/// Columns of the model: `(i, j, col)` for every allowed pair, and the index of each pair.
pub(super) struct Columns {
    pub(super) pairs: Vec<(usize, usize, Col)>,
    index: Vec<Vec<Option<usize>>>,
}

impl Columns {
    pub(super) fn col(&self, i: usize, j: usize) -> Option<Col> {
        self.index[i][j].map(|c| self.pairs[c].2)
    }
}

/// Row terms with repeated columns summed (HiGHS rejects a column twice in one row).
pub(super) fn merged(terms: impl IntoIterator<Item = (Col, f64)>) -> Vec<(Col, f64)> {
    let mut out: Vec<(Col, f64)> = Vec::new();
    for (c, v) in terms {
        match out.iter_mut().find(|(d, _)| *d == c) {
            Some(t) => t.1 += v,
            None => out.push((c, v)),
        }
    }
    out
}

pub(super) fn build(inst: &Instance, cons: &Constraints, allowed: &[Vec<bool>]) -> Result<(Model, Columns), SolveError> {
    let n = inst.n();
    let mut pb = RowProblem::default();
    let mut pairs = Vec::new();
    let mut index = vec![vec![None; n]; n];
    for (i, row) in allowed.iter().enumerate() {
        for (j, &ok) in row.iter().enumerate() {
            if ok {
                let fixed_centre = i == j && cons.centres.contains(&j);
                let lo = if fixed_centre { 1.0 } else { 0.0 };
                index[i][j] = Some(pairs.len());
                pairs.push((i, j, pb.add_column(inst.medoid.cost[[i, j]], lo..=1.0)));
            }
        }
    }
    let cols = Columns { pairs, index };
    for i in 0..n {
        pb.add_row(1.0..=1.0, (0..n).filter_map(|j| cols.col(i, j)).map(|c| (c, 1.0)));
        for j in 0..n {
            if let (Some(xij), Some(xjj)) = (cols.col(i, j), cols.col(j, j)) {
                if i != j {
                    pb.add_row(..=0.0, [(xij, 1.0), (xjj, -1.0)]);
                }
            }
        }
    }
    let k = cons.k as f64;
    pb.add_row(k..=k, (0..n).filter_map(|j| cols.col(j, j)).map(|c| (c, 1.0)));
    for j in 0..n {
        let Some(xjj) = cols.col(j, j) else { continue };
        let served: Vec<(usize, Col)> = (0..n).filter_map(|i| cols.col(i, j).map(|c| (i, c))).collect();
        let pop = |sign: f64| served.iter().map(move |&(i, c)| (c, sign * inst.pop[i]));
        if let Some(lo) = cons.min_pop {
            pb.add_row(0.0.., merged(pop(1.0).chain([(xjj, -lo)])));
        }
        if let Some(hi) = cons.max_pop {
            pb.add_row(..=0.0, merged(pop(1.0).chain([(xjj, -hi)])));
        }
        if let Some(lo) = cons.min_units {
            pb.add_row(0.0.., merged(served.iter().map(|&(_, c)| (c, 1.0)).chain([(xjj, -(lo as f64))])));
        }
        if let Some(hi) = cons.max_units {
            pb.add_row(..=0.0, merged(served.iter().map(|&(_, c)| (c, 1.0)).chain([(xjj, -(hi as f64))])));
        }
        for g in &cons.must_link {
            for w in g.windows(2) {
                let terms: Vec<(Col, f64)> =
                    [(w[0], 1.0), (w[1], -1.0)].iter().filter_map(|&(u, s)| cols.col(u, j).map(|c| (c, s))).collect();
                pb.add_row(0.0..=0.0, merged(terms));
            }
        }
        for &(a, b) in &cons.cannot_link {
            if let (Some(xa), Some(xb)) = (cols.col(a, j), cols.col(b, j)) {
                pb.add_row(..=0.0, merged([(xa, 1.0), (xb, 1.0), (xjj, -1.0)]));
            }
        }
    }
    for a in 0..n {
        for j in 0..n {
            if a != j && !inst.adj[a].contains(&j) {
                if let Some(xaj) = cols.col(a, j) {
                    let rhs = inst.adj[a].iter().filter_map(|&s| cols.col(s, j)).map(|c| (c, -1.0));
                    pb.add_row(..=0.0, std::iter::once((xaj, 1.0)).chain(rhs));
                }
            }
        }
    }
    let mut model = pb.try_optimise(Sense::Minimise).map_err(|e| SolveError::Solver(format!("building the model: {e:?}")))?;
    model.make_quiet();
    model.set_option("presolve", "off");
    model.set_option("solver", "simplex");
    Ok((model, cols))
}

/// What one LP solve returned.
pub(super) struct Lp {
    status: HighsModelStatus,
    objective: f64,
    values: Vec<f64>,
    reduced: Vec<f64>,
}

pub(super) fn solve_lp(model: Model, seconds: f64) -> Result<(Model, Lp), SolveError> {
    let mut model = model;
    // HiGHS counts its time limit over the model's whole life, not per run: the caller passes
    // the total budget and checks the clock between runs.
    model.set_option("time_limit", seconds.max(0.01));
    let solved = model.try_solve().map_err(|e| SolveError::Solver(format!("{e:?}")))?;
    let status = solved.status();
    let lp = if status == HighsModelStatus::Optimal {
        let sol = solved.get_solution();
        Lp { status, objective: solved.objective_value(), values: sol.columns().to_vec(), reduced: sol.dual_columns().to_vec() }
    } else {
        Lp { status, objective: f64::INFINITY, values: Vec::new(), reduced: Vec::new() }
    };
    Ok((Model::from(solved), lp))
}

pub(super) fn solve(inst: &Instance, cons: &Constraints, params: &CheckedParams, warm_start: &dyn Solver) -> Result<Outcome, SolveError> {
    let clock = Instant::now();
    let n = inst.n();
    let medoid = Medoid { costs: inst.medoid.clone() };
    let hp = params.with_objective(inst.medoid.objective());
    let mut incumbent: Option<(f64, Partition, Vec<usize>)> = warm_start.solve(inst, cons, &hp).ok().map(|o| {
        let centres = zone_centres(inst, cons, &o.partition);
        (medoid.evaluate_with(&o.partition, &centres), o.partition, centres)
    });
    let mut ub = incumbent.as_ref().map_or(f64::INFINITY, |i| i.0);
    let tol = |ub: f64| params.mip_gap * ub.abs() + 1e-9;

    let mut allowed = vec![vec![false; n]; n];
    for j in 0..n {
        let dist = path_costs(inst, j);
        for (i, row) in allowed.iter_mut().enumerate() {
            row[j] = dist[i] <= ub + tol(ub);
        }
    }
    for &c in &cons.centres {
        if !allowed[c][c] {
            return Err(SolveError::infeasible(Infeasibility::CentreCannotLead { unit: c }, &inst.labels));
        }
    }
    let (mut model, cols) = build(inst, cons, &allowed)?;
    let m = cols.pairs.len();
    let mut global_hi = vec![1.0; m];
    let global_lo: Vec<f64> = cols.pairs.iter().map(|&(i, j, _)| if i == j && cons.centres.contains(&j) { 1.0 } else { 0.0 }).collect();
    let mut seen = HashSet::new();
    let mut open = vec![Node { bound: f64::NEG_INFINITY, fixes: Vec::new() }];
    let mut applied: Vec<usize> = Vec::new();
    let mut nodes = 0usize;
    let mut timed_out = false;
    let mut node_limited = false;
    let mut root_bound = f64::NEG_INFINITY;
    // Whether the tree found a better partition than the heuristic's.
    let mut improved = false;
    // Best-first search with plunging: after a branching, the child on the side the LP leans
    // to is solved next (its basis is close to the parent's, so the dual simplex restarts
    // cheaply); when a dive ends, the open node with the lowest bound is taken.
    let mut dive: Option<Node> = None;
    let mut plunge = 0usize;
    const MAX_PLUNGE: usize = 4;
    loop {
        let node = match dive.take() {
            Some(n) => n,
            None => match best_node(&open).inspect(|_| plunge = 0) {
                Some(pos) => open.swap_remove(pos),
                None => break,
            },
        };
        if node.bound >= ub - tol(ub) {
            continue;
        }
        if params.node_limit.is_some_and(|limit| nodes >= limit) {
            node_limited = true;
            open.push(node);
            break;
        }
        nodes += 1;
        for c in applied.drain(..) {
            model.change_column_bounds(cols.pairs[c].2, global_lo[c]..=global_hi[c]);
        }
        for &(c, lo, hi) in &node.fixes {
            model.change_column_bounds(cols.pairs[c].2, lo.max(global_lo[c])..=hi.min(global_hi[c]));
            applied.push(c);
        }
        let mut lp = None;
        // Separation rounds: many at the root, few below it; stop when the bound stalls
        // (tailing off), since branching then gains more than further cuts.
        let max_rounds = if nodes == 1 { 200 } else { 3 };
        let mut history: Vec<f64> = Vec::new();
        for round in 0..max_rounds {
            let remaining = params.time_limit - clock.elapsed().as_secs_f64();
            if remaining <= 0.0 {
                timed_out = true;
                break;
            }
            let (next, result) = solve_lp(model, params.time_limit)?;
            model = next;
            if result.status != HighsModelStatus::Optimal {
                log::debug!("node {nodes}: LP status {:?}", result.status);
                if result.status != HighsModelStatus::Infeasible {
                    timed_out = true; // the LP stopped at the time limit
                }
                lp = None;
                break;
            }
            if nodes == 1 {
                root_bound = result.objective;
                // Reduced-cost fixing: no partition better than the incumbent uses these pairs.
                for c in 0..m {
                    if global_hi[c] > 0.0 && global_lo[c] == 0.0 && result.objective + result.reduced[c] > ub + tol(ub) {
                        global_hi[c] = 0.0;
                        model.change_column_bounds(cols.pairs[c].2, 0.0..=0.0);
                    }
                }
            }
            let pruned = result.objective >= ub - tol(ub);
            let added = if pruned { 0 } else { separate(&mut model, inst, cons, &cols, &result.values, &mut seen) };
            if nodes == 1 {
                log::debug!(
                    "root round {round}: bound {:.4} ub {ub:.4}, {added} cuts, {:.2} s",
                    result.objective,
                    clock.elapsed().as_secs_f64()
                );
            }
            history.push(result.objective);
            let window = if nodes == 1 { 5 } else { 1 };
            let stalled = history.len() > window
                && history[history.len() - 1] - history[history.len() - 1 - window] < 1e-4 * result.objective.abs().max(1.0);
            // An integral solution with a violated cut is a disconnected partition: never stop
            // on it, or it would be taken for a feasible one.
            let integral = result.values.iter().all(|v| v.min(1.0 - v) <= EPS);
            let out_of_rounds = round + 1 == max_rounds;
            if added > 0 && integral && out_of_rounds {
                lp = None; // cannot certify it within the rounds: treat the node as unresolved
                open.push(Node { bound: result.objective, fixes: node.fixes.clone() });
                break;
            }
            lp = Some(result);
            if pruned || added == 0 || (stalled && !integral) {
                break;
            }
        }
        if timed_out {
            open.push(node);
            break;
        }
        let Some(lp) = lp else { continue }; // infeasible node
        if lp.objective >= ub - tol(ub) {
            continue;
        }
        // Branch on the most fractional centre, else the most fractional assignment.
        let frac = |c: usize| {
            let v = lp.values[c];
            v.min(1.0 - v)
        };
        let centre =
            (0..m).filter(|&c| cols.pairs[c].0 == cols.pairs[c].1).filter(|&c| frac(c) > EPS).max_by(|&a, &b| frac(a).total_cmp(&frac(b)));
        let pick = centre.or_else(|| (0..m).filter(|&c| frac(c) > EPS).max_by(|&a, &b| frac(a).total_cmp(&frac(b))));
        match pick {
            None => {
                // Integral and no separator violated: a contiguous partition, the best of its subtree.
                let mut centre_of = vec![0; n];
                for (c, &(i, j, _)) in cols.pairs.iter().enumerate() {
                    if lp.values[c] > 0.5 {
                        centre_of[i] = j;
                    }
                }
                let p = Partition::from_labels(&centre_of);
                let centres: Vec<usize> = (0..p.k()).map(|z| centre_of[p.members(z)[0]]).collect();
                let value = medoid.evaluate_with(&p, &centres);
                log::debug!("node {nodes}: new incumbent {value:.4}");
                if value < ub {
                    ub = value;
                    incumbent = Some((value, p, centres));
                    improved = true;
                }
            }
            Some(c) => {
                let up_first = lp.values[c] >= 0.5;
                for (lo, hi) in [(1.0, 1.0), (0.0, 0.0)] {
                    let mut fixes = node.fixes.clone();
                    fixes.push((c, lo, hi));
                    let child = Node { bound: lp.objective, fixes };
                    if (lo == 1.0) == up_first && plunge < MAX_PLUNGE {
                        plunge += 1;
                        dive = Some(child);
                    } else {
                        open.push(child);
                    }
                }
            }
        }
    }
    let Some((objective, partition, centres)) = incumbent else {
        // Only an exhausted tree proves infeasibility; a limit reached first proves nothing.
        return Err(if timed_out {
            SolveError::NotFound(NotFound::TimeLimit { k: cons.k, seconds: params.time_limit })
        } else if node_limited {
            SolveError::NotFound(NotFound::NodeLimit { k: cons.k, nodes: params.node_limit.unwrap_or(0) })
        } else {
            SolveError::infeasible(Infeasibility::SolverProves { k: cons.k }, &inst.labels)
        });
    };
    let open_bound = open.iter().map(|nd| nd.bound).fold(f64::INFINITY, f64::min);
    let optimal = !timed_out && !node_limited && open.iter().all(|nd| nd.bound >= ub - tol(ub));
    let bound = if optimal { objective } else { open_bound.max(root_bound).min(objective) };
    log::debug!("{nodes} nodes, root bound {root_bound:.4}, {} cuts, {:.2} s", seen.len(), clock.elapsed().as_secs_f64());
    // Stopped before the root LP was solved: no bound, hence no gap, to report.
    let bound = bound.is_finite().then_some(bound);
    let gap = bound.map(|b| if objective.abs() > 0.0 { ((objective - b) / objective.abs()).max(0.0) } else { 0.0 });
    Ok(Outcome {
        // The partition is the exact solver's when it proved it optimal or found it; else it is
        // the heuristic's, and the search only bounded it.
        method: if optimal || improved { SolverKind::Exact } else { SolverKind::Heuristic },
        centres: Some(super::canonical_centres(&partition, &centres)),
        partition: partition.canonical(),
        status: if optimal {
            Status::Optimal
        } else if node_limited {
            Status::NodeLimit
        } else {
            Status::TimeLimit
        },
        objective,
        bound,
        gap,
        seconds: clock.elapsed().as_secs_f64(),
    })
}

/// The open node with the lowest bound (the latest on ties: depth first among equals).
pub(super) fn best_node(open: &[Node]) -> Option<usize> {
    (0..open.len()).rev().min_by(|&a, &b| open[a].bound.total_cmp(&open[b].bound))
}
