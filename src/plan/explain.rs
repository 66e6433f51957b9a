//! Every sentence a plan says to its reader, in one place: why a collaboration was split, why
//! a zone's groups miss their bounds, which relaxation the plan uses instead. The tiers decide;
//! this module only words their decisions (English today; a translation replaces this file's
//! strings, not the tiers' logic).

use super::relax::Relaxation;
use super::spec::{GroupCount, GroupSpec};
use crate::solve::SolveError;

/// Why a zone bound was relaxed, for `FunctionPlan::zone_explanation`.
pub(crate) fn zones_relaxed(r: &Relaxation) -> String {
    format!("{}: {}; the plan uses the smallest relaxation found that works: {}", r.key, r.why, r.change())
}

/// The obstacle when no `k` zones meet the bounds.
pub(crate) fn no_zones(k: usize, cause: &SolveError) -> String {
    format!("no {k} contiguous zones meet the bounds: {cause}")
}

/// A collaboration with fewer than two members in the area (`codes`: all its members).
pub(crate) fn collab_outside_area(codes: &[String]) -> String {
    format!("fewer than two of its members ({}) are in the vast area", codes.join(" "))
}

/// A collaboration whose members are not one contiguous piece.
pub(crate) fn collab_not_contiguous() -> String {
    "its members do not form a contiguous territory, so no contiguous zone can hold them alone".to_string()
}

/// A collaboration refused by tier 2's admission for `k` zones of function `id`.
pub(crate) fn collab_refused_by_zones(k: usize, id: &str, why: &SolveError) -> String {
    let verdict = if matches!(why, SolveError::Infeasible(_)) { "leaves no" } else { "left no search finding" };
    format!("keeping it whole, with the collaborations kept before it, {verdict} {k} contiguous zones meeting functions.{id}.zones ({why})")
}

/// Collaborations left open when the zones had to be relaxed.
pub(crate) fn collab_dropped_by_relaxed_zones(r: &Relaxation) -> String {
    format!("the zones had to be relaxed ({}), and are solved without collaborations", r.change())
}

/// A collaboration larger than a group may be (`members` of them in the zone).
pub(crate) fn collab_too_many_units(members: usize, max_units: usize) -> String {
    format!("{members} members exceed the group maximum of {max_units} municipalities")
}

/// A collaboration with more residents than a group may have.
pub(crate) fn collab_too_populous(pop: f64, max_pop: f64) -> String {
    format!("its {pop} residents exceed the group maximum of {max_pop}")
}

/// Two members of a collaboration farther apart than a group's distance cap.
pub(crate) fn collab_too_far(a: &str, b: &str, max_km: f64) -> String {
    format!("{a} and {b} are more than {max_km} km apart")
}

/// A collaboration refused by tier 3's admission inside `zone` (1-based).
pub(crate) fn collab_refused_by_groups(zone: usize, id: &str, why: &SolveError) -> String {
    let verdict = if matches!(why, SolveError::Infeasible(_)) { "leaves" } else { "left, as far as the search found," };
    format!(
        "keeping it whole, with the collaborations kept before it, {verdict} zone {zone} without groups meeting functions.{id}.groups ({why})"
    )
}

/// A collaboration the final zones or groups split although its bounds held.
pub(crate) fn collab_split_anyway() -> String {
    "the zones or groups found split it although the bounds were met with it whole".to_string()
}

/// Why a zone has no groups meeting the bounds: the full sentence (`problem`, naming zone,
/// members and bounds) and the short one a relaxation records as its `why`.
pub(crate) struct GroupFailure {
    /// For the zone's explanation and strict mode's error.
    pub problem: String,
    /// For the relaxation's `why`.
    pub short: String,
}

/// Words a failed group search of zone `zone` (1-based) with `names` as members.
pub(crate) fn groups_failed(zone: usize, names: &[String], gs: &GroupSpec, has_keep_apart: bool, id: &str, e: &SolveError) -> GroupFailure {
    let why = e.to_string();
    // Pre-solve checks name the culprit; the solver's own proof is restated in the groups' terms.
    let detail = if e.is_solver_proof() { String::new() } else { format!(" ({why})") };
    let verdict = if matches!(e, SolveError::NotFound(_)) { "was found (the search stopped at its limits: not a proof)" } else { "exists" };
    let problem = format!(
        "zone {} ({}): no split into contiguous groups of {}–{} municipalities with {}–{} residents{}{} {verdict}{detail}",
        zone,
        names.join(", "),
        gs.min_units,
        gs.max_units,
        gs.min_pop.unwrap_or(0.0),
        gs.max_pop.map_or("any number of".to_string(), |v| v.to_string()),
        gs.max_km.map_or(String::new(), |km| format!(", members at most {km} km apart")),
        if has_keep_apart { " and the keep-apart pairs" } else { "" },
    );
    let short = format!("no split of the zone into contiguous groups meeting functions.{id}.groups {verdict}{detail}");
    GroupFailure { problem, short }
}

/// A zone whose groups use relaxation `r`.
pub(crate) fn groups_relaxed(problem: &str, r: &Relaxation) -> String {
    format!("{problem}; the plan uses the smallest relaxation found that works: {}", r.change())
}

/// A relaxation the quick search accepted and the full search could not use.
pub(crate) fn groups_relaxation_unusable(problem: &str, r: &Relaxation, e: &SolveError) -> String {
    format!("{problem}; {} works for a quick search, but the full search found no groups with it ({e})", r.change())
}

/// A zone no single relaxation helps.
pub(crate) fn groups_not_relaxable(problem: &str) -> String {
    format!("{problem}; no single relaxation tried works")
}

/// Group counts skipped because the search stopped at its limits, not because they are
/// impossible (`ks`: the counts skipped, in the order tried).
pub(crate) fn group_counts_unsettled(ks: &[usize], count: GroupCount) -> String {
    let ks: Vec<String> = ks.iter().map(usize::to_string).collect();
    let which = if count == GroupCount::Most { "more" } else { "fewer" };
    format!(
        "{which} groups not ruled out: no split into {} group(s) was found within the search limits, but none was proved impossible",
        ks.join(" or ")
    )
}

/// No group count is possible under the bounds (the range of counts is empty).
pub(crate) fn no_group_count(
    n: usize,
    pop: f64,
    min_units: Option<usize>,
    max_units: Option<usize>,
    min_pop: Option<f64>,
    max_pop: Option<f64>,
) -> SolveError {
    SolveError::Infeasible(
        format!(
            "{n} municipalities with {pop} residents cannot form groups of {}–{} municipalities and {}–{} residents",
            min_units.unwrap_or(1),
            max_units.unwrap_or(n),
            min_pop.unwrap_or(0.0),
            max_pop.map_or("∞".to_string(), |v| v.to_string())
        )
        .into(),
    )
}
