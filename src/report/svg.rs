//! Inline SVG maps: municipalities filled by zone (groups in lighter or darker shades of
//! their zone's colour), zone boundaries heaviest, group boundaries medium, municipal borders
//! thin; every municipality numbered, group leads named; a hover title on every shape. Coordinates are projected to UTM 32N, so the map keeps true proportions.

use std::fmt::Write;

use geo::{unary_union, Coord, MultiPolygon, Polygon};

use crate::plan::FunctionPlan;
use crate::territory::utm::Projection;
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
        // Drawn in the projection the territory is measured in.
        let proj = t.projection().unwrap_or(Projection::UTM32N);
        let shapes: Vec<MultiPolygon<f64>> = match &t.shapes {
            Shapes::Polygons(p) => p.iter().map(|mp| proj.project_multipolygon(mp)).collect(),
            Shapes::Edges(_) => vec![MultiPolygon::new(vec![]); t.len()],
        };
        let points: Vec<Option<Coord<f64>>> = t.units.iter().map(|u| u.point.map(|(x, y)| proj.project(Coord { x, y }))).collect();
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

    /// A small map: unit `i` filled by `fill(i)` with hover text `title(i)`; `id` names the
    /// map for the page's self-check.
    pub fn simple_map(&self, t: &Territory, id: &str, fill: impl Fn(usize) -> String, title: impl Fn(usize) -> String) -> String {
        let (w, h) = self.size;
        let mut s = format!(
            r#"<svg class="map" data-function="{}" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img">"#,
            html_escape(id),
        );
        for i in 0..t.len() {
            let (fill, title) = (fill(i), html_escape(&title(i)));
            if self.shapes[i].0.is_empty() {
                if let Some(c) = &self.points[i] {
                    let (x, y) = self.px(c);
                    let _ = write!(
                        s,
                        r##"<circle class="muni" data-istat="{}" cx="{x:.1}" cy="{y:.1}" r="3" fill="{fill}"><title>{title}</title></circle>"##,
                        html_escape(&t.units[i].istat)
                    );
                }
            } else {
                let _ = write!(
                    s,
                    r##"<path class="muni" data-istat="{}" d="{}" fill="{fill}" stroke="#ffffff" stroke-width="0.4"><title>{title}</title></path>"##,
                    html_escape(&t.units[i].istat),
                    self.path(&self.shapes[i])
                );
            }
        }
        s.push_str("</svg>");
        s
    }

    /// The outline of the union of some municipalities' polygons (empty without polygons).
    fn outline<'a>(&self, t: &Territory, members: impl Iterator<Item = &'a str>) -> Option<String> {
        let polys: Vec<Polygon<f64>> =
            members.filter_map(|istat| t.find(istat)).flat_map(|id| self.shapes[id.index()].0.iter().cloned()).collect();
        (!polys.is_empty()).then(|| self.path(&unary_union(polys.iter())))
    }

    /// The map of one function's plan: municipalities filled by zone colour (groups in shades
    /// of it), zone boundaries heaviest, group boundaries medium, municipal borders thin; every
    /// municipality numbered by [`key_numbers`], leads named below a badge (a disc for group
    /// leads, a square for zone leads). Labels are kept inside the map horizontally and the viewBox
    /// grows to hold them vertically.
    pub fn map(&self, t: &Territory, f: &FunctionPlan) -> String {
        let (w, h) = self.size;
        let numbers = key_numbers(t);
        let group_leads: Vec<&str> = f.groups.iter().map(|g| g.centre.istat.as_str()).collect();
        let zone_leads: Vec<&str> = f.zones.iter().map(|z| z.centre.istat.as_str()).collect();
        let zone_lead_name = |z: usize| f.zones.get(z.wrapping_sub(1)).map_or("", |z| z.centre.name.as_str());
        let group_lead_name = |g: &str| f.groups.iter().find(|x| x.id == g).map_or("", |x| x.centre.name.as_str());
        let mut body = String::new();
        for (i, u) in t.units.iter().enumerate() {
            let (zone, group) = &f.assignment[&u.istat];
            let fill = colour(zone - 1, group_index(group));
            let title = html_escape(&format!(
                "{} ({}), no. {} — zone {zone} (lead {}), group {group} (lead {}), {} residents",
                u.name,
                u.istat,
                numbers[i],
                zone_lead_name(*zone),
                group_lead_name(group),
                u.pop.map_or("?".into(), |p| format!("{p:.0}"))
            ));
            let data = format!(r#"data-istat="{}" data-zone="{zone}" data-group="{group}""#, html_escape(&u.istat));
            if self.shapes[i].0.is_empty() {
                if let Some(c) = &self.points[i] {
                    let (x, y) = self.px(c);
                    let _ = write!(
                        body,
                        r##"<circle class="muni" {data} cx="{x:.1}" cy="{y:.1}" r="9" fill="{fill}" stroke="#444" stroke-width="0.6"><title>{title}</title></circle>"##
                    );
                }
            } else {
                let _ = write!(
                    body,
                    r##"<path class="muni" {data} d="{}" fill="{fill}" stroke="#ffffff" stroke-width="0.6" stroke-linejoin="round"><title>{title}</title></path>"##,
                    self.path(&self.shapes[i])
                );
            }
        }
        // Group boundaries (medium), then zone boundaries on top (heaviest).
        for g in &f.groups {
            if let Some(d) = self.outline(t, g.members.iter().map(|m| m.istat.as_str())) {
                let _ = write!(
                    body,
                    r##"<path class="group-line" d="{d}" fill="none" stroke="#3a3f45" stroke-width="{GROUP_LINE}" stroke-linejoin="round"/>"##
                );
            }
        }
        for z in &f.zones {
            if let Some(d) = self.outline(t, z.members.iter().map(|m| m.istat.as_str())) {
                let _ = write!(
                    body,
                    r##"<path class="zone-line" d="{d}" fill="none" stroke="#000000" stroke-width="{ZONE_LINE}" stroke-linejoin="round"/>"##
                );
            }
        }
        // Existing collaborations, dashed over everything (at most one per municipality and function).
        let (stroke, width, dash) = super::collab_html::COLLAB_LINE;
        for c in &f.collaborations {
            if let Some(d) = self.outline(t, c.members.iter().map(|m| m.istat.as_str())) {
                let _ = write!(
                    body,
                    r#"<path class="collab-line" d="{d}" fill="none" stroke="{stroke}" stroke-width="{width}" stroke-dasharray="{dash}" stroke-linejoin="round"><title>{}</title></path>"#,
                    html_escape(&c.name)
                );
            }
        }
        // Labels: a number for every municipality, a badge for leads (placed first, fixed),
        // then each lead's name beside its badge where it overlaps the fewest other labels.
        let mut placed: Vec<Rect> = Vec::new();
        let mut marks = String::new();
        let mut leads = Vec::new();
        for (i, u) in t.units.iter().enumerate() {
            let Some(c) = self.points[i] else { continue };
            let (x, y) = self.px(&c);
            let num = numbers[i].to_string();
            let zone_lead = zone_leads.contains(&u.istat.as_str());
            if zone_lead || group_leads.contains(&u.istat.as_str()) {
                marks.push_str(&badge(x, y, &num, zone_lead));
                placed.push(Rect::around(x, y, BADGE_R + 1.0, BADGE_R + 1.0));
                leads.push((x, y, &u.name));
            } else {
                let _ = write!(marks, r#"<text class="no" x="{x:.1}" y="{:.1}" text-anchor="middle">{num}</text>"#, y + NUMBER_PX * 0.35);
                placed.push(Rect::around(x, y, text_width(&num, NUMBER_PX, true) / 2.0, NUMBER_PX * 0.6));
            }
        }
        let mut names = String::new();
        for (x, y, name) in leads {
            let (tw, th) = (text_width(name, NAME_PX, true), NAME_PX * 1.2);
            let gap = BADGE_R + 2.0;
            let candidates = [(x, y + gap + th / 2.0), (x, y - gap - th / 2.0), (x + gap + tw / 2.0, y), (x - gap - tw / 2.0, y)];
            // Kept inside the map sideways (a label wider than the map is centred on it).
            let inside = |cx: f64| cx.clamp(EDGE + tw / 2.0, (w - EDGE - tw / 2.0).max(EDGE + tw / 2.0));
            let best = candidates
                .iter()
                .map(|&(cx, cy)| Rect::around(inside(cx), cy, tw / 2.0, th / 2.0))
                .enumerate()
                .min_by(|(i, a), (j, b)| {
                    let cost = |r: &Rect| placed.iter().map(|p| p.overlap(r)).sum::<f64>();
                    cost(a).total_cmp(&cost(b)).then(i.cmp(j))
                })
                .map(|(_, r)| r)
                .expect("four candidates");
            placed.push(best);
            let (cx, cy) = best.centre();
            let _ = write!(
                names,
                r#"<text class="lead" x="{cx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                cy + NAME_PX * 0.35,
                html_escape(name)
            );
        }
        let mut bounds = Rect { x0: 0.0, y0: 0.0, x1: w, y1: h };
        for r in &placed {
            bounds = Rect {
                x0: bounds.x0.min(r.x0 - 2.0),
                y0: bounds.y0.min(r.y0 - 2.0),
                x1: bounds.x1.max(r.x1 + 2.0),
                y1: bounds.y1.max(r.y1 + 2.0),
            };
        }
        let bounds = (bounds.x0, bounds.y0, bounds.x1, bounds.y1);
        let labels = marks + &names;
        let (x0, y0) = (bounds.0.floor(), bounds.1.floor());
        let (vw, vh) = ((bounds.2 - x0).ceil(), (bounds.3 - y0).ceil());
        format!(
            r#"<svg class="map" data-function="{}" viewBox="{x0:.0} {y0:.0} {vw:.0} {vh:.0}" width="{vw:.0}" height="{vh:.0}" role="img" aria-label="Map of {}: zones and local groups">{body}<g class="labels">{labels}</g></svg>"#,
            html_escape(&f.id),
            html_escape(&f.label)
        )
    }
}

/// Stroke widths in px: zone boundaries, group boundaries (municipal borders are 0.6).
pub const ZONE_LINE: f64 = 3.2;
/// See [`ZONE_LINE`].
pub const GROUP_LINE: f64 = 1.4;
const NUMBER_PX: f64 = 8.5;
const NAME_PX: f64 = 10.0;
const BADGE_R: f64 = 6.5;
/// Labels stay this far from the map's left and right edges, px.
const EDGE: f64 = 3.0;

/// A label's box in px.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rect {
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
}

