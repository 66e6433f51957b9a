//! Tier 3: the local groups of every zone of one function, each zone solved on its own (so
//! groups never cross zones). Per zone: the collaborations that fit a group become
//! keep-together, members farther apart than `max_km` become keep-apart pairs, the group count
//! is searched in the spec's order, and when no split meets the bounds the bounds are relaxed
//! as little as possible (see [`super::relax`]). Then the function's metrics.

use std::collections::BTreeMap;

use super::explain;
use super::model::{CollabOutcome, FunctionPlan, GroupPlan, PlanError, PlanMetrics, SolverRecord, UnitRef, ZonePlan};
use super::relax::{self, Relaxation, Tier};
use super::spec::{GroupCount, GroupSpec, Spec};
use super::zones::{admit, population_extent, CollabState, EXACT_RELAXATION_UNITS};
use super::{params, quick};
use crate::metrics;
use crate::objective::{tss, Medoid, Tally};
use crate::partition::Partition;
use crate::solve::{self, Constraints, Instance, Method, ObjectiveKind, Outcome, SolveError, SolveParams};
use crate::territory::Territory;

/// One zone's group problem: its municipalities (ascending) and their sub-instance, with the
/// function it belongs to.
struct Zone<'a> {
    /// 1-based zone number.
    number: usize,
    /// Members, as units of the area.
    members: Vec<usize>,
    /// The members' instance (local indices), medoid costs with the travel term.
    sub: Instance,
    spec: &'a Spec,
    /// Function id.
    id: &'a str,
}

impl Zone<'_> {
    fn bounds(&self) -> &GroupSpec {
        &self.spec.functions[self.id].groups
    }

    /// Local index of area unit `u`, when it is a member.
    fn local(&self, u: usize) -> Option<usize> {
        self.members.binary_search(&u).ok()
    }
}

/// What a zone's group search settled: the groups (local labels), how they were solved, and
/// what the plan says about them.
struct ZoneGroups {
    partition: Partition,
    record: Option<SolverRecord>,
    note: Option<String>,
    explanation: Option<String>,
}

/// The function's groups as they accumulate zone by zone.
struct Groups {
    plans: Vec<GroupPlan>,
    /// Group number of every unit of the area, for the metrics.
    labels: Vec<usize>,
    assignment: BTreeMap<String, (usize, String)>,
}

