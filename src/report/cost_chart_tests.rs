//! Geometry of the cost chart, against pixel positions worked out by hand. None calls into
//! [`crate::economy`] beyond `CostCurve::per_resident` (the band is passed in, as the report
//! passes `CostCurve::band`).

use super::*;
use crate::economy::{Excluded, Verdict};

/// A curve by hand: ln(€ per resident) = a + b·ln(residents) over `range`, no draws.
fn curve(a: f64, b: f64, range: [f64; 2]) -> CostCurve {
    CostCurve {
        function: "pol".into(),
        sample: "hand-made".into(),
        n: 2,
        population_range: range,
        intercept: a,
        elasticity: b,
        elasticity_interval: [b - 0.1, b + 0.1],
        per_doubling: 2f64.powf(b) - 1.0,
        per_doubling_interval: [2f64.powf(b - 0.1) - 1.0, 2f64.powf(b + 0.1) - 1.0],
        level: 0.9,
        r2: 1.0,
        bootstrap: 0,
        verdict: Verdict::GainsClearly,
        excluded: vec![Excluded { istat: "017999".into(), name: "Zero".into(), per_resident_eur: 0.0, reason: "near zero".into() }],
        draws: vec![],
    }
}

fn dot(population: f64, per_resident: f64, excluded: bool) -> Dot {
    Dot { name: format!("M{population}"), population, per_resident, excluded }
}

/// b = −0.5 with €100 per resident at 1,000 residents: a = ln 100 + 0.5·ln 1000, and
/// €100/√10 = €31.6228 at 10,000. Two dots on the curve at its ends.
fn half(dots: Vec<Dot>, groups: Vec<GroupPoint>, band: Vec<(f64, [f64; 2])>, c: &CostCurve) -> Chart<'_> {
    Chart {
        function: "polizia_locale",
        title: "Spending per resident against size — Polizia locale (pol)".into(),
        curve: c,
        dots,
        groups,
        band,
    }
}

fn half_curve() -> CostCurve {
    curve(100f64.ln() + 0.5 * 1000f64.ln(), -0.5, [1000.0, 10000.0])
}

