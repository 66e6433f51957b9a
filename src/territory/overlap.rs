//! Features that cover the same ground: identical polygons, or polygons sharing most of the
//! smaller one's area (a municipality listed twice, or an enclave whose surrounding polygon has
//! no hole for it).
//!
//! Candidates come from an R-tree of bounding boxes (rstar); a pair is measured only when its
//! boxes overlap by at least half the smaller polygon's area, which neighbours rarely do, so the
//! exact intersection (geo's `BooleanOps`) runs on a handful of pairs.

use geo::{Area, BooleanOps, BoundingRect, MultiPolygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

/// Share of the smaller polygon's area above which two features overlap "most" of it.
pub(super) const MOST: f64 = 0.5;

/// A polygon's bounding box (lower and upper corner) and area, in degrees.
type Boxed = ([f64; 2], [f64; 2], f64);

/// A pair of features covering the same ground.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Overlap {
    /// Earlier feature (0-based).
    pub first: usize,
    /// Later feature (0-based).
    pub second: usize,
    /// Shared area over the smaller area, 0–1.
    pub share: f64,
    /// Vertex-for-vertex equal.
    pub identical: bool,
}

/// Every pair among `polygons` (WGS84; `None` for features left out) that shares more than
/// [`MOST`] of the smaller one's area, by `(first, second)`. Ratios are taken in degrees²: the
/// two polygons of a pair are close, so the projection's scale cancels out.
///
/// # Complexity
/// O(n log n) for the tree, plus an exact intersection per pair whose boxes overlap enough.
pub(super) fn overlaps(polygons: &[Option<&MultiPolygon<f64>>]) -> Vec<Overlap> {
    let boxes: Vec<Option<Boxed>> = polygons
        .iter()
        .map(|p| {
            let mp = (*p)?;
            let r = mp.bounding_rect()?;
            Some(([r.min().x, r.min().y], [r.max().x, r.max().y], mp.unsigned_area()))
        })
        .collect();
    let tree = RTree::bulk_load(
        boxes.iter().enumerate().filter_map(|(i, b)| b.map(|(lo, hi, _)| GeomWithData::new(Rectangle::from_corners(lo, hi), i))).collect(),
    );
    let mut out = Vec::new();
    for (i, b) in boxes.iter().enumerate() {
        let Some((lo, hi, area_i)) = *b else { continue };
        let mut candidates: Vec<usize> =
            tree.locate_in_envelope_intersecting(&AABB::from_corners(lo, hi)).map(|g| g.data).filter(|&j| j > i).collect();
        candidates.sort_unstable();
        for j in candidates {
            let Some((lo_j, hi_j, area_j)) = boxes[j] else { continue };
            let smaller = area_i.min(area_j);
            let w = hi[0].min(hi_j[0]) - lo[0].max(lo_j[0]);
            let h = hi[1].min(hi_j[1]) - lo[1].max(lo_j[1]);
            // The shared area is at most the shared box.
            if smaller.is_nan() || smaller <= 0.0 || w * h <= MOST * smaller {
                continue;
            }
            let (a, b) = (polygons[i].expect("boxed"), polygons[j].expect("boxed"));
            if a == b {
                out.push(Overlap { first: i, second: j, share: 1.0, identical: true });
                continue;
            }
            let share = (a.intersection(b).unsigned_area() / smaller).min(1.0);
            if share > MOST {
                out.push(Overlap { first: i, second: j, share, identical: false });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square(x: f64, y: f64, side: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![
            (x: x, y: y), (x: x + side, y: y), (x: x + side, y: y + side), (x: x, y: y + side)
        ]])
    }

    /// ```text
    /// 0 = 3 (same square)   1 | 2 (neighbours)   4 ⊂ 5 (inside, 70 % of 4 in 5)
    /// ```
    #[test]
    fn identical_and_mostly_shared_polygons_are_found_neighbours_are_not() {
        let ps = [
            square(10.0, 45.0, 0.01),
            square(10.1, 45.0, 0.01),
            square(10.11, 45.0, 0.01),
            square(10.0, 45.0, 0.01),
            square(10.3, 45.0, 0.01),
            square(10.303, 45.0, 0.02),
        ];
        let refs: Vec<Option<&MultiPolygon<f64>>> = ps.iter().map(Some).collect();
        let found = overlaps(&refs);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0], Overlap { first: 0, second: 3, share: 1.0, identical: true });
        assert_eq!((found[1].first, found[1].second, found[1].identical), (4, 5, false));
        assert!((found[1].share - 0.7).abs() < 1e-6, "{}", found[1].share);
    }
}
