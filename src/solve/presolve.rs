//! Proofs of infeasibility before solving, when the data shows it (spopt's
//! `SpecificationError`): each an [`Infeasibility`] carrying unit indices and numbers, rendered
//! to words with the units' labels only at the edge ([`Render`]). Runs after
//! [`Constraints::validate`], so every index is in range.

use super::constraints::names;
use super::outcome::Render;
use super::{Constraints, Instance};

/// Why no partition can meet the constraints.
#[derive(Debug, Clone, PartialEq)]
pub enum Infeasibility {
    /// More zones than units.
    TooManyZones {
        /// Zones asked for.
        k: usize,
        /// Units.
        n: usize,
    },
    /// More separate pieces than zones.
    TooManyPieces {
        /// Number of pieces.
        pieces: usize,
        /// The first unit of up to three pieces after the first.
        around: Vec<usize>,
        /// Zones asked for.
        k: usize,
    },
    /// A piece has fewer residents than one zone needs.
    MinPopExceedsPiece {
        /// The piece's units.
        piece: Vec<usize>,
        /// Its residents.
        pop: f64,
        /// The minimum zone population.
        min: f64,
    },
    /// k zones of the minimum need more residents than the area has.
    MinPopExceedsTotal {
        /// Zones asked for.
        k: usize,
        /// The minimum zone population.
        min: f64,
        /// The area's residents.
        total: f64,
    },
    /// The pieces hold fewer zones of the minimum population than asked for.
    PiecesHoldTooFewByPop {
        /// Number of pieces.
        pieces: usize,
        /// Zones they can hold.
        most: usize,
        /// The minimum zone population.
        min: f64,
        /// Zones asked for.
        k: usize,
    },
    /// One unit alone is above the maximum zone population.
    UnitAboveMaxPop {
        /// The unit.
        unit: usize,
        /// Its residents.
        pop: f64,
        /// The maximum zone population.
        max: f64,
    },
    /// k zones of the maximum hold fewer residents than the area has.
    MaxPopBelowTotal {
        /// Zones asked for.
        k: usize,
        /// The maximum zone population.
        max: f64,
        /// The area's residents.
        total: f64,
    },
    /// The pieces need more zones of the maximum population than asked for.
    PiecesNeedTooManyByPop {
        /// Number of pieces.
        pieces: usize,
        /// Zones they need.
        least: usize,
        /// The maximum zone population.
        max: f64,
        /// Zones asked for.
        k: usize,
    },
    /// k zones of the minimum size need more units than there are.
    MinUnitsExceedTotal {
        /// Zones asked for.
        k: usize,
        /// The minimum zone size.
        min: usize,
        /// Units.
        n: usize,
    },
    /// A piece has fewer units than one zone needs.
    PieceBelowMinUnits {
        /// The piece's units.
        piece: Vec<usize>,
        /// The minimum zone size.
        min: usize,
    },
    /// The pieces hold fewer zones of the minimum size than asked for.
    PiecesHoldTooFewBySize {
        /// Number of pieces.
        pieces: usize,
        /// Zones they can hold.
        most: usize,
        /// The minimum zone size.
        min: usize,
        /// Zones asked for.
        k: usize,
    },
    /// k zones of the maximum size hold fewer units than there are.
    MaxUnitsBelowTotal {
        /// Zones asked for.
        k: usize,
        /// The maximum zone size.
        max: usize,
        /// Units.
        n: usize,
    },
    /// The pieces need more zones of the maximum size than asked for.
    PiecesNeedTooManyBySize {
        /// Number of pieces.
        pieces: usize,
        /// Zones they need.
        least: usize,
        /// The maximum zone size.
        max: usize,
        /// Zones asked for.
        k: usize,
    },
    /// Merging keep-together groups leaves fewer pieces than zones.
    TooFewPiecesAfterMerging {
        /// Pieces left.
        pieces: usize,
        /// Zones asked for.
        k: usize,
    },
    /// A keep-together block has more residents than a zone may.
    GroupAboveMaxPop {
        /// The block.
        group: Vec<usize>,
        /// Its residents.
        pop: f64,
        /// The maximum zone population.
        max: f64,
    },
    /// A keep-together block has more units than a zone may.
    GroupAboveMaxUnits {
        /// The block.
        group: Vec<usize>,
        /// The maximum zone size.
        max: usize,
    },
    /// A keep-apart pair inside one keep-together block.
    ApartInsideGroup {
        /// One unit of the pair.
        a: usize,
        /// The other.
        b: usize,
        /// The block.
        group: Vec<usize>,
    },
    /// Two fixed centres inside one keep-together block.
    CentresInsideGroup {
        /// One centre.
        a: usize,
        /// Another.
        b: usize,
        /// The block.
        group: Vec<usize>,
    },
    /// More fixed centres than zones.
    TooManyCentres {
        /// Fixed centres.
        centres: usize,
        /// Zones asked for.
        k: usize,
    },
    /// A fixed centre cannot lead any zone meeting the bounds (the exact medoid search's
    /// reductions show it).
    CentreCannotLead {
        /// The centre.
        unit: usize,
    },
    /// The MIP solver's exhausted search proves it.
    SolverProves {
        /// Zones asked for.
        k: usize,
    },
    /// Max-p: a separate piece cannot hold one zone meeting the minimum bounds.
    PieceHoldsNoZone,
    /// A proof its caller states in words.
    Stated(String),
}

