//! Which polygons touch, and along how many metres of border.
//!
//! Every boundary segment of every ring goes into one R-tree (rstar); a spatial self-join
//! yields the segment pairs whose boxes meet, and geo's robust `line_intersection` says
//! whether two segments of different municipalities share a point or a stretch. Shared
//! stretches are measured in the territory's projection (UTM, the zone of the area). Works on polygons that are not topologically clean
//! (a vertex of one lying on an edge of the other), not only on exactly shared vertices.

use std::collections::BTreeMap;

use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{Line, MultiPolygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

use crate::territory::Projection;

/// Two municipalities that touch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contact {
    /// Lower municipality index.
    pub a: u32,
    /// Higher municipality index.
    pub b: u32,
    /// Shared border in metres (in the projection used); 0 when they touch at points only.
    pub border_m: f64,
}

/// A segment's bounding box, with the index of the segment in the segment list. Boxes, not
/// lines, go into the tree: their envelope is free to compute, which dominates bulk loading.
type Boxed = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// All touching pairs among `polygons` (WGS84), sorted by `(a, b)`, lengths in UTM 32N; see
/// [`contacts_in`] for another projection.
pub fn contacts(polygons: &[MultiPolygon<f64>]) -> Vec<Contact> {
    contacts_in(polygons, Projection::UTM32N)
}

/// All touching pairs among `polygons` (WGS84), sorted by `(a, b)`, shared lengths measured in
/// `projection`.
///
/// # Complexity
/// O(s log s) for s segments, plus the candidate pairs the R-tree join returns (a few per
/// segment on a real tessellation).
pub fn contacts_in(polygons: &[MultiPolygon<f64>], projection: Projection) -> Vec<Contact> {
    let mut segments: Vec<(u32, Line<f64>)> = Vec::new();
    for (unit, mp) in polygons.iter().enumerate() {
        for polygon in mp {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                segments.extend(ring.lines().filter(|l| l.start != l.end).map(|l| (unit as u32, l)));
            }
        }
    }
    let boxes: Vec<Boxed> = segments
        .iter()
        .enumerate()
        .map(|(i, (_, l))| {
            let rect = Rectangle::from_corners([l.start.x, l.start.y], [l.end.x, l.end.y]);
            GeomWithData::new(rect, i as u32)
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    let mut shared: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    for (p, q) in tree.intersection_candidates_with_other_tree(&tree) {
        let (ua, la) = segments[p.data as usize];
        let (ub, lb) = segments[q.data as usize];
        if ua >= ub {
            continue; // same municipality, or the mirrored pair
        }
        let length = match line_intersection(la, lb) {
            None => continue,
            Some(LineIntersection::SinglePoint { .. }) => 0.0,
            Some(LineIntersection::Collinear { intersection }) => {
                let (p, q) = (projection.project(intersection.start), projection.project(intersection.end));
                (p.x - q.x).hypot(p.y - q.y)
            }
        };
        *shared.entry((ua, ub)).or_insert(0.0) += length;
    }
    shared.into_iter().map(|((a, b), border_m)| Contact { a, b, border_m }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    fn square(x: f64, y: f64, side: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![
            (x: x, y: y), (x: x + side, y: y), (x: x + side, y: y + side), (x: x, y: y + side)
        ]])
    }

    /// A 2×2 block of 0.01° squares near Manerbio plus a far one:
    /// ```text
    /// 2 3
    /// 0 1      4
    /// ```
    /// 0–1, 0–2, 1–3, 2–3 share a side; 0–3 and 1–2 only a corner; 4 touches nothing.
    #[test]
    fn queen_rook_and_lengths_on_a_block_of_squares() {
        let d = 0.01;
        let (x, y) = (10.1, 45.3);
        let polys = vec![square(x, y, d), square(x + d, y, d), square(x, y + d, d), square(x + d, y + d, d), square(x + 1.0, y, d)];
        let c = contacts(&polys);
        let pairs: Vec<(u32, u32)> = c.iter().map(|c| (c.a, c.b)).collect();
        assert_eq!(pairs, vec![(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]);
        let corner: Vec<_> = c.iter().filter(|c| c.border_m == 0.0).map(|c| (c.a, c.b)).collect();
        assert_eq!(corner, vec![(0, 3), (1, 2)]);
        // A vertical side of 0.01° latitude is about 1,112 m on the ground.
        let side = c.iter().find(|c| (c.a, c.b) == (0, 1)).unwrap().border_m;
        assert!((side - 1112.0).abs() < 5.0, "0.01° of latitude measured {side} m");
    }

    /// A T-junction: square 1's corner lies in the middle of square 0's side, with no vertex
    /// of 0 there; half of that side is shared.
    #[test]
    fn touching_without_a_shared_vertex_is_found() {
        let d = 0.01;
        let polys = vec![square(10.0, 45.0, d), square(10.0 + d, 45.0 + d / 2.0, d)];
        let c = contacts(&polys);
        assert_eq!(c.len(), 1);
        let full = contacts(&[square(10.0, 45.0, d), square(10.0 + d, 45.0, d)])[0].border_m;
        assert!((c[0].border_m - full / 2.0).abs() < 1.0, "{} vs half of {full}", c[0].border_m);
    }
}
