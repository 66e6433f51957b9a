//! Inline SVG maps: municipalities filled by zone (groups in lighter or darker shades of
//! their zone's colour), group borders drawn heavier, lead municipalities marked, a hover title
//! on every shape. Coordinates are projected to UTM 32N, so the map keeps true proportions.

use std::fmt::Write;

use geo::{unary_union, Coord, MultiPolygon, Polygon};

use crate::plan::FunctionPlan;
use crate::territory::utm::{project, to_utm32};
use crate::territory::{Shapes, Territory};

/// Distinct zone colours (colour-blind-friendly first: Okabe–Ito, then extras).
const PALETTE: &[(u8, u8, u8)] = &[
    (230, 159, 0),
    (86, 180, 233),
    (0, 158, 115),
    (240, 228, 66),
    (0, 114, 178),
    (213, 94, 0),
    (204, 121, 167),
    (153, 153, 153),
    (140, 86, 75),
    (127, 201, 127),
];

/// The fill of group `g` (0-based within its zone) of zone `z` (0-based).
pub fn colour(z: usize, g: usize) -> String {
    let (r, gr, b) = PALETTE[z % PALETTE.len()];
    // Alternate shades so neighbouring groups of one zone differ: 0, +35 %, −20 %, +60 %…
    let t = [0.0, 0.35, -0.2, 0.6, -0.35, 0.2][g % 6];
    let mix = |c: u8| -> u8 {
        let c = c as f64;
        (if t >= 0.0 { c + (255.0 - c) * t } else { c * (1.0 + t) }).round() as u8
    };
    format!("#{:02x}{:02x}{:02x}", mix(r), mix(gr), mix(b))
}

/// Projected polygons and the affine map to SVG pixels.
pub struct Canvas {
    shapes: Vec<MultiPolygon<f64>>,
    points: Vec<Option<Coord<f64>>>,
    min: Coord<f64>,
    scale: f64,
    /// Width and height in px.
    pub size: (f64, f64),
}

impl Canvas {
    /// Fits the territory into `width` pixels.
    pub fn new(t: &Territory, width: f64) -> Canvas {
        let shapes: Vec<MultiPolygon<f64>> = match &t.shapes {
            Shapes::Polygons(p) => p.iter().map(project).collect(),
            Shapes::Edges(_) => vec![MultiPolygon::new(vec![]); t.len()],
        };
        let points: Vec<Option<Coord<f64>>> =
            t.units.iter().map(|u| u.point.map(|(x, y)| to_utm32(Coord { x, y }))).collect();
        let mut min = Coord { x: f64::INFINITY, y: f64::INFINITY };
        let mut max = Coord { x: f64::NEG_INFINITY, y: f64::NEG_INFINITY };
        let mut grow = |c: &Coord<f64>| {
            min.x = min.x.min(c.x);
            min.y = min.y.min(c.y);
            max.x = max.x.max(c.x);
            max.y = max.y.max(c.y);
        };
        for mp in &shapes {
            for p in mp {
                p.exterior().coords().for_each(&mut grow);
            }
        }
        points.iter().flatten().for_each(&mut grow);
        let span = (max.x - min.x).max(1.0);
        let scale = (width - 20.0) / span;
        let height = (max.y - min.y).max(1.0) * scale + 20.0;
        Canvas { shapes, points, min, scale, size: (width, height) }
    }

    fn px(&self, c: &Coord<f64>) -> (f64, f64) {
        (10.0 + (c.x - self.min.x) * self.scale, self.size.1 - 10.0 - (c.y - self.min.y) * self.scale)
    }

