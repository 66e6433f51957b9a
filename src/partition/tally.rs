//! Zone tallies kept beside a [`Partition`] and updated on every move (GerryChain's `Tally`):
//! feature sums, sums of squared norms, unit counts, residents and keep-apart conflicts, so
//! objectives score a zone in O(features) and a move costs O(features + keep-apart pairs).
//!
//! The partition may be over *pieces* larger than units (keep-together blocks moved as one):
//! [`Pieces`] holds each piece's additive data. Every sum here adds in one order — the order
//! of the members list, one piece at a time, feature by feature — so searches built on it
//! give the same bits whichever of them runs.

use ndarray::{Array2, ArrayView1, ArrayView2};

use super::Partition;

/// Additive data of the pieces a partition is over (units, or blocks of units).
#[derive(Debug, Clone, PartialEq)]
pub struct Pieces {
    /// Sum of member feature vectors, pieces × features.
    pub sum: Array2<f64>,
    /// Sum of members' squared norms.
    pub sumsq: Vec<f64>,
    /// Units per piece.
    pub count: Vec<usize>,
    /// Residents per piece.
    pub pop: Vec<f64>,
    /// Pieces each piece must not share a zone with (with multiplicity), ascending.
    pub apart: Vec<Vec<usize>>,
}

impl Pieces {
    /// Every unit its own piece: rows of `x`, residents `pop`, no keep-apart pairs.
    pub fn units(x: ArrayView2<f64>, pop: &[f64]) -> Pieces {
        let sumsq = x.rows().into_iter().map(|r| r.dot(&r)).collect();
        let n = x.nrows();
        Pieces { sum: x.to_owned(), sumsq, count: vec![1; n], pop: pop.to_vec(), apart: vec![Vec::new(); n] }
    }

    /// Number of pieces.
    pub fn len(&self) -> usize {
        self.count.len()
    }

    /// True when there are no pieces.
    pub fn is_empty(&self) -> bool {
        self.count.is_empty()
    }

    /// Keep-apart pairs with one piece in `xs` and the other in `ys` (disjoint sets).
    pub fn apart_between(&self, xs: &[usize], ys: &[usize]) -> usize {
        xs.iter().map(|&a| self.apart[a].iter().filter(|b| ys.contains(b)).count()).sum()
    }
}

/// Tallies of one zone.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneTally {
    /// Sum of member feature vectors.
    pub sum: Vec<f64>,
    /// Sum of members' squared norms.
    pub sumsq: f64,
    /// Units in the zone.
    pub count: usize,
    /// Residents.
    pub pop: f64,
    /// Keep-apart pairs inside the zone.
    pub apart: usize,
}

impl ZoneTally {
    /// The tally of no units, over `p` features.
    pub fn empty(p: usize) -> ZoneTally {
        ZoneTally { sum: vec![0.0; p], sumsq: 0.0, count: 0, pop: 0.0, apart: 0 }
    }

    /// The tally of `members` (pieces), added in the order given.
    pub fn of(pieces: &Pieces, members: &[usize]) -> ZoneTally {
        let mut z = ZoneTally::empty(pieces.sum.ncols());
        for &a in members {
            z.add_piece(pieces, a);
        }
        z.apart = members.iter().map(|&a| pieces.apart[a].iter().filter(|b| members.contains(b)).count()).sum::<usize>() / 2;
        z
    }

