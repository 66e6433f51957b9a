//! The cost chart of one function: spending per resident against size, both on log scales.
//! Grey dots are the area's municipalities (hollow red marks: left out of the fit as near
//! zero), the line is the fitted curve ln(€ per resident) = a + b·ln(residents), the shaded
//! area its bootstrap band, and each local group a coloured point at its size and associated
//! spending per resident, with a thin line from its current level. Finished SVG with every
//! text escaped; it draws what [`crate::economy`] estimated and estimates nothing itself.

use std::fmt::Write;

use super::svg::{html_escape, text_width, Rect};
use crate::economy::CostCurve;
use crate::numbers::thousands;

/// Size of the chart, px (its viewBox; it is drawn at this size when there is room).
pub(super) const WIDTH: f64 = 700.0;
/// See [`WIDTH`].
pub(super) const HEIGHT: f64 = 420.0;
/// The plot area, px: left, top, right, bottom. Room is left for the title above, the tick
/// labels and the y title on the left, the x title and a two-row legend below.
const PLOT: (f64, f64, f64, f64) = (62.0, 34.0, 686.0, 316.0);
const CURVE: &str = "#0b5cad";
const EXCLUDED: &str = "#cf222e";
const DOT: &str = "#8c959f";
const LABEL_PX: f64 = 10.0;
const SMALL_PX: f64 = 11.0;

/// A logarithmic axis: `lo` maps to pixel `p0`, `hi` to `p1` (either way round).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct LogScale {
    lo: f64,
    hi: f64,
    p0: f64,
    p1: f64,
}

impl LogScale {
    /// The axis from `lo` to `hi` (both > 0) over pixels `p0` to `p1`.
    pub(super) fn new(lo: f64, hi: f64, p0: f64, p1: f64) -> LogScale {
        LogScale { lo, hi, p0, p1 }
    }

    /// The pixel of `v` (> 0).
    pub(super) fn px(&self, v: f64) -> f64 {
        self.p0 + (v.ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln()) * (self.p1 - self.p0)
    }

    /// `v` clamped into the axis' range, then placed: marks outside (a zero) sit on the edge.
    fn px_clamped(&self, v: f64) -> f64 {
        if v.is_finite() && v > 0.0 {
            self.px(v.clamp(self.lo, self.hi))
        } else {
            self.p0
        }
    }
}

/// A municipality on the chart.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Dot {
    /// Name (hover text and the note of left-out ones).
    pub name: String,
    /// Residents.
    pub population: f64,
    /// Current spending per resident, €.
    pub per_resident: f64,
    /// Left out of the fit (near zero).
    pub excluded: bool,
}

/// A local group on the chart.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct GroupPoint {
    /// Group id (`2.3`), its label.
    pub id: String,
    /// Its fill on the map.
    pub colour: String,
    /// Residents of its counted members.
    pub population: f64,
    /// Current spending per resident, €.
    pub current: f64,
    /// Spending per resident served as one entity, €.
    pub associated: f64,
}

/// Everything a cost chart shows.
#[derive(Debug, Clone)]
pub(super) struct Chart<'a> {
    /// Function id (`data-function` for the page's self-check).
    pub function: &'a str,
    /// Title, written on top.
    pub title: String,
    /// The fitted curve.
    pub curve: &'a CostCurve,
    /// The area's municipalities with spending for the function.
    pub dots: Vec<Dot>,
    /// The plan's groups (those with counted residents).
    pub groups: Vec<GroupPoint>,
    /// `(population, [low, high])` from the curve's smallest municipality to [`Chart::reach`];
    /// empty: no band drawn.
    pub band: Vec<(f64, [f64; 2])>,
}

impl Chart<'_> {
    /// How far right the curve is drawn: its largest municipality, or the largest group when
    /// a group is larger (that part is the curve extrapolated, drawn dashed).
    pub(super) fn reach(&self) -> f64 {
        self.groups.iter().map(|g| g.population).fold(self.curve.population_range[1], f64::max)
    }
}

/// `n` (≥ 2) populations evenly spaced on a log scale across `range`, ends included.
pub(super) fn log_points(range: [f64; 2], n: usize) -> Vec<f64> {
    let (l0, l1) = (range[0].ln(), range[1].ln());
    (0..n).map(|i| (l0 + (l1 - l0) * i as f64 / (n - 1) as f64).exp()).collect()
}

/// Positive finite values only: a log axis cannot place the others.
fn positive(v: f64) -> bool {
    v.is_finite() && v > 0.0
}