/// Tier 3 for function `id` on its `zones`, completing the function's plan.
///
/// # Errors
/// [`PlanError::Zones`] for a travel term the instance cannot carry; [`PlanError::Strict`] and
/// [`PlanError::StrictGroups`] when strict mode meets a zone whose groups miss the bounds.
pub(crate) fn solve_groups(
    t: &Territory,
    inst: &Instance,
    spec: &Spec,
    id: &str,
    zones: Outcome,
    mut collab_state: CollabState,
    progress: &(dyn Fn(&str, &str) + Sync),
) -> Result<FunctionPlan, PlanError> {
    let f = &spec.functions[id];
    let gs = &f.groups;
    let ginst_all = inst
        .clone()
        .with_medoid_options(if inst.points.is_some() { gs.compactness } else { 0.0 }, false)
        .map_err(|cause| PlanError::Zones { function: id.into(), cause })?;
    let zp = &zones.partition;
    let centres = zones.centres.clone().unwrap_or_else(|| Medoid { costs: inst.medoid.clone() }.centres(zp));
    let mut zone_plans = Vec::new();
    let mut acc = Groups { plans: Vec::new(), labels: vec![0usize; inst.n()], assignment: BTreeMap::new() };
    let mut relaxations = Vec::new();
    let keep_apart: Vec<(usize, usize)> = f.keep_apart.iter().filter_map(|[a, b]| Some((t.find(a)?.index(), t.find(b)?.index()))).collect();
    for (zi, members) in zp.zones().iter().enumerate() {
        progress(id, &format!("groups of zone {}", zi + 1));
        let mut members = members.clone();
        members.sort_unstable();
        let sub = ginst_all.subset(&members);
        let zone = Zone { number: zi + 1, members, sub, spec, id };
        let (must, must_of) = zone_collaborations(&zone, &mut collab_state);
        let local_apart: Vec<(usize, usize)> = keep_apart.iter().filter_map(|&(a, b)| Some((zone.local(a)?, zone.local(b)?))).collect();
        let cons = Constraints {
            k: 1,
            min_pop: gs.min_pop,
            max_pop: gs.max_pop,
            min_units: Some(gs.min_units),
            max_units: Some(gs.max_units),
            must_link: must.clone(),
            cannot_link: apart_within(&zone.sub, &local_apart, gs.max_km),
            centres: vec![],
        };
        let found = match choose_groups(&zone.sub, &cons, spec, gs.count, Method::Auto) {
            Err(e) if !must.is_empty() => admit_collaborations(&zone, &cons, e, &must, &must_of, &mut collab_state),
            found => found,
        };
        let settled = match found {
            Ok((o, note)) => ZoneGroups { partition: o.partition.clone(), record: Some(SolverRecord::of(&o)), note, explanation: None },
            Err(e) => relax_groups(t, &zone, &cons, &local_apart, &e, &mut relaxations)?,
        };
        let ids = record_groups(t, inst, &zone, &settled.partition, &keep_apart, &mut acc);
        zone_plans.push(ZonePlan {
            id: zone.number,
            members: zone.members.iter().map(|&u| UnitRef::of(t, u)).collect(),
            centre: UnitRef::of(t, centres[zi]),
            population: zone.members.iter().map(|&u| inst.pop[u]).sum(),
            ssd: Tally::new(zone.sub.x.view(), &Partition::from_labels(&vec![0; zone.members.len()])).ssd(),
            diameter_km: inst.points.as_deref().map(|p| metrics::diameter_km(p, &zone.members)),
            groups: ids,
            group_solver: settled.record,
            group_note: settled.note,
            explanation: settled.explanation,
        });
    }
    let metrics = plan_metrics(inst, zp, &acc.labels, &acc.plans);
    let collaborations = collaboration_outcomes(t, collab_state, zp, &acc.labels);
    Ok(FunctionPlan {
        id: id.to_string(),
        label: f.label.clone(),
        horizon: f.horizon,
        zones: zone_plans,
        groups: acc.plans,
        zone_solver: SolverRecord::of(&zones),
        zone_explanation: None,
        relaxations,
        metrics,
        collaborations,
        assignment: acc.assignment,
        economy: None,
    })
}

/// The open collaborations lying wholly in `zone` that can fit one group, as local
/// keep-together sets with their index in `collab_state`; those that cannot are marked split,
/// with the bound they break.
fn zone_collaborations(zone: &Zone, collab_state: &mut CollabState) -> (Vec<Vec<usize>>, Vec<usize>) {
    let (sub, gs) = (&zone.sub, zone.bounds());
    let mut must = Vec::new();
    let mut must_of = Vec::new();
    for (ci, s) in collab_state.iter_mut().enumerate().filter(|(_, s)| s.2.is_none()) {
        let loc: Vec<usize> = s.1.iter().filter_map(|&u| zone.local(u)).collect();
        if loc.len() != s.1.len() {
            continue; // not in this zone (kept together by tier 2, so in another one)
        }
        let pop: f64 = loc.iter().map(|&u| sub.pop[u]).sum();
        let far = sub.points.as_ref().and_then(|p| {
            let km = gs.max_km?;
            loc.iter().flat_map(|&a| loc.iter().map(move |&b| (a, b))).find(|&(a, b)| metrics::km(p[a], p[b]) > km)
        });
        if loc.len() > gs.max_units {
            s.2 = Some(explain::collab_too_many_units(loc.len(), gs.max_units));
        } else if let Some(hi) = gs.max_pop.filter(|&hi| pop > hi) {
            s.2 = Some(explain::collab_too_populous(pop, hi));
        } else if let (Some((a, b)), Some(km)) = (far, gs.max_km) {
            s.2 = Some(explain::collab_too_far(&sub.labels[a], &sub.labels[b], km));
        } else {
            must.push(loc);
            must_of.push(ci);
        }
    }
    (must, must_of)
}