impl Render for Infeasibility {
    fn render(&self, labels: &[String]) -> String {
        use Infeasibility::*;
        match self {
            TooManyZones { k, n } => format!("{k} zones requested but the area has only {n} municipalities"),
            TooManyPieces { pieces, around, k } => {
                let small: Vec<&str> = around.iter().map(|&u| labels[u].as_str()).collect();
                format!(
                    "the area has {pieces} separate pieces (e.g. around {}), so at least {pieces} zones are needed for contiguous zones, not {k}",
                    small.join(", ")
                )
            }
            MinPopExceedsPiece { piece, pop, min } => {
                format!("min zone population {min} exceeds the {pop} residents of the separate piece {{{}}}", names(labels, piece))
            }
            MinPopExceedsTotal { k, min, total } => {
                format!("{k} zones of at least {min} residents need {} but the area has {total}", min * *k as f64)
            }
            PiecesHoldTooFewByPop { pieces, most, min, k } => {
                format!("the area's {pieces} separate pieces can hold at most {most} zones of at least {min} residents, not {k}")
            }
            UnitAboveMaxPop { unit, pop, max } => {
                format!("{} alone has {pop} residents, above the max zone population {max}", labels[*unit])
            }
            MaxPopBelowTotal { k, max, total } => {
                format!("{k} zones of at most {max} residents hold {} but the area has {total}", max * *k as f64)
            }
            PiecesNeedTooManyByPop { pieces, least, max, k } => {
                format!("the area's {pieces} separate pieces need at least {least} zones of at most {max} residents, not {k}")
            }
            MinUnitsExceedTotal { k, min, n } => {
                format!("{k} zones of at least {min} municipalities need {} but there are {n}", min.saturating_mul(*k))
            }
            PieceBelowMinUnits { piece, min } => {
                format!("the separate piece {{{}}} has fewer than {min} municipalities", names(labels, piece))
            }
            PiecesHoldTooFewBySize { pieces, most, min, k } => {
                format!("the area's {pieces} separate pieces can hold at most {most} zones of at least {min} municipalities, not {k}")
            }
            MaxUnitsBelowTotal { k, max, n } => {
                format!("{k} zones of at most {max} municipalities hold {} but there are {n}", max.saturating_mul(*k))
            }
            PiecesNeedTooManyBySize { pieces, least, max, k } => {
                format!("the area's {pieces} separate pieces need at least {least} zones of at most {max} municipalities, not {k}")
            }
            TooFewPiecesAfterMerging { pieces, k } => {
                format!("once the keep-together groups are merged only {pieces} pieces remain, fewer than the {k} zones")
            }
            GroupAboveMaxPop { group, pop, max } => format!(
                "the group {{{}}} that must stay together has {pop} residents, above the max zone population {max}",
                names(labels, group)
            ),
            GroupAboveMaxUnits { group, max } => format!(
                "the group {{{}}} that must stay together has {} municipalities, above the max of {max} per zone",
                names(labels, group),
                group.len()
            ),
            ApartInsideGroup { a, b, group } => format!(
                "{} and {} must be kept apart but belong to the group {{{}}} that must stay together",
                labels[*a],
                labels[*b],
                names(labels, group)
            ),
            CentresInsideGroup { a, b, group } => format!(
                "the fixed centres {} and {} belong to the group {{{}}} that must stay together, so they cannot lead different zones",
                labels[*a],
                labels[*b],
                names(labels, group)
            ),
            TooManyCentres { centres, k } => format!("{centres} fixed centres for {k} zones"),
            CentreCannotLead { unit } => format!("{} cannot lead a zone", labels[*unit]),
            SolverProves { k } => {
                format!("HiGHS proves that no {k} contiguous zones meet the population, size, keep-together and keep-apart constraints")
            }
            PieceHoldsNoZone => "a separate piece of the area cannot hold one zone meeting the minimum bounds".into(),
            Stated(text) => text.clone(),
        }
    }
}