    fn path(&self, mp: &MultiPolygon<f64>) -> String {
        let mut d = String::new();
        for p in mp {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                for (i, c) in ring.coords().enumerate() {
                    let (x, y) = self.px(c);
                    let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
                }
                d.push('Z');
            }
        }
        d
    }

    /// A small map: unit `i` filled by `fill(i)` with hover text `title(i)`; `class` names the
    /// map for the page's self-check.
    pub fn simple_map(&self, t: &Territory, id: &str, fill: impl Fn(usize) -> String, title: impl Fn(usize) -> String) -> String {
        let (w, h) = self.size;
        let mut s = format!(
            r#"<svg class="map" data-function="{}" data-expected="{}" viewBox="0 0 {w:.0} {h:.0}" width="{:.0}" height="{:.0}" role="img">"#,
            html_escape(id),
            t.len(),
            w,
            h
        );
        for i in 0..t.len() {
            let (fill, title) = (fill(i), html_escape(&title(i)));
            if self.shapes[i].0.is_empty() {
                if let Some(c) = &self.points[i] {
                    let (x, y) = self.px(c);
                    let _ = write!(s, r##"<circle class="muni" cx="{x:.1}" cy="{y:.1}" r="3" fill="{fill}"><title>{title}</title></circle>"##);
                }
            } else {
                let _ = write!(s, r##"<path class="muni" d="{}" fill="{fill}" stroke="#ffffff" stroke-width="0.4"><title>{title}</title></path>"##, self.path(&self.shapes[i]));
            }
        }
        s.push_str("</svg>");
        s
    }

    /// The map of one function's plan.
    pub fn map(&self, t: &Territory, f: &FunctionPlan) -> String {
        let (w, h) = self.size;
        let mut s = format!(
            r#"<svg class="map" data-function="{}" data-expected="{}" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" aria-label="Map of {}">"#,
            f.id,
            t.len(),
            html_escape(&f.label)
        );
        let group_index = |gid: &str| -> usize { gid.split('.').nth(1).and_then(|g| g.parse::<usize>().ok()).map_or(0, |g| g - 1) };
        for (i, u) in t.units.iter().enumerate() {
            let (zone, group) = &f.assignment[&u.istat];
            let fill = colour(zone - 1, group_index(group));
            let title = format!(
                "{} ({}) — zone {zone}, group {group}, {} residents",
                html_escape(&u.name),
                u.istat,
                u.pop.map_or("?".into(), |p| format!("{p:.0}"))
            );
            if self.shapes[i].0.is_empty() {
                if let Some(c) = &self.points[i] {
                    let (x, y) = self.px(c);
                    let _ = write!(s, r##"<circle class="muni" data-istat="{}" cx="{x:.1}" cy="{y:.1}" r="4" fill="{fill}" stroke="#333" stroke-width="0.5"><title>{title}</title></circle>"##, u.istat);
                }
            } else {
                let _ = write!(s, r##"<path class="muni" data-istat="{}" d="{}" fill="{fill}" stroke="#ffffff" stroke-width="0.5"><title>{title}</title></path>"##, u.istat, self.path(&self.shapes[i]));
            }
        }
        // Group borders, heavier: the union of each group's polygons.
        for g in &f.groups {
            let polys: Vec<Polygon<f64>> = g
                .members
                .iter()
                .filter_map(|m| t.find(&m.istat))
                .flat_map(|id| self.shapes[id.index()].0.iter().cloned())
                .collect();
            if polys.is_empty() {
                continue;
            }
            let outline = unary_union(polys.iter());
            let _ = write!(s, r##"<path class="group" d="{}" fill="none" stroke="#222" stroke-width="1.8" stroke-linejoin="round"/>"##, self.path(&outline));
        }
        // Zone leads: a dot and the name.
        for z in &f.zones {
            if let Some(c) = t.find(&z.centre.istat).and_then(|id| self.points[id.index()]) {
                let (x, y) = self.px(&c);
                let _ = write!(
                    s,
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="3.2" fill="#111"/><text x="{:.1}" y="{:.1}" class="lead">{}</text>"##,
                    x + 5.0,
                    y - 4.0,
                    html_escape(&z.centre.name)
                );
            }
        }
        s.push_str("</svg>");
        s
    }
}

/// Escapes text for HTML and SVG.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
