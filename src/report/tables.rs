//! CSV tables written by the commands (`compare.csv`, `distances.csv`, `graph --edges-out`),
//! all through the `csv` crate so a name with a comma or a quote is escaped. Consumes
//! results; computes nothing.

use crate::compare::Comparison;
use crate::graph::AdjacencyGraph;
use crate::territory::Territory;

/// `compare.csv`: one row per scenario (the numbers of compare.json, without labels).
///
/// # Errors
/// A [`csv::Error`] (none happen when writing to memory, but the writer's API can fail).
pub fn scenarios_csv(result: &Comparison) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["scenario", "k", "method", "ssd", "r2", "r2_common", "pairwise", "pop_cv", "contiguous", "status", "gap", "seconds"])?;
    for r in &result.scenarios {
        // The status as compare.json spells it (`optimal`, `time_limit`, …).
        let status = serde_json::to_value(r.status).ok().and_then(|v| v.as_str().map(str::to_string));
        w.write_record([
            r.name.clone(),
            r.k.to_string(),
            r.method.to_string(),
            r.ssd.to_string(),
            r.r2.to_string(),
            r.r2_common.to_string(),
            r.pairwise.to_string(),
            r.pop_cv.to_string(),
            r.contiguous.to_string(),
            status.unwrap_or_default(),
            r.gap.map_or(String::new(), |g| g.to_string()),
            r.seconds.to_string(),
        ])?;
    }
    into_bytes(w)
}

/// `distances.csv`: ARI, VI and municipalities moved for every pair of scenarios.
///
/// # Errors
/// As [`scenarios_csv`].
pub fn distances_csv(result: &Comparison) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["a", "b", "ari", "vi", "moved"])?;
    for d in &result.distances {
        w.write_record([d.a.clone(), d.b.clone(), d.ari.to_string(), d.vi.to_string(), d.moved.to_string()])?;
    }
    into_bytes(w)
}

/// The edges of `g` as `a,b,border_m` (ISTAT codes; the shared border in metres to 0.1 m,
/// empty when the edge has no length).
///
/// # Errors
/// As [`scenarios_csv`].
pub fn edges_csv(t: &Territory, g: &AdjacencyGraph) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["a", "b", "border_m"])?;
    for (a, b, len) in g.edges() {
        let len = len.map(|m| format!("{m:.1}")).unwrap_or_default();
        w.write_record([t.unit(a).istat.as_str(), t.unit(b).istat.as_str(), &len])?;
    }
    into_bytes(w)
}

fn into_bytes(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Contiguity;

    #[test]
    fn edges_of_the_default_area_are_one_row_each_with_lengths_to_a_decimetre() {
        let t = Territory::embedded_default();
        let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
        let text = String::from_utf8(edges_csv(&t, &g).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "a,b,border_m");
        assert_eq!(lines.len(), 1 + g.edge_count());
        assert!(text.ends_with('\n') && !text.contains('\r'));
        // Same text as formatting each edge by hand.
        for (line, (a, b, len)) in lines[1..].iter().zip(g.edges()) {
            let len = len.map(|m| format!("{m:.1}")).unwrap_or_default();
            assert_eq!(*line, format!("{},{},{len}", t.unit(a).istat, t.unit(b).istat));
        }
    }

    #[test]
    fn a_missing_length_is_an_empty_last_field() {
        let t = Territory::embedded_default();
        let g = AdjacencyGraph::from_edges(t.len(), &[(0, 1, None)], Contiguity::Queen);
        let text = String::from_utf8(edges_csv(&t, &g).unwrap()).unwrap();
        assert_eq!(text, format!("a,b,border_m\n{},{},\n", t.units[0].istat, t.units[1].istat));
    }
}
