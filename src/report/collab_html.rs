//! Existing collaborations in the report: the table of a function's collaborations (kept or
//! split and why, where each is documented) and their entry in the map's legend. The dashed
//! outlines themselves are drawn on the map by [`super::svg`]. Consumes the plan's outcomes;
//! decides nothing.

use maud::{html, Markup, PreEscaped};

use crate::plan::{CollabOutcome, FunctionPlan};

/// Dashed outline of a collaboration on the map: colour, width px, dash pattern.
pub(super) const COLLAB_LINE: (&str, f64, &str) = ("#c2185b", 2.4, "7 4");

/// Names, comma-separated (escaped where written).
fn names(c: &CollabOutcome) -> String {
    c.members.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// Where a kept collaboration ended up: its zone and group, from the plan's assignment.
fn kept_where(f: &FunctionPlan, c: &CollabOutcome) -> Option<String> {
    let (zone, group) = f.assignment.get(&c.members.first()?.istat)?;
    Some(format!("zone {zone}, group {group}"))
}

/// The table of a function's existing collaborations (nothing when it has none).
pub(super) fn table(f: &FunctionPlan) -> Markup {
    if f.collaborations.is_empty() {
        return html! {};
    }
    html! {
        h3 { "Existing collaborations" }
        p.small {
            "Dashed on the map. The plan keeps an existing collaboration in one zone and one local group whenever the bounds allow it, "
            "and splits it only when keeping it would leave no zones or groups meeting them."
        }
        table.collaborations data-function=(f.id) {
            tr { th { "Name" } th { "Members" } th { "Outcome and why" } th { "Source" } }
            @for c in &f.collaborations {
                tr {
                    td { (c.name) }
                    td.members { (names(c)) }
                    td {
                        @match &c.reason {
                            None => {
                                span.ok { "kept" } " — together in " (kept_where(f, c).unwrap_or_else(|| "one group".into()))
                                ", as it works today"
                            }
                            Some(r) => { span.warn { "split" } " — " (r) }
                        }
                        @if !c.outside_area.is_empty() {
                            br;
                            span.small { "Members outside the area, left out: " (c.outside_area.join(", ")) }
                        }
                    }
                    td.small { (c.source.as_deref().unwrap_or("not stated")) }
                }
            }
        }
    }
}

/// The legend entry for the dashed outlines (nothing when the function has no collaboration).
pub(super) fn legend_entry(f: &FunctionPlan) -> Markup {
    if f.collaborations.is_empty() {
        return html! {};
    }
    let (stroke, width, dash) = COLLAB_LINE;
    // A fixed line sample (numbers and colours only).
    let sample = format!(
        r##"<svg width="44" height="14" viewBox="0 0 44 14" aria-hidden="true"><rect width="44" height="14" fill="#9fb3c4"/><line x1="0" y1="7" x2="44" y2="7" stroke="{stroke}" stroke-width="{width}" stroke-dasharray="{dash}"/></svg>"##
    );
    html! {
        @for c in &f.collaborations {
            li class="mark collab-key" {
                (PreEscaped(&sample))
                span { "existing collaboration: " (c.name) }
            }
        }
    }
}