/// When the zone's collaborations together leave no groups (`e`): admits them one at a time,
/// in order, splitting only those that leave the zone without groups meeting the bounds, then
/// searches again. `e` stands when the zone has no groups even without collaborations.
fn admit_collaborations(
    zone: &Zone,
    cons: &Constraints,
    e: SolveError,
    must: &[Vec<usize>],
    must_of: &[usize],
    collab_state: &mut CollabState,
) -> Result<(Outcome, Option<String>), SolveError> {
    let (sub, spec) = (&zone.sub, zone.spec);
    let loose = Constraints { must_link: vec![], ..cons.clone() };
    // Whether some split meets the bounds: heuristic first, exact search after.
    let splits = |c: &Constraints| {
        choose_groups(sub, c, spec, GroupCount::Fewest, Method::Heuristic)
            .or_else(|_| choose_groups(sub, c, spec, GroupCount::Fewest, Method::Auto))
    };
    if splits(&loose).is_err() {
        return Err(e);
    }
    let (admitted, refused) = admit(must, |m| splits(&Constraints { must_link: m.to_vec(), ..cons.clone() }).map(|_| ()));
    for (i, why) in refused {
        collab_state[must_of[i]].2 = Some(explain::collab_refused_by_groups(zone.number, zone.id, &why));
    }
    choose_groups(sub, &Constraints { must_link: admitted, ..cons.clone() }, spec, zone.bounds().count, Method::Auto)
}

/// A zone whose groups cannot meet the bounds (`e`): the smallest single relaxation that
/// works, recorded in `relaxations`, or one group for the whole zone, with the explanation.
///
/// # Errors
/// Strict mode refuses both outcomes.
fn relax_groups(
    t: &Territory,
    zone: &Zone,
    cons: &Constraints,
    local_apart: &[(usize, usize)],
    e: &SolveError,
    relaxations: &mut Vec<Relaxation>,
) -> Result<ZoneGroups, PlanError> {
    let (sub, spec, id, gs) = (&zone.sub, zone.spec, zone.id, zone.bounds());
    let names: Vec<String> = zone.members.iter().map(|&u| t.units[u].to_string()).collect();
    let has_keep_apart = !spec.functions[id].keep_apart.is_empty();
    let failure = explain::groups_failed(zone.number, &names, gs, has_keep_apart, id, e);
    let one_group = |explanation: String| ZoneGroups {
        partition: Partition::from_labels(&vec![0; zone.members.len()]),
        record: None,
        note: None,
        explanation: Some(explanation),
    };
    match group_relaxation(sub, cons, local_apart, gs.max_km, spec, id, zone.number, &failure.short) {
        Some((_, r)) if spec.solver.strict => Err(PlanError::Strict { function: id.into(), relaxation: r }),
        None if spec.solver.strict => Err(PlanError::StrictGroups { function: id.into(), explanation: failure.problem }),
        Some((relaxed, r)) => Ok(
            match choose_groups(sub, &relaxed, spec, gs.count, Method::Auto)
                .or_else(|_| choose_groups(sub, &relaxed, spec, GroupCount::Fewest, Method::Heuristic))
            {
                Ok((o, note)) => {
                    let explanation = explain::groups_relaxed(&failure.problem, &r);
                    relaxations.push(r);
                    ZoneGroups { partition: o.partition.clone(), record: Some(SolverRecord::of(&o)), note, explanation: Some(explanation) }
                }
                Err(e2) => one_group(explain::groups_relaxation_unusable(&failure.problem, &r, &e2)),
            },
        ),
        None => Ok(one_group(explain::groups_not_relaxable(&failure.problem))),
    }
}

