//! The savings of a whole plan: every group served as one entity, summed. The range is taken
//! over the bootstrap draws of the sum (a draw's b prices every group at once), which is
//! narrower and more honest than adding the groups' own ranges.

use super::{CostCurve, GroupSavings, Member};

/// The savings of all `groups` together (each priced as [`super::group_savings`] prices it).
pub fn total_savings(curve: &CostCurve, groups: &[&[Member]]) -> GroupSavings {
    todo!("{} {}", curve.function, groups.len())
}
