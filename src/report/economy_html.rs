//! The economy parts of the report: per function, what association saves (the verdict, its
//! sentence, the cost chart of [`super::cost_chart`], the savings of every local group), and
//! once, the method of the economies of scale with every fitted curve. Draws what
//! [`crate::plan::economy`] estimated; computes no estimate.

use maud::{html, Markup, PreEscaped};

use super::cost_chart::{log_points, Chart, Dot, GroupPoint};
use super::svg::{colour, group_index};
use crate::economy::{CostCurve, GroupSavings, Verdict};
use crate::numbers::{euros, thousands};
use crate::plan::economy::{FunctionEconomy, PlanEconomy};
use crate::plan::{FunctionPlan, Plan};
use crate::territory::Territory;

/// Styles of the verdict badges and the chart's card.
pub(super) const STYLE: &str = r#"
.verdict{display:inline-block;border-radius:10px;padding:1px 9px;font-size:.8rem;font-weight:700;margin-right:.5em;color:#fff}
.verdict.clearly{background:#1a7f37}.verdict.little{background:#9a6700}.verdict.none{background:#6e7781}
figure.chart{margin:.4rem 0 .8rem;max-width:720px}svg.cost-chart{max-width:100%;height:auto;display:block;background:#fff;font-family:inherit}
svg.cost-chart text{fill:#1d2228}svg.cost-chart .group-label{paint-order:stroke;stroke:#fff;stroke-width:2.4px;stroke-linejoin:round}
tr.total td{font-weight:600;border-top:2px solid #d8dde3}
"#;

/// The verdict's class and words.
fn verdict(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::GainsClearly => ("verdict clearly", "gains clearly"),
        Verdict::GainsLittle => ("verdict little", "gains little"),
        Verdict::None => ("verdict none", "no measurable saving"),
    }
}

/// A share as a percentage with one decimal.
fn pct(share: f64) -> String {
    format!("{:.1} %", 100.0 * share)
}

/// A signed percentage change with one decimal (`−8.0 %`).
fn change(share: f64) -> String {
    format!("{:+.1} %", 100.0 * share).replace('-', "−")
}

/// A signed decimal with `digits` places and a true minus sign.
fn signed(v: f64, digits: usize) -> String {
    format!("{v:.digits$}").replace('-', "−")
}

/// "What association saves" for function `f` (nothing without spending data for it).
pub(super) fn section(f: &FunctionPlan, plan: &Plan, t: &Territory) -> Markup {
    let (Some(econ), Some(pe)) = (&f.economy, &plan.economy) else { return html! {} };
    let (class, words) = verdict(econ.verdict);
    html! {
        h3 id=(format!("economy-{}", f.id)) { "What association saves" }
        p.economy-summary data-function=(f.id) { span class=(class) { (words) } (econ.summary) }
        @if let Some(curve) = &econ.curve {
            figure class="card chart" {
                (PreEscaped(chart(f, econ, curve, pe, t)))
                figcaption.small { (caption(curve)) }
            }
            @if !curve.excluded.is_empty() {
                p.note.small {
                    b { "Left out of the fit" } " (hollow red marks: spending per resident near zero, a union or convention probably spends for them): "
                    @for (i, e) in curve.excluded.iter().enumerate() {
                        @if i > 0 { "; " }
                        (e.name) " (€" (format!("{:.2}", e.per_resident_eur)) " per resident — " (e.reason) ")"
                    }
                    "."
                }
            }
            (savings_table(f, econ))
        }
    }
}

/// The chart of `f`'s groups on `curve`: the area's municipalities with spending for the
/// function, the curve and its band, the groups.
fn chart(f: &FunctionPlan, econ: &FunctionEconomy, curve: &CostCurve, pe: &PlanEconomy, t: &Territory) -> String {
    let code = &econ.spending_function;
    let dots = pe
        .spending
        .iter()
        .filter_map(|(istat, cells)| {
            let cell = cells.get(code)?;
            let name = t.find(istat).map_or(istat.clone(), |id| t.unit(id).name.clone());
            let excluded = curve.excluded.iter().any(|e| &e.istat == istat);
            Some(Dot { name, population: cell.population, per_resident: cell.eur / cell.population, excluded })
        })
        .collect();
    let groups = econ
        .groups
        .iter()
        .filter(|g| g.savings.population > 0.0 && g.savings.current_eur > 0.0)
        .map(|g| {
            let zone = f.groups.iter().find(|p| p.id == g.group).map_or(1, |p| p.zone);
            let s = &g.savings;
            GroupPoint {
                id: g.group.clone(),
                colour: colour(zone - 1, group_index(&g.group)),
                population: s.population,
                current: s.current_eur / s.population,
                associated: s.associated_eur / s.population,
            }
        })
        .collect();
    let title = format!("Spending per resident against size — {} ({code})", f.label);
    let mut chart = Chart { function: &f.id, title, curve, dots, groups, band: vec![] };
    // The band needs the bootstrap draws; a curve without them is drawn without its band.
    // Its points: 40 across the fitted sizes and, beyond them, on to the largest group.
    if !curve.draws.is_empty() {
        let [r0, r1] = curve.population_range;
        let mut at = log_points([r0, r1], 40);
        if chart.reach() > r1 {
            at.extend(log_points([r1, chart.reach()], 12).into_iter().skip(1));
        }
        chart.band = at.into_iter().map(|p| (p, curve.band(p))).collect();
    }
    chart.svg()
}

/// The elasticity with its interval, in words, and the sample.
fn caption(c: &CostCurve) -> String {
    let [lo, hi] = c.elasticity_interval;
    let [dlo, dhi] = c.per_doubling_interval;
    format!(
        "Elasticity b = {} ({:.0} % interval {} to {}): doubling the size changes spending per resident by {} ({} to {}); R² {:.2}; fitted on {} (n = {}, {} left out). The shaded band is the curve's bootstrap interval (fainter, and the curve dashed, beyond the largest municipality of the sample: there the curve is extrapolated); each group's point is its estimated spending per resident served as one entity, its line starts at its current spending per resident.",
        signed(c.elasticity, 3),
        100.0 * c.level,
        signed(lo, 3),
        signed(hi, 3),
        change(c.per_doubling),
        change(dlo),
        change(dhi),
        c.r2,
        c.sample,
        c.n,
        c.excluded.len()
    )
}

/// An amount with its range below it.
fn with_range(v: f64, range: [f64; 2], f: fn(f64) -> String) -> Markup {
    html! { (f(v)) br; span.small { (f(range[0])) " to " (f(range[1])) } }
}

/// The savings columns of one row.
fn amounts(s: &GroupSavings) -> Markup {
    html! {
        td.num { (thousands(s.population)) }
        td.num { (euros(s.current_eur)) }
        td.num { (with_range(s.associated_eur, s.associated_range, euros)) }
        td.num { (with_range(s.savings_eur, s.savings_range, euros)) }
        td.num { (with_range(s.savings_share, s.savings_share_range, pct)) }
    }
}

/// Every group's spending now and served as one entity, and the total.
fn savings_table(f: &FunctionPlan, econ: &FunctionEconomy) -> Markup {
    let name = |istat: &str| -> String {
        f.groups.iter().flat_map(|g| &g.members).find(|m| m.istat == istat).map_or(istat.to_string(), |m| m.name.clone())
    };
    let list = |codes: &[String]| codes.iter().map(|c| name(c)).collect::<Vec<_>>().join(", ");
    html! {
        table.savings data-function=(f.id) {
            tr {
                th { "Group" } th { "Members counted" } th.num { "Residents" } th.num { "Current € / year" }
                th.num { "Associated € (range)" } th.num { "Savings € (range)" } th.num { "Savings % (range)" }
            }
            @for g in &econ.groups {
                tr {
                    td {
                        (g.group)
                        @if g.beyond_sample { br; span.small.beyond { "beyond the sample's sizes" } }
                    }
                    td.members {
                        (list(&g.savings.counted))
                        @if !g.savings.left_out.is_empty() { br; span.small { "left out: " (list(&g.savings.left_out)) } }
                    }
                    (amounts(&g.savings))
                }
            }
            @if let Some(total) = &econ.total {
                tr.total {
                    td { "All groups" }
                    td.members { (total.counted.len()) " municipalities counted, " (total.left_out.len()) " left out" }
                    (amounts(total))
                }
            }
        }
        p.small {
            "Residents and amounts count only the members with a known spending that is not near zero; the others are listed as left out "
            "(their spending is unknown, or a union or convention already spends for them). A group of fewer than two counted members saves nothing. "
            "The total's range comes from the bootstrap draws of the sum, so it is narrower than the groups' ranges added. "
            "A group marked beyond the sample's sizes is larger than any municipality the curve was fitted on: its estimate extrapolates the curve (dashed in the chart)."
        }
    }
}

/// "Method: economies of scale": the method, the source, every curve, the limits.
pub(super) fn method(plan: &Plan) -> Markup {
    let Some(pe) = &plan.economy else { return html! {} };
    html! {
        h2 id="method-economy" { "Method: economies of scale" }
        p { (pe.method) }
        p { b { "Source." } " " (pe.source) "." }
        table.curves {
            tr {
                th { "Function" } th { "Sample" } th.num { "n" } th.num { "b" } th.num { "Interval of b" }
                th.num { "Per doubling (interval)" } th.num { "R²" } th { "Verdict" } th.num { "Left out" }
            }
            @for c in &pe.curves {
                tr {
                    td { code { (c.function) } }
                    td.small { (c.sample) }
                    td.num { (c.n) }
                    td.num { (signed(c.elasticity, 3)) }
                    td.num { (signed(c.elasticity_interval[0], 3)) " to " (signed(c.elasticity_interval[1], 3)) " (" (format!("{:.0}", 100.0 * c.level)) " %)" }
                    td.num { (change(c.per_doubling)) br; span.small { (change(c.per_doubling_interval[0])) " to " (change(c.per_doubling_interval[1])) } }
                    td.num { (format!("{:.2}", c.r2)) }
                    td { span class=(verdict(c.verdict).0) { (verdict(c.verdict).1) } }
                    td.num { (c.excluded.len()) }
                }
            }
        }
        @if !pe.unfitted.is_empty() {
            p { b { "Not fitted." } }
            ul.unfitted { @for (function, why) in &pe.unfitted { li { code { (function) } ": " (why) } } }
        }
        p.small {
            b { "Limits." }
            " The function-level curves are fitted on the area's own " (plan.area.units)
            " municipalities at most: their intervals are wide, and “no measurable saving” may mean too few points rather than no economy of scale. "
            "Spending of unions and conventions is booked by the body that spends, so a member whose service a union provides shows near-zero spending: "
            "such members are left out of the fit and of their group's sums, not counted as cheap. The estimate is a size effect only; "
            "it says nothing of service quality, transition costs or staff."
        }
    }
}