/// Records the zone's groups (`part`, local labels) in `acc`, each measured against the
/// spec's bounds, relaxed or not; returns their ids.
fn record_groups(
    t: &Territory,
    inst: &Instance,
    zone: &Zone,
    part: &Partition,
    keep_apart: &[(usize, usize)],
    acc: &mut Groups,
) -> Vec<String> {
    let (sub, gs) = (&zone.sub, zone.bounds());
    let gcentres = Medoid { costs: sub.medoid.clone() }.centres(part);
    let gtally = Tally::new(sub.x.view(), part);
    let mut ids = Vec::new();
    for (gi, gm) in part.zones().iter().enumerate() {
        let gid = format!("{}.{}", zone.number, gi + 1);
        let mut gm: Vec<usize> = gm.iter().map(|&l| zone.members[l]).collect();
        gm.sort_unstable();
        let number = acc.plans.len();
        for &u in &gm {
            acc.labels[u] = number;
            acc.assignment.insert(t.units[u].istat.clone(), (zone.number, gid.clone()));
        }
        let pop: f64 = gm.iter().map(|&u| inst.pop[u]).sum();
        let d = inst.points.as_deref().map(|p| metrics::diameter_km(p, &gm));
        let meets = (gs.min_units..=gs.max_units).contains(&gm.len())
            && gs.min_pop.is_none_or(|lo| pop >= lo)
            && gs.max_pop.is_none_or(|hi| pop <= hi)
            && gs.max_km.zip(d).is_none_or(|(km, d)| d <= km + 1e-9)
            && !keep_apart.iter().any(|(a, b)| gm.contains(a) && gm.contains(b));
        acc.plans.push(GroupPlan {
            id: gid.clone(),
            zone: zone.number,
            members: gm.iter().map(|&u| UnitRef::of(t, u)).collect(),
            centre: UnitRef::of(t, zone.members[gcentres[gi]]),
            population: pop,
            ssd: gtally.zone_ssd(gi),
            diameter_km: d,
            meets_bounds: meets,
        });
        ids.push(gid);
    }
    ids
}

/// The function's quality figures: zones `zp`, groups as `group_labels` over the whole area.
fn plan_metrics(inst: &Instance, zp: &Partition, group_labels: &[usize], groups: &[GroupPlan]) -> PlanMetrics {
    let ssd = inst.objective(ObjectiveKind::Ssd).evaluate(zp);
    let total = tss(inst.x.view());
    let pops = metrics::zone_pops(&inst.pop, zp);
    let gpart = Partition::from_labels(group_labels);
    let meeting = groups.iter().filter(|g| g.meets_bounds).count();
    PlanMetrics {
        ssd,
        r2: metrics::r2(ssd, total),
        pairwise: inst.objective(ObjectiveKind::Pairwise).evaluate(zp),
        zone_pop_min: pops.iter().copied().fold(f64::INFINITY, f64::min),
        zone_pop_max: pops.iter().copied().fold(0.0, f64::max),
        zone_pop_cv: metrics::population_cv(&pops),
        group_r2: metrics::r2(inst.objective(ObjectiveKind::Ssd).evaluate(&gpart), total),
        max_group_diameter_km: groups.iter().filter_map(|g| g.diameter_km).reduce(f64::max),
        groups_meeting_bounds: format!("{meeting}/{}", groups.len()),
    }
}

/// What became of each collaboration. What the plan says it kept, it kept: checked against
/// the final zones and groups.
fn collaboration_outcomes(t: &Territory, mut collab_state: CollabState, zp: &Partition, group_labels: &[usize]) -> Vec<CollabOutcome> {
    for s in collab_state.iter_mut().filter(|s| s.2.is_none()) {
        if s.1.iter().any(|&u| zp.zone_of(u) != zp.zone_of(s.1[0]) || group_labels[u] != group_labels[s.1[0]]) {
            s.2 = Some(explain::collab_split_anyway());
        }
    }
    collab_state
        .into_iter()
        .map(|(name, ids, reason)| CollabOutcome {
            name,
            members: ids.iter().map(|&u| UnitRef::of(t, u)).collect(),
            kept: reason.is_none(),
            reason,
            outside_area: Vec::new(),
            source: None,
        })
        .collect()
}