    /// The one place tallies combine: adds (`sign` = 1) or removes (−1) a sum row, sum of
    /// squares, count and residents. `s + (−1)·v` is `s − v` exactly, so both directions share it.
    fn combine<'a>(&mut self, sum: impl IntoIterator<Item = &'a f64>, sumsq: f64, count: usize, pop: f64, sign: f64) {
        for (s, v) in self.sum.iter_mut().zip(sum) {
            *s += sign * v;
        }
        self.sumsq += sign * sumsq;
        self.pop += sign * pop;
        if sign > 0.0 {
            self.count += count;
        } else {
            self.count -= count;
        }
    }

    /// Adds piece `a` (its keep-apart pairs are the caller's: see [`Tallied::moved`]).
    pub fn add_piece(&mut self, pieces: &Pieces, a: usize) {
        self.combine(pieces.sum.row(a), pieces.sumsq[a], pieces.count[a], pieces.pop[a], 1.0);
    }

    /// Removes piece `a`.
    pub fn remove_piece(&mut self, pieces: &Pieces, a: usize) {
        self.combine(pieces.sum.row(a), pieces.sumsq[a], pieces.count[a], pieces.pop[a], -1.0);
    }

    /// Adds one unit given by its feature row.
    pub fn add_row(&mut self, row: ArrayView1<f64>, sumsq: f64, pop: f64) {
        self.combine(row, sumsq, 1, pop, 1.0);
    }

    /// Adds a disjoint zone; keep-apart pairs across the two are the caller's to add.
    pub fn absorb(&mut self, other: &ZoneTally) {
        self.combine(&other.sum, other.sumsq, other.count, other.pop, 1.0);
        self.apart += other.apart;
    }

    /// This zone without a part of it (a subtree cut off). Keep-apart pairs between the part
    /// and the rest are not known here: callers that read them recount.
    pub fn without(&self, part: &ZoneTally) -> ZoneTally {
        let mut rest = self.clone();
        rest.combine(&part.sum, part.sumsq, part.count, part.pop, -1.0);
        rest.apart = rest.apart.saturating_sub(part.apart);
        rest
    }

    /// SSD of the zone: Σ‖xᵢ‖² − ‖Σxᵢ‖²/n (0 when empty).
    pub fn ssd(&self) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let s2: f64 = self.sum.iter().map(|s| s * s).sum();
        (self.sumsq - s2 / self.count as f64).max(0.0)
    }
}

/// A partition of pieces with the tally of every zone, updated together.
#[derive(Debug, Clone, PartialEq)]
pub struct Tallied {
    part: Partition,
    zones: Vec<ZoneTally>,
}

impl Tallied {
    /// Tallies a partition of pieces given one label per piece.
    pub fn new(pieces: &Pieces, labels: &[usize]) -> Tallied {
        let part = Partition::from_labels(labels);
        let zones = part.zones().iter().map(|m| ZoneTally::of(pieces, m)).collect();
        Tallied { part, zones }
    }

    /// The partition.
    pub fn part(&self) -> &Partition {
        &self.part
    }

    /// The tally of zone `z`.
    pub fn zone(&self, z: usize) -> &ZoneTally {
        &self.zones[z]
    }

    /// Every zone's tally.
    pub fn zones(&self) -> &[ZoneTally] {
        &self.zones
    }

    /// The tallies of piece `a`'s zone and of zone `to` (≠ its zone) after moving `a` there,
    /// without moving it: a search scores these, then [`Tallied::apply`]s them if it accepts.
    pub fn moved(&self, pieces: &Pieces, a: usize, to: usize) -> [ZoneTally; 2] {
        let from = self.part.zone_of(a);
        let mut zf = self.zones[from].clone();
        let mut zt = self.zones[to].clone();
        zf.remove_piece(pieces, a);
        zt.add_piece(pieces, a);
        for &b in &pieces.apart[a] {
            let zb = self.part.zone_of(b);
            if zb == from && b != a {
                zf.apart -= 1;
            }
            if zb == to {
                zt.apart += 1;
            }
        }
        [zf, zt]
    }

    /// Moves piece `a` to zone `to` with the tallies [`Tallied::moved`] gave for it.
    pub fn apply(&mut self, a: usize, to: usize, [zf, zt]: [ZoneTally; 2]) {
        let from = self.part.zone_of(a);
        self.part.move_unit(a, to);
        self.zones[from] = zf;
        self.zones[to] = zt;
    }