/// The `d` of the first path of `class`, as points.
fn points(svg: &str, class: &str) -> Vec<(f64, f64)> {
    let at = svg.find(&format!(r#"class="{class}" d=""#)).unwrap_or_else(|| panic!("no {class} path"));
    let d = &svg[at + class.len() + 12..];
    let d = &d[..d.find('"').unwrap()];
    d.trim_end_matches('Z')
        .split(['M', 'L'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// The svg's `height`.
fn height(svg: &str) -> f64 {
    let at = svg.find(r#" height=""#).unwrap() + 9;
    svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
}

fn close(a: (f64, f64), b: (f64, f64)) -> bool {
    (a.0 - b.0).abs() < 0.006 && (a.1 - b.1).abs() < 0.006
}

#[test]
fn a_decade_is_the_same_number_of_pixels_anywhere_on_the_axis() {
    // 100 → 100 000 is three decades over 900 px: 300 px a decade.
    let s = LogScale::new(100.0, 100_000.0, 0.0, 900.0);
    assert!((s.px(1000.0) - 300.0).abs() < 1e-9);
    assert!((s.px(10_000.0) - 600.0).abs() < 1e-9);
    assert!((s.px(10_000.0) - s.px(1000.0) - (s.px(1000.0) - s.px(100.0))).abs() < 1e-9);
    // Reversed (a y axis, up is smaller pixels): 10 at 400 px, 1000 at 0 → 100 at 200.
    let y = LogScale::new(10.0, 1000.0, 400.0, 0.0);
    assert!((y.px(100.0) - 200.0).abs() < 1e-9);
}

#[test]
fn the_curve_of_b_minus_half_ends_where_computed_by_hand() {
    let c = half_curve();
    let chart = half(vec![dot(1000.0, 100.0, false), dot(10_000.0, 100.0 / 10f64.sqrt(), false)], vec![], vec![], &c);
    let line = points(&chart.svg(), "curve");
    assert_eq!(line.len(), 40);
    // x: residents 1 000 – 10 000 widened by 1.25 → [800, 12 500] over 62–686 px (624 px):
    //   1 000 → 62 + ln(1.25)/ln(15.625)·624 = 62 + 0.223144/2.748872·624 = 62 + 50.654 = 112.654
    //   10 000 → 686 − 50.654 = 635.346 (symmetric: 12 500/10 000 = 1 000/800).
    // y: € 31.6228 – 100 widened by 1.2 → [26.3523, 120] over 316 (low) – 34 (high), 282 px:
    //   100 → 316 − ln(1.2·√10)/ln(1.2²·√10)·282 = 316 − 1.333614/1.515936·282 = 316 − 248.083 = 67.917
    //   31.6228 → 316 − ln(1.2)/1.515936·282 = 316 − 33.917 = 282.083.
    assert!(close(line[0], (112.654, 67.917)), "{:?}", line[0]);
    assert!(close(line[39], (635.346, 282.083)), "{:?}", line[39]);
    // A straight line on log–log axes: the middle point halves the way in both pixels.
    let mid = points(&half(vec![], vec![], vec![], &c).svg(), "curve");
    let (a, b) = (mid[0], mid[39]);
    let n = log_points([1000.0, 10_000.0], 3)[1];
    assert!((n - 10f64.powf(3.5)).abs() < 1e-6);
    let (x, y) = half(vec![], vec![], vec![], &c).scales();
    assert!((x.px(n) - (a.0 + b.0) / 2.0).abs() < 0.01 && (y.px(c.per_resident(n)) - (a.1 + b.1) / 2.0).abs() < 0.01);
}

#[test]
fn the_band_is_drawn_from_the_values_given_and_widens_the_axis() {
    let c = half_curve();
    let band = vec![(1000.0, [80.0, 125.0]), (10_000.0, [25.0, 40.0])];
    let svg = half(vec![], vec![], band, &c).svg();
    let b = points(&svg, "band");
    assert_eq!(b.len(), 4, "upper edge forwards, lower edge back");
    // y over [25/1.2, 125·1.2] = [20.833, 150]: 125 → 316 − ln(6)/ln(7.2)·282
    //   = 316 − 1.791759/1.974081·282 = 316 − 255.955 = 60.045; 25 → 316 − ln(1.2)/ln(7.2)·282
    //   = 316 − 26.045 = 289.955. x as in the curve test (same residents).
    assert!(close(b[0], (112.654, 60.045)), "{:?}", b[0]);
    assert!(close(b[2], (635.346, 289.955)), "{:?}", b[2]);
    assert!(svg.contains("90 % band (bootstrap)"), "the band has its legend entry");
    let none = half(vec![], vec![], vec![], &c).svg();
    assert!(!none.contains(r#"class="band""#) && !none.contains("band (bootstrap)"), "no band, nor its entry, without values");
}

#[test]
fn left_out_municipalities_are_hollow_red_marks_on_the_floor_and_leave_the_axes_alone() {
    let c = half_curve();
    let dots = vec![dot(1000.0, 100.0, false), dot(10_000.0, 100.0 / 10f64.sqrt(), false), dot(2000.0, 0.0, true)];
    let svg = half(dots, vec![], vec![], &c).svg();
    assert_eq!(svg.matches(r#"class="dot""#).count(), 2);
    assert_eq!(svg.matches(r#"class="dot excluded""#).count(), 1);
    // Zero per resident: on the plot's floor (316), lifted by its radius and a half (4 px).
    // x of 2 000 residents: 2 000/800 = 2.5 and 12 500/800 = 15.625 = 2.5³, so a third of the
    // 624 px: 62 + 208 = 270.
    assert!(svg.contains(r#"class="dot excluded" cx="270.0" cy="312.0""#), "{svg}");
    let line = points(&svg, "curve");
    assert!(close(line[0], (112.654, 67.917)) && close(line[39], (635.346, 282.083)), "the axes ignore it");
}

#[test]
fn groups_are_points_with_a_line_from_their_current_level_and_a_label() {
    let c = half_curve();
    let g = GroupPoint { id: "2.1".into(), colour: "#e69f00".into(), population: 5000.0, current: 60.0, associated: 45.0 };
    let svg = half(vec![dot(1000.0, 100.0, false)], vec![g], vec![], &c).svg();
    assert_eq!(svg.matches(r#"class="group-point""#).count(), 1);
    assert!(svg.contains(r#"class="group-label""#) && svg.contains(">2.1</text>"));
    let (x, y) = half(vec![dot(1000.0, 100.0, false)], vec![], vec![], &c).scales();
    // The group's size lies inside the range already set by the curve; € 45 and 60 inside
    // [31.6, 100]: the axes do not move, so its line runs from y(60) to y(45) at x(5 000).
    let (gx, cy, gy) = (x.px(5000.0), y.px(60.0), y.px(45.0));
    assert!(svg.contains(&format!(r#"<line x1="{gx:.1}" y1="{cy:.1}" x2="{gx:.1}" y2="{gy:.1}""#)), "{svg}");
}

#[test]
fn ticks_follow_one_two_five_and_say_thousands_with_k() {
    let t = ticks(400.0, 60_000.0);
    assert_eq!(t, vec![500.0, 1000.0, 2000.0, 5000.0, 10_000.0, 20_000.0, 50_000.0]);
    let words: Vec<String> = t.iter().map(|v| x_label(*v)).collect();
    assert_eq!(words, ["500", "1k", "2k", "5k", "10k", "20k", "50k"]);
    // Less than a decade: 1-2-5 gives 50 and 100 only, so the finer steps are used.
    assert_eq!(ticks(26.35, 120.0), vec![30.0, 50.0, 70.0, 100.0]);
    assert_eq!(y_label(1.5), "€1.5");
    assert_eq!(y_label(2500.0), "€2\u{202f}500");
}

#[test]
fn text_is_escaped_and_estimated_to_stay_inside_the_chart() {
    let c = half_curve();
    let mut chart = half(vec![dot(1000.0, 100.0, false)], vec![], vec![], &c);
    chart.title = format!("Spending per resident against size — {} (pol)", "Polizia <locale> & \"co\" ".repeat(4));
    let svg = chart.svg();
    assert!(svg.contains("Polizia &lt;locale&gt; &amp; &quot;co&quot;") && !svg.contains("<locale>"));
    assert!(svg.contains(r#"textLength="684""#), "a title wider than the chart is fitted to it");
    // Every other text, by the same generous width estimate as the maps use, inside 0–700.
    for piece in svg.split("<text ").skip(1) {
        let attr = |name: &str| -> Option<f64> {
            let at = piece.find(&format!(" {name}=\""))? + name.len() + 3;
            piece[at..piece[at..].find('"')? + at].parse().ok()
        };
        if piece.contains("textLength") || piece.contains("rotate(") {
            continue;
        }
        let content = &piece[piece.find('>').unwrap() + 1..piece.find("</text>").unwrap()];
        let bold = piece.contains(r#"font-weight="700""#);
        let w = text_width(content, attr("font-size").unwrap(), bold);
        let x = attr("x").unwrap();
        let (l, r) = if piece.contains(r#"text-anchor="end""#) {
            (x - w, x)
        } else if piece.contains(r#"text-anchor="start""#) {
            (x, x + w)
        } else {
            (x - w / 2.0, x + w / 2.0)
        };
        assert!(l >= 0.0 && r <= WIDTH, "{content}: {l}–{r}");
        assert!(attr("y").unwrap() <= height(&svg) - 3.0, "{content}");
    }
}

#[test]
fn beyond_the_largest_municipality_the_curve_is_dashed_up_to_the_largest_group() {
    let c = half_curve();
    let g = GroupPoint { id: "3.1".into(), colour: "#e69f00".into(), population: 40_000.0, current: 20.0, associated: 15.0 };
    let chart = half(vec![dot(1000.0, 100.0, false)], vec![g], vec![], &c);
    let svg = chart.svg();
    let (x, y) = half(vec![], vec![], vec![], &c).scales();
    // The chart's own axes reach 40 000 residents and the curve's €15.81 there
    // (100·(40 000/1 000)^−0.5 = 100/√40 = 15.8114).
    let (xg, yg) = chart.scales();
    assert!(xg.hi > x.hi && yg.lo < y.lo, "the axes widen for the group");
    let solid = points(&svg, "curve");
    let dashed = points(&svg, "curve extrapolated");
    // Solid over the fitted sizes (1 000 – 10 000), dashed from 10 000 on to 40 000.
    assert!(close(solid[39], (xg.px(10_000.0), yg.px(100.0 / 10f64.sqrt()))), "{:?}", solid[39]);
    assert!(close(dashed[0], solid[39]), "{:?} {:?}", dashed[0], solid[39]);
    assert!(close(dashed[39], (xg.px(40_000.0), yg.px(100.0 / 40f64.sqrt()))), "{:?}", dashed[39]);
    assert!(
        svg.contains(r#"stroke-dasharray="6 4""#)
            && svg.contains("curve beyond its largest municipality (10\u{202f}000 residents): extrapolated")
    );
    // The legend's extra row makes the chart taller than the usual 420 px.
    assert!(height(&svg) > HEIGHT, "{}", height(&svg));
    let inside = half(vec![dot(1000.0, 100.0, false)], vec![], vec![], &c).svg();
    assert!(!inside.contains("curve extrapolated") && !inside.contains("beyond its largest") && height(&inside) == HEIGHT);
}