impl Rect {
    pub(super) fn around(x: f64, y: f64, half_w: f64, half_h: f64) -> Rect {
        Rect { x0: x - half_w, y0: y - half_h, x1: x + half_w, y1: y + half_h }
    }

    pub(super) fn centre(&self) -> (f64, f64) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }

    /// Area shared with `o`, px².
    pub(super) fn overlap(&self, o: &Rect) -> f64 {
        (self.x1.min(o.x1) - self.x0.max(o.x0)).max(0.0) * (self.y1.min(o.y1) - self.y0.max(o.y0)).max(0.0)
    }
}

/// 0-based index of group `zone.group` within its zone.
pub fn group_index(gid: &str) -> usize {
    gid.split('.').nth(1).and_then(|g| g.parse::<usize>().ok()).map_or(0, |g| g - 1)
}

/// A generous estimate of a label's width in px (system sans-serif), to keep it inside the map.
pub(super) fn text_width(s: &str, size: f64, bold: bool) -> f64 {
    s.chars().count() as f64 * size * if bold { 0.72 } else { 0.62 }
}

/// The badge of a group lead at (x, y): a dark disc (a square for the zone lead) holding the
/// municipality's number.
pub fn badge(x: f64, y: f64, number: &str, zone_lead: bool) -> String {
    let r = BADGE_R;
    let shape = if zone_lead {
        format!(
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="1.5" fill="#111" stroke="#fff" stroke-width="1.2"/>"##,
            x - r - 0.5,
            y - r - 0.5,
            2.0 * r + 1.0,
            2.0 * r + 1.0
        )
    } else {
        format!(r##"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="#111" stroke="#fff" stroke-width="1.2"/>"##)
    };
    format!(r#"<g class="badge">{shape}<text class="bno" x="{x:.1}" y="{:.1}" text-anchor="middle">{number}</text></g>"#, y + 3.0)
}

/// Map numbers (1-based) of the municipalities, in alphabetical order of name (then ISTAT
/// code), so a municipality has the same number on every map.
pub fn key_numbers(t: &Territory) -> Vec<usize> {
    let mut order: Vec<usize> = (0..t.len()).collect();
    order.sort_by(|&a, &b| t.units[a].name.cmp(&t.units[b].name).then(t.units[a].istat.cmp(&t.units[b].istat)));
    let mut numbers = vec![0; t.len()];
    for (n, &i) in order.iter().enumerate() {
        numbers[i] = n + 1;
    }
    numbers
}

/// Escapes text for HTML and SVG.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