    /// Replaces zones `za` and `zb` by the given piece sets (together the two zones' members)
    /// and tallies both afresh.
    pub fn reassign(&mut self, pieces: &Pieces, za: usize, zb: usize, side_a: &[usize], side_b: &[usize]) {
        for &a in side_a {
            self.part.move_unit(a, za);
        }
        for &b in side_b {
            self.part.move_unit(b, zb);
        }
        for z in [za, zb] {
            self.zones[z] = ZoneTally::of(pieces, self.part.members(z));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: &ZoneTally, b: &ZoneTally) -> bool {
        let near = |x: f64, y: f64| (x - y).abs() <= 1e-9 * (1.0 + x.abs().max(y.abs()));
        a.count == b.count
            && a.apart == b.apart
            && near(a.sumsq, b.sumsq)
            && near(a.pop, b.pop)
            && a.sum.iter().zip(&b.sum).all(|(x, y)| near(*x, *y))
    }

    #[test]
    fn a_hand_tally() {
        let x = ndarray::array![[1.0, 2.0], [3.0, -1.0], [0.0, 4.0]];
        let mut pieces = Pieces::units(x.view(), &[10.0, 20.0, 30.0]);
        pieces.apart[0].push(2);
        pieces.apart[2].push(0);
        let t = Tallied::new(&pieces, &[0, 1, 0]);
        let z = t.zone(0);
        assert_eq!((z.sum.clone(), z.sumsq, z.count, z.pop, z.apart), (vec![1.0, 6.0], 21.0, 2, 40.0, 1));
        // SSD of {(1,2), (0,4)}: 21 − (1 + 36)/2 = 2.5.
        assert_eq!(z.ssd(), 2.5);
    }

    proptest! {
        /// Tallies equal a fresh build after any sequence of moves and reassigns.
        #[test]
        fn tallies_equal_a_fresh_build(
            rows in prop::collection::vec((prop::collection::vec(-3.0f64..3.0, 2), 1usize..4, 0.0f64..100.0), 2..14),
            labels_seed in prop::collection::vec(0usize..4, 14),
            apart in prop::collection::vec((0usize..14, 0usize..14), 0..6),
            steps in prop::collection::vec((any::<bool>(), 0usize..100, 0usize..4, any::<u64>()), 0..30),
        ) {
            let n = rows.len();
            let pieces = Pieces {
                sum: Array2::from_shape_fn((n, 2), |(i, j)| rows[i].0[j] * rows[i].1 as f64),
                sumsq: rows.iter().map(|r| r.0.iter().map(|v| v * v).sum::<f64>() * r.1 as f64).collect(),
                count: rows.iter().map(|r| r.1).collect(),
                pop: rows.iter().map(|r| r.2).collect(),
                apart: {
                    let mut l = vec![Vec::new(); n];
                    for &(a, b) in &apart {
                        let (a, b) = (a % n, b % n);
                        if a != b {
                            l[a].push(b);
                            l[b].push(a);
                        }
                    }
                    l
                },
            };
            let mut labels = labels_seed[..n].to_vec();
            labels[0] = 0;
            labels[n - 1] = 3;
            let mut t = Tallied::new(&pieces, &labels);
            let k = t.part().k();
            for (reassign, a, to, mask) in steps {
                let (a, to) = (a % n, to % k);
                if reassign {
                    let (za, zb) = (t.part().zone_of(a), to);
                    if za == zb {
                        continue;
                    }
                    let both: Vec<usize> = t.part().members(za).iter().chain(t.part().members(zb)).copied().collect();
                    let pick = |keep: u64| -> Vec<usize> {
                        both.iter().enumerate().filter(|(i, _)| mask >> (i % 64) & 1 == keep).map(|(_, &u)| u).collect()
                    };
                    let (side_a, side_b) = (pick(1), pick(0));
                    t.reassign(&pieces, za, zb, &side_a, &side_b);
                } else if t.part().zone_of(a) != to {
                    let m = t.moved(&pieces, a, to);
                    t.apply(a, to, m);
                }
                for z in 0..k {
                    let fresh = ZoneTally::of(&pieces, t.part().members(z));
                    prop_assert!(close(t.zone(z), &fresh), "zone {}: {:?} vs fresh {:?}", z, t.zone(z), fresh);
                }
            }
        }
    }
}
