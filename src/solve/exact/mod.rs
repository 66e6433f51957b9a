//! Exact solvers through good_lp + HiGHS.
//!
//! **Medoid** (the default): a branch-and-cut over the Hess assignment model with separator
//! inequalities for contiguity, in [`medoid`].
//!
//! **Pairwise** (p-regions, Duque, Church & Middleton 2011): `x[i][z]`, `y[i][j] ≥
//! x[i][z] + x[j][z] − 1`, single-commodity flow contiguity per zone, units only in zones
//! `z ≤ i` against symmetry, and the minimum-pairs cut (at least as many same-zone pairs as k
//! balanced zones hold); reports its bound and gap at the time limit. Its LP relaxation is weak
//! (fractional `x` lets `y` vanish), so it proves optimality only on small instances.

use std::time::Instant;

use good_lp::solvers::highs::HighsProblem;
use good_lp::{constraint, default_solver, variable, Expression, ProblemVariables, SolverModel, Variable};
use highs::HighsModelStatus;

use crate::partition::Partition;
use crate::solve::{
    CheckedParams, Constraints, Infeasibility, Instance, Invalid, NotFound, ObjectiveKind, Outcome, SolveError, Solver, Status,
};
use crate::status::SolverKind;

mod cuts;
mod medoid;

pub use crate::status::AUTO_EXACT_MAX_UNITS as AUTO_MAX_UNITS;

/// Solves exactly (or to the time limit) for the medoid or pairwise objective, starting from
/// the partition `warm_start` finds (when it finds one) as the incumbent.
///
/// # Errors
/// [`SolveError::Infeasible`] when HiGHS proves no partition meets the constraints;
/// [`SolveError::Param`] for the SSD objective (not linear: the heuristic handles it).
pub fn solve(inst: &Instance, cons: &Constraints, params: &CheckedParams, warm_start: &dyn Solver) -> Result<Outcome, SolveError> {
    match params.objective {
        ObjectiveKind::Medoid | ObjectiveKind::Pmedian | ObjectiveKind::Hess => medoid::solve(inst, cons, params, warm_start),
        ObjectiveKind::Pairwise => pairwise(inst, cons, params, warm_start),
        ObjectiveKind::Ssd => Err(SolveError::Param(Invalid::SsdNotLinear)),
    }
}

/// What one HiGHS run gave back.
struct Run {
    status: HighsModelStatus,
    values: Vec<f64>,
    bound: f64,
}

/// Solves a good_lp model with HiGHS directly, to read the dual bound and keep limits.
fn run_highs(problem: HighsProblem, start: Option<&[f64]>, params: &CheckedParams) -> Result<Run, SolveError> {
    let mut model = problem.try_into_inner().map_err(|e| SolveError::Solver(e.to_string()))?;
    model.make_quiet();
    model.set_option("time_limit", params.time_limit.max(0.01));
    model.set_option("mip_rel_gap", params.mip_gap);
    model.set_option("random_seed", params.highs_seed());
    if let Some(s) = start {
        // A start HiGHS finds infeasible is ignored by it; a wrong length is our bug.
        model.try_set_solution(Some(s), None, None, None).map_err(|e| SolveError::Solver(format!("{e:?}")))?;
    }
    let solved = model.try_solve().map_err(|e| SolveError::Solver(format!("{e:?}")))?;
    let status = solved.status();
    let bound = solved.double_info_value(c"mip_dual_bound").unwrap_or(f64::NEG_INFINITY);
    let has_solution = solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
    let values = if has_solution { solved.get_solution().columns().to_vec() } else { Vec::new() };
    Ok(Run { status, values, bound })
}

/// Centres reordered to follow the canonical zone numbering.
fn canonical_centres(p: &Partition, centres: &[usize]) -> Vec<usize> {
    let canon = p.canonical();
    let mut out = vec![0; canon.k()];
    for (z, &c) in centres.iter().enumerate() {
        out[canon.zone_of(p.members(z)[0])] = c;
    }
    out
}