/// The first infeasibility the data shows, in a fixed order (zones against units, pieces
/// against the bounds, keep-together blocks, fixed centres).
///
/// # Errors
/// The proof, with unit indices and numbers.
pub fn prove(cons: &Constraints, inst: &Instance) -> Result<(), Infeasibility> {
    let n = inst.n();
    let k = cons.k;
    if k > n {
        return Err(Infeasibility::TooManyZones { k, n });
    }
    pieces(cons, inst)?;
    // Overlapping keep-together groups act as one block: check the blocks.
    let blocks = cons.blocks(n);
    let pieces = n - blocks.iter().map(|b| b.len() - 1).sum::<usize>();
    if pieces < k {
        return Err(Infeasibility::TooFewPiecesAfterMerging { pieces, k });
    }
    for b in &blocks {
        let pop: f64 = b.iter().map(|&u| inst.pop[u]).sum();
        if let Some(max) = cons.max_pop.filter(|&hi| pop > hi) {
            return Err(Infeasibility::GroupAboveMaxPop { group: b.clone(), pop, max });
        }
        if let Some(max) = cons.max_units.filter(|&hi| b.len() > hi) {
            return Err(Infeasibility::GroupAboveMaxUnits { group: b.clone(), max });
        }
        if let Some(&(a, c)) = cons.cannot_link.iter().find(|(a, c)| b.contains(a) && b.contains(c)) {
            return Err(Infeasibility::ApartInsideGroup { a, b: c, group: b.clone() });
        }
        let inside: Vec<usize> = cons.centres.iter().copied().filter(|c| b.contains(c)).collect();
        if inside.len() > 1 {
            return Err(Infeasibility::CentresInsideGroup { a: inside[0], b: inside[1], group: b.clone() });
        }
    }
    if cons.centres.len() > k {
        return Err(Infeasibility::TooManyCentres { centres: cons.centres.len(), k });
    }
    Ok(())
}

