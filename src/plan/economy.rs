//! What association saves: every function's local groups priced by the cost curve of its
//! spending data ([`crate::economy`]). Runs after the tiers; it reads the groups and never
//! changes them, so the partition does not depend on the spending data.

use std::collections::BTreeMap;

use serde::Serialize;

use super::model::{FunctionPlan, Plan, PlanError};
use crate::economy::{fit, group_savings, CostCurve, CurveParams, GroupSavings, Member, SpendingTable, Verdict};
use crate::territory::Territory;

/// The method, as `plan.json` and the report state it.
pub const METHOD: &str = "For each function, ln(spending per resident) = a + b·ln(population) is fitted by Huber's robust \
regression (k = 1.345) on the municipalities' current spending; b is the elasticity of spending per resident to size, and \
2^b − 1 the change when the size doubles. Municipalities spending less than a quarter of the sample's median per resident \
are left out: a union or convention probably spends for them. The interval is the 5–95 % percentile interval of a pairs \
bootstrap (999 resamples, seeded). A group served as one entity keeps each member's own level and applies only the size \
effect: Σ sᵢ·(P/pᵢ)^b, with sᵢ, pᵢ a member's spending and residents and P the group's; its range repeats the sum for \
every bootstrap b. The curve is cross-sectional: where larger municipalities also need more (local police in towns), b mixes \
need with size, and a positive b means association shows no saving, not that it costs more. The estimate is a size effect \
only: it says nothing of service quality, transition costs or staff.";

/// Spending of one municipality for one function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpendingCell {
    /// € per year.
    pub eur: f64,
    /// Residents the spending serves.
    pub population: f64,
}

/// The cost side of the whole plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanEconomy {
    /// Where the spending data comes from.
    pub source: String,
    /// How curves and savings are estimated.
    pub method: String,
    /// One curve per function of the spending data, fitted on the vast area, then the
    /// reference curves fitted on a wider sample (all services on every Lombard municipality).
    pub curves: Vec<CostCurve>,
    /// Functions whose curve cannot be fitted, and why.
    pub unfitted: Vec<(String, String)>,
    /// ISTAT → spending function → spending, for the vast area's municipalities.
    pub spending: BTreeMap<String, BTreeMap<String, SpendingCell>>,
}

/// One local group's estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupEconomy {
    /// Group id (`2.3`).
    pub group: String,
    /// Its counted residents exceed the curve's largest municipality: the estimate
    /// extrapolates the curve beyond the sizes it was fitted on.
    pub beyond_sample: bool,
    /// Its spending now and served as one entity.
    #[serde(flatten)]
    pub savings: GroupSavings,
}

/// The cost side of one function's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionEconomy {
    /// The spending function that prices it (`pol`).
    pub spending_function: String,
    /// Its cost curve on the vast area; None when it cannot be fitted (see `summary`).
    pub curve: Option<CostCurve>,
    /// Every group of the plan, in plan order.
    pub groups: Vec<GroupEconomy>,
    /// All groups together (the range is taken over the bootstrap draws of the sum, not
    /// summed from the groups' ranges).
    pub total: Option<GroupSavings>,
    /// Gains clearly, little, or none.
    pub verdict: Verdict,
    /// The verdict in one sentence with its numbers.
    pub summary: String,
}

/// Prices every function's groups with `spending` (rows of the vast area `t`; `reference`
/// adds curves fitted on a wider sample) and writes [`Plan::economy`] and each function's
/// [`FunctionPlan::economy`].
///
/// # Errors
/// [`PlanError::Spending`] when a function's `spending` key names a function the data lacks.
pub fn estimate(
    plan: &mut Plan,
    t: &Territory,
    spending: &SpendingTable,
    reference: &[SpendingTable],
    params: &CurveParams,
) -> Result<(), PlanError> {
    for f in &plan.functions {
        if let Some(code) = &plan.spec.functions[&f.id].spending {
            spending.require(code, &format!("functions.{}.spending", f.id))?;
        }
    }
    let in_area: Vec<_> = spending.rows.iter().filter(|r| t.find(&r.istat).is_some()).collect();
    let mut cells: BTreeMap<String, BTreeMap<String, SpendingCell>> = BTreeMap::new();
    for r in &in_area {
        cells
            .entry(r.istat.clone())
            .or_default()
            .insert(r.function.clone(), SpendingCell { eur: r.spending_eur, population: r.population });
    }
    let (mut curves, mut unfitted) = (Vec::new(), Vec::new());
    for function in &spending.functions {
        let rows: Vec<_> = in_area.iter().copied().filter(|r| &r.function == function).collect();
        let label = format!("{}: {} municipalities with data", plan.area.name, rows.len());
        match fit(function, &label, &rows, params) {
            Ok(c) => curves.push(c),
            Err(e) => unfitted.push((function.clone(), e.to_string())),
        }
    }
    let area_curves = curves.len();
    for table in reference {
        for function in &table.functions {
            let rows: Vec<_> = table.function(function).collect();
            let label = format!("{} municipalities: {}", rows.len(), table.source);
            match fit(function, &label, &rows, params) {
                Ok(c) => curves.push(c),
                Err(e) => unfitted.push((format!("{function} ({})", table.source), e.to_string())),
            }
        }
    }
    for f in &mut plan.functions {
        let Some(code) = plan.spec.functions[&f.id].spending.clone() else { continue };
        let curve = curves[..area_curves].iter().find(|c| c.function == code);
        let why = unfitted.iter().find(|(func, _)| *func == code).map(|(_, e)| e.as_str());
        f.economy = Some(price(f, &code, curve, why, &cells));
    }
    plan.economy = Some(PlanEconomy { source: spending.source.clone(), method: METHOD.to_string(), curves, unfitted, spending: cells });
    Ok(())
}