fn pairwise(inst: &Instance, cons: &Constraints, params: &CheckedParams, warm_start: &dyn Solver) -> Result<Outcome, SolveError> {
    let clock = Instant::now();
    let n = inst.n();
    let k = cons.k;
    let warm = warm_start.solve(inst, cons, &params.with_objective(ObjectiveKind::Pairwise)).ok();
    let d = |i: usize, j: usize| -> f64 { inst.x.row(i).iter().zip(inst.x.row(j)).map(|(a, b)| (a - b) * (a - b)).sum() };
    let mut vars = ProblemVariables::new();
    // Column index of every variable, in the order added (HiGHS's column order).
    let mut cols = 0usize;
    let mut add = |vars: &mut ProblemVariables, def: good_lp::VariableDefinition| {
        cols += 1;
        (vars.add(def), cols - 1)
    };
    // Unit i may only be in zones z ≤ i (symmetry breaking: zone z's lowest unit is ≥ z).
    let x: Vec<Vec<Option<(Variable, usize)>>> =
        (0..n).map(|i| (0..k).map(|z| (z <= i).then(|| add(&mut vars, variable().binary()))).collect()).collect();
    let r: Vec<Vec<Option<(Variable, usize)>>> =
        (0..n).map(|i| (0..k).map(|z| (z <= i).then(|| add(&mut vars, variable().binary()))).collect()).collect();
    let mut pairs = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            pairs.push((i, j, add(&mut vars, variable().min(0.0).max(1.0))));
        }
    }
    let edges: Vec<(usize, usize)> = (0..n).flat_map(|u| inst.adj[u].iter().map(move |&v| (u, v))).collect();
    let cap = (n - 1) as f64;
    let flow: Vec<Vec<(Variable, usize)>> =
        (0..k).map(|_| edges.iter().map(|_| add(&mut vars, variable().min(0.0).max(cap))).collect()).collect();
    let total_cols = cols;
    let var = |v: Option<(Variable, usize)>| v.map(|(v, _)| v);
    let x_var: Vec<Vec<Option<Variable>>> = x.iter().map(|row| row.iter().map(|&v| var(v)).collect()).collect();
    let r_var: Vec<Vec<Option<Variable>>> = r.iter().map(|row| row.iter().map(|&v| var(v)).collect()).collect();
    let objective: Expression = pairs.iter().map(|&(i, j, (y, _))| d(i, j) * y).sum();
    let mut model = vars.minimise(objective).using(default_solver);
    for unit in &x_var {
        let row: Expression = unit.iter().flatten().map(|&v| Expression::from(v)).sum();
        model.add_constraint(constraint!(row == 1));
    }
    for z in 0..k {
        let roots: Expression = (0..n).filter_map(|i| r_var[i][z]).map(Expression::from).sum();
        model.add_constraint(constraint!(roots == 1));
        for i in 0..n {
            if let (Some(ri), Some(xi)) = (r_var[i][z], x_var[i][z]) {
                model.add_constraint(constraint!(ri <= xi));
            }
        }
        for (e, &(u, v)) in edges.iter().enumerate() {
            let f = flow[z][e].0;
            let xu: Expression = x_var[u][z].map_or(Expression::from(0.0), Expression::from);
            let xv: Expression = x_var[v][z].map_or(Expression::from(0.0), Expression::from);
            model.add_constraint(constraint!(f <= cap * xu));
            model.add_constraint(constraint!(f <= cap * xv));
        }
        for v in 0..n {
            let Some(xv) = x_var[v][z] else { continue };
            let inflow: Expression = edges.iter().enumerate().filter(|(_, e)| e.1 == v).map(|(i, _)| Expression::from(flow[z][i].0)).sum();
            let outflow: Expression = edges.iter().enumerate().filter(|(_, e)| e.0 == v).map(|(i, _)| Expression::from(flow[z][i].0)).sum();
            let rv = r_var[v][z].expect("root variable exists with x");
            model.add_constraint(constraint!(inflow - outflow >= xv - (n as f64) * rv));
        }
        let pop: Expression = (0..n).filter_map(|i| x_var[i][z].map(|v| inst.pop[i] * v)).sum();
        if let Some(lo) = cons.min_pop {
            model.add_constraint(constraint!(pop.clone() >= lo));
        }
        if let Some(hi) = cons.max_pop {
            model.add_constraint(constraint!(pop <= hi));
        }
        let units: Expression = (0..n).filter_map(|i| x_var[i][z]).map(Expression::from).sum();
        if let Some(lo) = cons.min_units {
            model.add_constraint(constraint!(units.clone() >= lo as f64));
        }
        if let Some(hi) = cons.max_units {
            model.add_constraint(constraint!(units <= hi as f64));
        }
        for g in &cons.must_link {
            for w in g.windows(2) {
                let ea: Expression = x_var[w[0]][z].map_or(Expression::from(0.0), Expression::from);
                let eb: Expression = x_var[w[1]][z].map_or(Expression::from(0.0), Expression::from);
                model.add_constraint(constraint!(ea == eb));
            }
        }
        for &(a, b) in &cons.cannot_link {
            let ea: Expression = x_var[a][z].map_or(Expression::from(0.0), Expression::from);
            let eb: Expression = x_var[b][z].map_or(Expression::from(0.0), Expression::from);
            model.add_constraint(constraint!(ea + eb <= 1));
        }
        // Fixed centres lead different zones: at most one per zone.
        let centres: Expression = cons.centres.iter().filter_map(|&c| x_var[c][z]).map(Expression::from).sum();
        if cons.centres.len() > 1 {
            model.add_constraint(constraint!(centres <= 1));
        }
        for &(i, j, (y, _)) in &pairs {
            if let (Some(xi), Some(xj)) = (x_var[i][z], x_var[j][z]) {
                model.add_constraint(constraint!(y >= xi + xj - 1));
            }
        }
    }
    // Minimum-pairs cut: k zones over n units hold at least the pairs of the balanced sizes.
    let (q, rem) = (n / k, n % k);
    let choose2 = |m: usize| (m * m.saturating_sub(1) / 2) as f64;
    let min_pairs = rem as f64 * choose2(q + 1) + (k - rem) as f64 * choose2(q);
    let all_pairs: Expression = pairs.iter().map(|&(_, _, (y, _))| Expression::from(y)).sum();
    model.add_constraint(constraint!(all_pairs >= min_pairs));
    // Warm start: the heuristic partition with zones ordered by lowest unit (fits z ≤ i), each
    // rooted at its lowest unit, flows along a BFS tree from the root.
    let start = warm.as_ref().map(|o| {
        let p = o.partition.canonical();
        let mut values = vec![0.0; total_cols];
        for i in 0..n {
            values[x[i][p.zone_of(i)].expect("canonical zone ≤ unit").1] = 1.0;
        }
        for z in 0..p.k() {
            let root = p.members(z)[0];
            values[r[root][z].expect("root").1] = 1.0;
            // BFS tree inside the zone; flow on each tree edge = size of the subtree below it.
            let mut order = vec![root];
            let mut parent = vec![usize::MAX; n];
            let mut seen = vec![false; n];
            seen[root] = true;
            let mut q = 0;
            while q < order.len() {
                let u = order[q];
                q += 1;
                for &v in &inst.adj[u] {
                    if !seen[v] && p.zone_of(v) == z {
                        seen[v] = true;
                        parent[v] = u;
                        order.push(v);
                    }
                }
            }
            let mut below = vec![1.0; n];
            for &v in order.iter().skip(1).rev() {
                let u = parent[v];
                below[u] += below[v];
                let e = edges.iter().position(|&e| e == (u, v)).expect("adjacent");
                values[flow[z][e].1] = below[v];
            }
        }
        for &(i, j, (_, c)) in &pairs {
            if p.zone_of(i) == p.zone_of(j) {
                values[c] = 1.0;
            }
        }
        values
    });
    let run = run_highs(model, start.as_deref(), params)?;
    if run.status == HighsModelStatus::Infeasible {
        return Err(SolveError::infeasible(Infeasibility::SolverProves { k }, &inst.labels));
    }
    let (partition, objective) = if run.values.is_empty() {
        let w = warm.ok_or(SolveError::NotFound(NotFound::NeitherFound { k, seconds: params.time_limit }))?;
        (w.partition, w.objective)
    } else {
        let labels: Vec<usize> = (0..n).map(|i| (0..k).find(|&z| x[i][z].is_some_and(|(_, c)| run.values[c] > 0.5)).unwrap_or(0)).collect();
        let p = Partition::from_labels(&labels);
        let value = inst.objective(ObjectiveKind::Pairwise).evaluate(&p);
        match warm {
            Some(w) if w.objective < value => (w.partition, w.objective),
            _ => (p, value),
        }
    };
    let status = if run.status == HighsModelStatus::Optimal { Status::Optimal } else { Status::TimeLimit };
    let bound = run.bound.min(objective);
    let gap = if objective > 0.0 { ((objective - bound) / objective).max(0.0) } else { 0.0 };
    Ok(Outcome {
        method: SolverKind::Exact,
        partition: partition.canonical(),
        centres: None,
        status,
        objective,
        bound: Some(bound),
        gap: Some(gap),
        seconds: clock.elapsed().as_secs_f64(),
    })
}