/// The axis over `values`, widened by `pad` on each side (a ratio, the axis being a log one).
fn scale(values: impl Iterator<Item = f64>, pad: f64, p0: f64, p1: f64) -> LogScale {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| positive(*v)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        (lo, hi) = (1.0, 10.0);
    }
    if hi / lo < 1.5 {
        (lo, hi) = (lo / 1.5, hi * 1.5);
    }
    LogScale::new(lo / pad, hi * pad, p0, p1)
}

/// Round values between `lo` and `hi` for ticks: 1-2-5 per decade, finer when that gives
/// fewer than three.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut found = Vec::new();
    for steps in [&[1.0, 2.0, 5.0][..], &[1.0, 1.5, 2.0, 3.0, 5.0, 7.0]] {
        found.clear();
        for e in (lo.log10().floor() as i32 - 1)..=(hi.log10().ceil() as i32) {
            for s in steps {
                let t = s * 10f64.powi(e);
                if t >= lo && t <= hi {
                    found.push(t);
                }
            }
        }
        if found.len() >= 3 {
            break;
        }
    }
    found
}

/// A number with at most one decimal and none when whole (`1.5`, `20`).
fn short(v: f64) -> String {
    format!("{}", (v * 10.0).round() / 10.0)
}

/// Residents as ticks say them: `500`, `1k`, `2.5k`, `1M`.
fn x_label(v: f64) -> String {
    if v >= 1e6 {
        format!("{}M", short(v / 1e6))
    } else if v >= 1000.0 {
        format!("{}k", short(v / 1000.0))
    } else {
        short(v)
    }
}

/// € per resident as ticks say them: `€1.5`, `€50`, `€1 000`.
fn y_label(v: f64) -> String {
    if v >= 1000.0 {
        format!("€{}", thousands(v))
    } else {
        format!("€{}", short(v))
    }
}