/// One function's groups priced by `curve` (None: the fit failed for the reason `why`).
fn price(
    f: &FunctionPlan,
    code: &str,
    curve: Option<&CostCurve>,
    why: Option<&str>,
    cells: &BTreeMap<String, BTreeMap<String, SpendingCell>>,
) -> FunctionEconomy {
    let Some(curve) = curve else {
        let summary = format!("no cost curve for `{code}`: {}", why.unwrap_or("no data"));
        return FunctionEconomy {
            spending_function: code.into(),
            curve: None,
            groups: vec![],
            total: None,
            verdict: Verdict::None,
            summary,
        };
    };
    let excluded: Vec<&str> = curve.excluded.iter().map(|e| e.istat.as_str()).collect();
    let members = |istats: &mut dyn Iterator<Item = &str>| -> Vec<Member> {
        istats
            .map(|istat| {
                let cell = cells.get(istat).and_then(|c| c.get(code));
                Member {
                    istat: istat.to_string(),
                    population: cell.map_or(0.0, |c| c.population),
                    spending_eur: cell.filter(|_| !excluded.contains(&istat)).map(|c| c.eur),
                }
            })
            .collect()
    };
    let groups: Vec<(String, Vec<Member>)> =
        f.groups.iter().map(|g| (g.id.clone(), members(&mut g.members.iter().map(|m| m.istat.as_str())))).collect();
    let priced: Vec<GroupEconomy> = groups
        .iter()
        .map(|(id, m)| {
            let savings = group_savings(curve, m);
            GroupEconomy { group: id.clone(), beyond_sample: savings.population > curve.population_range[1], savings }
        })
        .collect();
    let total = crate::economy::total_savings(curve, &groups.iter().map(|(_, m)| m.as_slice()).collect::<Vec<_>>());
    let beyond = priced.iter().filter(|g| g.beyond_sample).count();
    let summary = summary(f, curve, &total, beyond);
    FunctionEconomy {
        spending_function: code.into(),
        curve: Some(curve.clone()),
        groups: priced,
        total: Some(total),
        verdict: curve.verdict,
        summary,
    }
}

/// The verdict in one sentence: the curve's size effect, then what the plan's groups save.
fn summary(f: &FunctionPlan, c: &CostCurve, total: &GroupSavings, beyond: usize) -> String {
    let pct = |x: f64| format!("{:.1} %", -100.0 * x);
    let [lo, hi] = c.per_doubling_interval;
    let effect = format!(
        "spending per resident changes by {:+.1} % when the size doubles ({:.0} % interval {:+.1} to {:+.1} %; {} municipalities, {} left out)",
        100.0 * c.per_doubling,
        100.0 * c.level,
        100.0 * lo,
        100.0 * hi,
        c.n,
        c.excluded.len()
    );
    let eur = crate::numbers::euros;
    match c.verdict {
        Verdict::None if lo > 0.0 => format!(
            "{}: association brings no measurable saving here — larger municipalities spend more per resident, not less: {effect}.",
            f.label
        ),
        Verdict::None => format!("{}: association brings no measurable saving here — {effect}.", f.label),
        v => format!(
            "{}: {} — {effect}; the plan's {} groups would spend {} less a year ({} of their {}; range {} to {}){}.",
            f.label,
            if v == Verdict::GainsClearly { "association gains clearly" } else { "association gains little" },
            f.groups.len(),
            eur(total.savings_eur),
            pct(-total.savings_share),
            eur(total.current_eur),
            eur(total.savings_range[0]),
            eur(total.savings_range[1]),
            match beyond {
                0 => String::new(),
                n => format!(
                    "; {n} of the groups {} larger than the largest municipality of the sample ({} residents): {} estimate extrapolates the curve",
                    if n == 1 { "is" } else { "are" },
                    crate::numbers::thousands(c.population_range[1]),
                    if n == 1 { "its" } else { "their" }
                ),
            },
        ),
    }
}