/// Population and size bounds against the separate pieces (connected components) of the
/// area: every piece holds whole zones, so each needs between ⌈size/max⌉ and ⌊size/min⌋.
fn pieces(cons: &Constraints, inst: &Instance) -> Result<(), Infeasibility> {
    let n = inst.n();
    let k = cons.k;
    let comps = inst.components();
    if comps.len() > k {
        let around = comps.iter().skip(1).take(3).map(|c| c[0]).collect();
        return Err(Infeasibility::TooManyPieces { pieces: comps.len(), around, k });
    }
    let total: f64 = inst.pop.iter().sum();
    let piece_pop = |c: &[usize]| -> f64 { c.iter().map(|&u| inst.pop[u]).sum() };
    if let Some(min) = cons.min_pop {
        for c in &comps {
            let pop = piece_pop(c);
            if pop < min {
                return Err(Infeasibility::MinPopExceedsPiece { piece: c.clone(), pop, min });
            }
        }
        if min * k as f64 > total {
            return Err(Infeasibility::MinPopExceedsTotal { k, min, total });
        }
        let most: usize = comps.iter().map(|c| (piece_pop(c) / min + 1e-9).floor() as usize).sum();
        if min > 0.0 && most < k {
            return Err(Infeasibility::PiecesHoldTooFewByPop { pieces: comps.len(), most, min, k });
        }
    }
    if let Some(max) = cons.max_pop {
        if let Some(unit) = (0..n).find(|&u| inst.pop[u] > max) {
            return Err(Infeasibility::UnitAboveMaxPop { unit, pop: inst.pop[unit], max });
        }
        if max * (k as f64) < total {
            return Err(Infeasibility::MaxPopBelowTotal { k, max, total });
        }
        let least: usize = comps.iter().map(|c| (piece_pop(c) / max - 1e-9).ceil() as usize).sum();
        if least > k {
            return Err(Infeasibility::PiecesNeedTooManyByPop { pieces: comps.len(), least, max, k });
        }
    }
    if let Some(min) = cons.min_units {
        if min.saturating_mul(k) > n {
            return Err(Infeasibility::MinUnitsExceedTotal { k, min, n });
        }
        if let Some(c) = comps.iter().find(|c| c.len() < min) {
            return Err(Infeasibility::PieceBelowMinUnits { piece: c.clone(), min });
        }
        let most: usize = comps.iter().map(|c| c.len() / min.max(1)).sum();
        if most < k {
            return Err(Infeasibility::PiecesHoldTooFewBySize { pieces: comps.len(), most, min, k });
        }
    }
    if let Some(max) = cons.max_units {
        if max.saturating_mul(k) < n {
            return Err(Infeasibility::MaxUnitsBelowTotal { k, max, n });
        }
        let least: usize = comps.iter().map(|c| c.len().div_ceil(max.max(1))).sum();
        if least > k {
            return Err(Infeasibility::PiecesNeedTooManyBySize { pieces: comps.len(), least, max, k });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Infeasibility::*;
    use super::*;

    fn labels() -> Vec<String> {
        (0..8).map(|i| format!("00{i} U{i}")).collect()
    }

    /// Every variant's words, written out by hand as the pre-typed code formatted them.
    #[test]
    fn each_infeasibility_reads_as_before() {
        let l = labels();
        let cases: Vec<(Infeasibility, &str)> = vec![
            (TooManyZones { k: 10, n: 9 }, "10 zones requested but the area has only 9 municipalities"),
            (
                TooManyPieces { pieces: 3, around: vec![4, 6], k: 2 },
                "the area has 3 separate pieces (e.g. around 004 U4, 006 U6), so at least 3 zones are needed for contiguous zones, not 2",
            ),
            (
                MinPopExceedsPiece { piece: vec![1, 2], pop: 18500.0, min: 20000.0 },
                "min zone population 20000 exceeds the 18500 residents of the separate piece {001 U1, 002 U2}",
            ),
            (
                MinPopExceedsTotal { k: 3, min: 2500.5, total: 7000.0 },
                "3 zones of at least 2500.5 residents need 7501.5 but the area has 7000",
            ),
            (
                PiecesHoldTooFewByPop { pieces: 2, most: 3, min: 1000.0, k: 4 },
                "the area's 2 separate pieces can hold at most 3 zones of at least 1000 residents, not 4",
            ),
            (
                UnitAboveMaxPop { unit: 5, pop: 1300.0, max: 1200.0 },
                "005 U5 alone has 1300 residents, above the max zone population 1200",
            ),
            (
                MaxPopBelowTotal { k: 2, max: 1000.0, total: 2500.0 },
                "2 zones of at most 1000 residents hold 2000 but the area has 2500",
            ),
            (
                PiecesNeedTooManyByPop { pieces: 2, least: 5, max: 1000.0, k: 4 },
                "the area's 2 separate pieces need at least 5 zones of at most 1000 residents, not 4",
            ),
            (MinUnitsExceedTotal { k: 4, min: 3, n: 9 }, "4 zones of at least 3 municipalities need 12 but there are 9"),
            (
                PieceBelowMinUnits { piece: vec![7], min: 2 },
                "the separate piece {007 U7} has fewer than 2 municipalities",
            ),
            (
                PiecesHoldTooFewBySize { pieces: 2, most: 2, min: 3, k: 3 },
                "the area's 2 separate pieces can hold at most 2 zones of at least 3 municipalities, not 3",
            ),
            (MaxUnitsBelowTotal { k: 2, max: 4, n: 9 }, "2 zones of at most 4 municipalities hold 8 but there are 9"),
            (
                PiecesNeedTooManyBySize { pieces: 2, least: 4, max: 2, k: 3 },
                "the area's 2 separate pieces need at least 4 zones of at most 2 municipalities, not 3",
            ),
            (
                TooFewPiecesAfterMerging { pieces: 2, k: 3 },
                "once the keep-together groups are merged only 2 pieces remain, fewer than the 3 zones",
            ),
            (
                GroupAboveMaxPop { group: vec![0, 1], pop: 2500.0, max: 2000.0 },
                "the group {000 U0, 001 U1} that must stay together has 2500 residents, above the max zone population 2000",
            ),
            (
                GroupAboveMaxUnits { group: (0..8).collect(), max: 4 },
                "the group {000 U0, 001 U1, 002 U2, 003 U3, 004 U4, 005 U5, … 8 in all} that must stay together has 8 municipalities, above the max of 4 per zone",
            ),
            (
                ApartInsideGroup { a: 0, b: 1, group: vec![0, 1] },
                "000 U0 and 001 U1 must be kept apart but belong to the group {000 U0, 001 U1} that must stay together",
            ),
            (
                CentresInsideGroup { a: 0, b: 1, group: vec![0, 1, 2] },
                "the fixed centres 000 U0 and 001 U1 belong to the group {000 U0, 001 U1, 002 U2} that must stay together, so they cannot lead different zones",
            ),
            (TooManyCentres { centres: 3, k: 2 }, "3 fixed centres for 2 zones"),
            (CentreCannotLead { unit: 3 }, "003 U3 cannot lead a zone"),
            (
                SolverProves { k: 2 },
                "HiGHS proves that no 2 contiguous zones meet the population, size, keep-together and keep-apart constraints",
            ),
            (PieceHoldsNoZone, "a separate piece of the area cannot hold one zone meeting the minimum bounds"),
            (Stated("in words".into()), "in words"),
        ];
        for (reason, text) in cases {
            assert_eq!(reason.render(&l), text, "{reason:?}");
        }
    }

    #[test]
    fn the_proof_carries_the_piece_and_its_numbers() {
        // Two pieces {0, 1} and {2}: unit 2 alone has 5 residents, below a minimum of 8.
        let adj = vec![vec![1], vec![0], vec![]];
        let inst =
            Instance::from_parts(adj, ndarray::Array2::zeros((3, 1)), vec![5.0, 5.0, 5.0], None, (0..3).map(|i| format!("u{i}")).collect());
        let cons = Constraints { k: 2, min_pop: Some(8.0), ..Default::default() };
        assert_eq!(prove(&cons, &inst), Err(MinPopExceedsPiece { piece: vec![2], pop: 5.0, min: 8.0 }));
        assert_eq!(prove(&Constraints { k: 2, ..Default::default() }, &inst), Ok(()));
    }
}