/// One text element; `x` is clamped so its estimated box stays inside the chart.
fn text(s: &mut String, class: &str, (x, y): (f64, f64), anchor: &str, (size, bold): (f64, bool), content: &str) {
    let w = text_width(content, size, bold);
    let (min, max) = match anchor {
        "start" => (2.0, WIDTH - 2.0 - w),
        "end" => (2.0 + w, WIDTH - 2.0),
        _ => (2.0 + w / 2.0, WIDTH - 2.0 - w / 2.0),
    };
    let x = if min <= max { x.clamp(min, max) } else { x };
    let weight = if bold { r#" font-weight="700""# } else { "" };
    let _ = write!(
        s,
        r#"<text class="{class}" x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" font-size="{size}"{weight}>{}</text>"#,
        html_escape(content)
    );
}

impl Chart<'_> {
    /// The two axes: residents (x) and € per resident (y), over everything drawn (left-out
    /// municipalities excepted: near zero, they would squash the rest; they sit on the edge).
    pub(super) fn scales(&self) -> (LogScale, LogScale) {
        let (x0, y0, x1, y1) = PLOT;
        let r = self.curve.population_range;
        let xs = self.dots.iter().map(|d| d.population).chain(self.groups.iter().map(|g| g.population)).chain(r);
        let ends = [self.curve.per_resident(r[0]), self.curve.per_resident(self.reach())];
        let ys = self
            .dots
            .iter()
            .filter(|d| !d.excluded)
            .map(|d| d.per_resident)
            .chain(self.groups.iter().flat_map(|g| [g.current, g.associated]))
            .chain(ends)
            .chain(self.band.iter().flat_map(|(_, b)| *b));
        (scale(xs, 1.25, x0, x1), scale(ys, 1.2, y1, y0))
    }

    /// The chart as an `<svg class="cost-chart">`.
    pub(super) fn svg(&self) -> String {
        let (x, y) = self.scales();
        let (px0, py0, px1, py1) = PLOT;
        // The legend's rows set the height: a third row (an extrapolated curve) adds 20 px.
        let (legend, legend_bottom) = self.legend();
        let height = HEIGHT.max(legend_bottom + 14.0);
        let mut s = format!(
            r#"<svg class="cost-chart" data-function="{}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{}">"#,
            html_escape(self.function),
            html_escape(&self.title)
        );
        let _ = write!(s, r##"<rect x="{px0}" y="{py0}" width="{}" height="{}" fill="#fbfcfd" stroke="#c9d1d9"/>"##, px1 - px0, py1 - py0);
        // Grid and ticks.
        let mut labels = String::new();
        for t in ticks(x.lo, x.hi) {
            let px = x.px(t);
            let _ = write!(s, r##"<line class="grid" x1="{px:.1}" y1="{py0}" x2="{px:.1}" y2="{py1}" stroke="#e3e7ec"/>"##);
            text(&mut labels, "tick", (px, py1 + 15.0), "middle", (SMALL_PX, false), &x_label(t));
        }
        for t in ticks(y.lo, y.hi) {
            let py = y.px(t);
            let _ = write!(s, r##"<line class="grid" x1="{px0}" y1="{py:.1}" x2="{px1}" y2="{py:.1}" stroke="#e3e7ec"/>"##);
            text(&mut labels, "tick", (px0 - 5.0, py + 4.0), "end", (SMALL_PX, false), &y_label(t));
        }
        // The band, then the curve: solid over the sizes it was fitted on, fainter and dashed
        // beyond them.
        let [r0, r1] = self.curve.population_range;
        let reach = self.reach();
        for (class, inside, opacity) in [("band", true, 0.16), ("band extrapolated", false, 0.08)] {
            let part: Vec<&(f64, [f64; 2])> =
                self.band.iter().filter(|(p, _)| if inside { *p <= r1 * (1.0 + 1e-9) } else { *p >= r1 * (1.0 - 1e-9) }).collect();
            if part.len() >= 2 {
                let upper = part.iter().map(|(p, b)| (x.px(*p), y.px_clamped(b[1])));
                let lower = part.iter().rev().map(|(p, b)| (x.px(*p), y.px_clamped(b[0])));
                let _ = write!(
                    s,
                    r#"<path class="{class}" d="{}Z" fill="{CURVE}" fill-opacity="{opacity}" stroke="none"/>"#,
                    path(upper.chain(lower))
                );
            }
        }
        let line = |range: [f64; 2]| path(log_points(range, 40).into_iter().map(|p| (x.px(p), y.px_clamped(self.curve.per_resident(p)))));
        let _ = write!(s, r#"<path class="curve" d="{}" fill="none" stroke="{CURVE}" stroke-width="2"/>"#, line([r0, r1]));
        if reach > r1 {
            let _ = write!(
                s,
                r#"<path class="curve extrapolated" d="{}" fill="none" stroke="{CURVE}" stroke-width="2" stroke-dasharray="6 4"/>"#,
                line([r1, reach])
            );
        }
        // Municipalities, left-out ones as hollow red marks.
        for d in &self.dots {
            let (cx, cy) = (x.px_clamped(d.population), y.px_clamped(d.per_resident));
            let title = html_escape(&format!("{}: €{} per resident, {} residents", d.name, short(d.per_resident), thousands(d.population)));
            if d.excluded {
                let _ = write!(
                    s,
                    r#"<circle class="dot excluded" cx="{cx:.1}" cy="{:.1}" r="3.5" fill="none" stroke="{EXCLUDED}" stroke-width="1.5"><title>{title} — left out: near zero</title></circle>"#,
                    cy.min(py1 - 4.0)
                );
            } else {
                let _ = write!(
                    s,
                    r#"<circle class="dot" cx="{cx:.1}" cy="{cy:.1}" r="3" fill="{DOT}" fill-opacity="0.85"><title>{title}</title></circle>"#
                );
            }
        }
        // Groups: a line from the current level to the associated one, the point, its label.
        let mut placed: Vec<Rect> = Vec::new();
        let points: Vec<(f64, f64, &GroupPoint)> = self.groups.iter().map(|g| (x.px(g.population), y.px(g.associated), g)).collect();
        for (gx, gy, g) in &points {
            let cy = y.px(g.current);
            let title = html_escape(&format!(
                "group {}: {} residents, €{} per resident now, €{} served as one entity",
                g.id,
                thousands(g.population),
                short(g.current),
                short(g.associated)
            ));
            let _ = write!(
                s,
                r##"<g class="group-point" data-group="{}"><line x1="{gx:.1}" y1="{cy:.1}" x2="{gx:.1}" y2="{gy:.1}" stroke="#1d2228" stroke-width="1"/><line x1="{:.1}" y1="{cy:.1}" x2="{:.1}" y2="{cy:.1}" stroke="#1d2228" stroke-width="1.2"/><circle cx="{gx:.1}" cy="{gy:.1}" r="5.5" fill="{}" stroke="#1d2228" stroke-width="1.2"/><title>{title}</title></g>"##,
                html_escape(&g.id),
                gx - 3.5,
                gx + 3.5,
                html_escape(&g.colour)
            );
            // The point and the tick at its current level: labels keep off both.
            placed.push(Rect::around(*gx, *gy, 6.0, 6.0));
            placed.push(Rect::around(*gx, cy, 4.5, 2.0));
        }
        for (gx, gy, g) in &points {
            let (w, h) = (text_width(&g.id, LABEL_PX, true), LABEL_PX * 1.2);
            let gap = 8.0;
            let candidates = [(gx + gap + w / 2.0, *gy), (gx - gap - w / 2.0, *gy), (*gx, gy - gap - h / 2.0), (*gx, gy + gap + h / 2.0)];
            let best = candidates
                .iter()
                .map(|&(cx, cy)| {
                    Rect::around(
                        cx.clamp(px0 + w / 2.0 + 2.0, px1 - w / 2.0 - 2.0),
                        cy.clamp(py0 + h / 2.0, py1 - h / 2.0),
                        w / 2.0,
                        h / 2.0,
                    )
                })
                .enumerate()
                .min_by(|(i, a), (j, b)| {
                    let cost = |r: &Rect| placed.iter().map(|p| p.overlap(r)).sum::<f64>();
                    cost(a).total_cmp(&cost(b)).then(i.cmp(j))
                })
                .map(|(_, r)| r)
                .expect("four candidates");
            placed.push(best);
            let (cx, cy) = best.centre();
            text(&mut labels, "group-label", (cx, cy + LABEL_PX * 0.35), "middle", (LABEL_PX, true), &g.id);
        }
        s.push_str(&labels);
        // Titles and the legend.
        let mut words = String::new();
        let title_w = text_width(&self.title, 14.0, true);
        let fit = if title_w > WIDTH - 16.0 {
            format!(r#" textLength="{}" lengthAdjust="spacingAndGlyphs""#, WIDTH - 16.0)
        } else {
            String::new()
        };
        let _ =
            write!(words, r#"<text class="title" x="8" y="20" font-size="14" font-weight="700"{fit}>{}</text>"#, html_escape(&self.title));
        text(&mut words, "axis", ((px0 + px1) / 2.0, py1 + 34.0), "middle", (12.0, false), "residents (log scale)");
        let my = (py0 + py1) / 2.0;
        let _ = write!(
            words,
            r#"<text class="axis" x="16" y="{my}" text-anchor="middle" font-size="12" transform="rotate(-90 16 {my})">€ per resident (log scale)</text>"#
        );
        s.push_str(&words);
        s.push_str(&legend);
        s.push_str("</svg>");
        s
    }

    /// The legend below the plot: symbol and words per mark, wrapped into rows; with the
    /// baseline of its last row.
    fn legend(&self) -> (String, f64) {
        let level = format!("{:.0} % band (bootstrap)", 100.0 * self.curve.level);
        let fitted = format!("fitted curve, b = {}", format!("{:.2}", self.curve.elasticity).replace('-', "−"));
        let mut items: Vec<(String, &str)> = vec![
            (format!(r#"<circle cx="7" cy="-4" r="3" fill="{DOT}"/>"#), "municipality, now"),
            (format!(r#"<circle cx="7" cy="-4" r="3.5" fill="none" stroke="{EXCLUDED}" stroke-width="1.5"/>"#), "left out: near zero"),
            (format!(r#"<line x1="0" y1="-4" x2="16" y2="-4" stroke="{CURVE}" stroke-width="2"/>"#), &fitted),
            (format!(r#"<rect x="0" y="-9" width="16" height="10" fill="{CURVE}" fill-opacity="0.16"/>"#), &level),
            (
                r##"<line x1="8" y1="-12" x2="8" y2="2" stroke="#1d2228"/><circle cx="8" cy="-4" r="4.5" fill="#e69f00" stroke="#1d2228"/>"##.to_string(),
                "local group as one entity (line from its spending now)",
            ),
        ];
        if self.band.is_empty() {
            items.remove(3);
        }
        let beyond =
            format!("curve beyond its largest municipality ({} residents): extrapolated", thousands(self.curve.population_range[1]));
        if self.reach() > self.curve.population_range[1] {
            items.push((
                format!(r#"<line x1="0" y1="-4" x2="16" y2="-4" stroke="{CURVE}" stroke-width="2" stroke-dasharray="6 4"/>"#),
                &beyond,
            ));
        }
        let (mut s, mut cx, mut cy) = (String::from(r#"<g class="chart-legend">"#), 10.0, PLOT.3 + 60.0);
        for (symbol, words) in items {
            let w = 16.0 + 5.0 + text_width(words, SMALL_PX, false);
            if cx + w > WIDTH - 8.0 && cx > 10.0 {
                (cx, cy) = (10.0, cy + 20.0);
            }
            let _ = write!(s, r#"<g transform="translate({cx:.1} {cy:.1})">{symbol}</g>"#);
            text(&mut s, "legend", (cx + 21.0, cy), "start", (SMALL_PX, false), words);
            cx += w + 16.0;
        }
        s.push_str("</g>");
        (s, cy)
    }
}

/// `M x,y L x,y …` through `points`.
fn path(points: impl Iterator<Item = (f64, f64)>) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.enumerate() {
        let _ = write!(d, "{}{x:.2},{y:.2}", if i == 0 { "M" } else { "L" });
    }
    d
}

#[cfg(test)]
#[path = "cost_chart_tests.rs"]
mod tests;
