//! Savings of a group served as one entity.

use serde::Serialize;

use super::huber::percentile_interval;
use super::CostCurve;

/// A group member's current spending.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// ISTAT code.
    pub istat: String,
    /// Residents.
    pub population: f64,
    /// Current spending, €; `None` when unknown or excluded from the curve's sample (near zero:
    /// another body spends for it).
    pub spending_eur: Option<f64>,
}

/// Estimated spending of a group, now and associated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSavings {
    /// Members with a known spending, counted in the estimate.
    pub counted: Vec<String>,
    /// Members left out (unknown or near-zero spending).
    pub left_out: Vec<String>,
    /// Residents of the counted members.
    pub population: f64,
    /// Their current spending, € per year.
    pub current_eur: f64,
    /// Estimated spending served as one entity, € per year (central fit).
    pub associated_eur: f64,
    /// Its range (bootstrap percentiles at the curve's level), low to high.
    pub associated_range: [f64; 2],
    /// current − associated, €.
    pub savings_eur: f64,
    /// Its range, low to high.
    pub savings_range: [f64; 2],
    /// savings / current (0.12 = 12 %).
    pub savings_share: f64,
    /// Its range, low to high.
    pub savings_share_range: [f64; 2],
}

/// The savings of `members` served as one entity of their combined population, by `curve`.
/// Fewer than two counted members save nothing (zero, with the members listed).
///
/// Counted: members with a spending (finite, ≥ 0) and a population > 0; the others are left
/// out. Associated spending is Σᵢ sᵢ · (P / pᵢ)^b with the curve's b; its range repeats that
/// for the b of every bootstrap draw and takes the percentiles at the curve's level (the
/// same rule as the curve's interval). A curve without draws gives a range of one point.
pub fn group_savings(curve: &CostCurve, members: &[Member]) -> GroupSavings {
    total_savings(curve, &[members])
}

/// The savings of several groups together, each served as one entity (as
/// [`group_savings`] prices it). The range is taken over the bootstrap draws of the sum — a
/// draw's b prices every group at once — not by adding the groups' own ranges.
pub fn total_savings(curve: &CostCurve, groups: &[&[Member]]) -> GroupSavings {
    let (mut counted, mut left_out) = (Vec::new(), Vec::new());
    let mut known: Vec<Vec<(f64, f64)>> = Vec::new();
    for members in groups {
        let mut group = Vec::new();
        for m in *members {
            match m.spending_eur {
                Some(s) if s.is_finite() && s >= 0.0 && m.population.is_finite() && m.population > 0.0 => {
                    counted.push(m.istat.clone());
                    group.push((s, m.population));
                }
                _ => left_out.push(m.istat.clone()),
            }
        }
        known.push(group);
    }
    let population: f64 = known.iter().flatten().map(|k| k.1).sum();
    let current: f64 = known.iter().flatten().map(|k| k.0).sum();
    let group_at = |group: &[(f64, f64)], b: f64| -> f64 {
        let p: f64 = group.iter().map(|k| k.1).sum();
        if group.len() < 2 {
            group.iter().map(|k| k.0).sum()
        } else {
            group.iter().map(|(s, pi)| s * (p / pi).powf(b)).sum()
        }
    };
    let associated_at = |b: f64| -> f64 { known.iter().map(|g| group_at(g, b)).sum() };
    let associated = associated_at(curve.elasticity);
    let range = percentile_interval(curve.draws.iter().map(|d| associated_at(d.1)).collect(), curve.level).unwrap_or([associated; 2]);
    let share = |v: f64| if current > 0.0 { v / current } else { 0.0 };
    let savings = current - associated;
    // More associated spending is less saving: the ends swap.
    let savings_range = [current - range[1], current - range[0]];
    GroupSavings {
        counted,
        left_out,
        population,
        current_eur: current,
        associated_eur: associated,
        associated_range: range,
        savings_eur: savings,
        savings_range,
        savings_share: share(savings),
        savings_share_range: [share(savings_range[0]), share(savings_range[1])],
    }
}