/// The fewest (or, with `count = "most"`, the most) groups that meet every bound, trying the
/// counts the bounds allow in that order. Also returns a note when a better count was only
/// not found, rather than proved impossible.
fn choose_groups(
    sub: &Instance,
    cons: &Constraints,
    spec: &Spec,
    spec_count: GroupCount,
    method: Method,
) -> Result<(Outcome, Option<String>), SolveError> {
    let n = sub.n();
    let pop: f64 = sub.pop.iter().sum();
    let lo_units = n.div_ceil(cons.max_units.unwrap_or(n).max(1));
    let lo_pop = cons.max_pop.map_or(1, |hi| (pop / hi - 1e-9).ceil() as usize);
    let hi_units = n / cons.min_units.unwrap_or(1).max(1);
    let hi_pop = cons.min_pop.map_or(n, |lo| if lo > 0.0 { (pop / lo + 1e-9).floor() as usize } else { n });
    let (lo, hi) = (lo_units.max(lo_pop).max(1), hi_units.min(hi_pop).min(n));
    let mut last = None;
    // The relaxation search only asks "is there one?": a few heuristic starts suffice.
    let p = if method == Method::Heuristic {
        quick(spec)
    } else {
        SolveParams { node_limit: Some(spec.solver.group_node_limit), ..params(spec) }
    };
    let mut unsettled = Vec::new();
    let order: Vec<usize> = match spec_count {
        GroupCount::Fewest => (lo..=hi).collect(),
        GroupCount::Most => (lo..=hi).rev().collect(),
    };
    for k in order {
        let c = Constraints { k, ..cons.clone() };
        match solve::solve(sub, &c, &p, method) {
            Ok(o) => {
                let note = (!unsettled.is_empty()).then(|| explain::group_counts_unsettled(&unsettled, spec_count));
                return Ok((o, note));
            }
            Err(e) => {
                if matches!(e, SolveError::NotFound(_)) {
                    unsettled.push(k);
                }
                last = Some(e)
            }
        }
    }
    Err(last.unwrap_or_else(|| explain::no_group_count(n, pop, cons.min_units, cons.max_units, cons.min_pop, cons.max_pop)))
}

/// Pairs of a zone's municipalities that may not share a group: the keep-apart pairs, and
/// every pair farther apart than `max_km`.
fn apart_within(sub: &Instance, keep_apart: &[(usize, usize)], max_km: Option<f64>) -> Vec<(usize, usize)> {
    let mut apart = keep_apart.to_vec();
    if let (Some(km), Some(p)) = (max_km, sub.points.as_ref()) {
        for a in 0..sub.n() {
            for b in a + 1..sub.n() {
                if metrics::km(p[a], p[b]) > km {
                    apart.push((a, b));
                }
            }
        }
    }
    apart
}

/// The smallest single change to a zone's group bounds that makes groups possible (tested
/// with the heuristic): a population bound moved to the nearest value that works, a
/// municipality count by the fewest units, or the distance cap raised by the fewest km.
#[allow(clippy::too_many_arguments)]
fn group_relaxation(
    sub: &Instance,
    cons: &Constraints,
    keep_apart: &[(usize, usize)],
    max_km: Option<f64>,
    spec: &Spec,
    id: &str,
    zone: usize,
    why: &str,
) -> Option<(Constraints, Relaxation)> {
    // A quick heuristic look; on small zones the exact search (which proves) where it misses.
    let works = |c: &Constraints| {
        choose_groups(sub, c, spec, GroupCount::Fewest, Method::Heuristic).is_ok()
            || (sub.n() <= EXACT_RELAXATION_UNITS && choose_groups(sub, c, spec, GroupCount::Fewest, Method::Auto).is_ok())
    };
    let (total, largest) = population_extent(sub);
    let mut found = relax::population(cons, total, largest, &works);
    found.extend(relax::units(cons, sub.n(), &works));
    let all: Vec<usize> = (0..sub.n()).collect();
    if let (Some(km), Some(widest)) = (max_km, sub.points.as_deref().map(|p| metrics::diameter_km(p, &all))) {
        let with = |cap: f64| Constraints { cannot_link: apart_within(sub, keep_apart, Some(cap)), ..cons.clone() };
        if let Some(v) = relax::smallest_working(km, widest, &|v| works(&with(v))).filter(|&v| v > km) {
            found.push(relax::Candidate { size: (v - km) / km.max(1e-9), cons: with(v), name: "max_km", asked: km, used: Some(v) });
        }
    }
    relax::smallest(found, Tier::Groups, Some(zone), &format!("functions.{id}.groups"), why)
}
