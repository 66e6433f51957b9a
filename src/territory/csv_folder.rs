//! Reading an instance without polygons: a folder with `units.csv` and `edges.csv`.
//!
//! `units.csv`: `istat` (or `id`), optional `name`, `district`, `pop` (or `pop_2023`),
//! `area_km2`, `lon`, `lat`; every other column is a feature and must hold a finite number
//! on every row. `edges.csv`: `a`, `b` (or `id_a`, `id_b`) naming ids of `units.csv`, and an
//! optional `border_m` (shared border in metres, needed for rook contiguity).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::{
    normalize_istat, parse_field, parse_value, unit_label, Attribute, CsvTable, GivenEdge, Location, Municipality,
    MunicipalityId, Problem, SeenIds, Shapes, Territory, TerritoryError, LATITUDE, LONGITUDE, NON_NEGATIVE,
    RESERVED,
};

pub(super) fn load(folder: &Path) -> Result<Territory, TerritoryError> {
    let units_path = folder.join("units.csv");
    let (units, attributes) = read_units(&units_path)?;
    let edges = read_edges(&folder.join("edges.csv"), &units)?;
    Ok(Territory {
        source: folder.display().to_string(),
        units,
        shapes: Shapes::Edges(edges),
        attributes,
    })
}

fn read_units(path: &Path) -> Result<(Vec<Municipality>, Vec<Attribute>), TerritoryError> {
    let mut table = CsvTable::open(path)?;
    let invalid = |problems| TerritoryError::Invalid { path: path.to_path_buf(), problems };
    if table.headers.iter().all(String::is_empty) {
        // A zero-byte file: say the area is empty rather than that a column is missing.
        return Err(invalid(vec![(Location::File, Problem::Empty)]));
    }
    let id_col = table.require(&["istat", "id"])?;
    let id_name = table.headers[id_col].clone();
    let col = |names: &[&str]| table.column(names);
    let (name_col, district_col, pop_col) =
        (col(&["name"]), col(&["district"]), col(&["pop", "pop_2023"]));
    let (area_col, lon_col, lat_col) = (col(&["area_km2"]), col(&["lon"]), col(&["lat"]));
    let feature_cols: Vec<(usize, String)> = table
        .headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !RESERVED.contains(&h.as_str()))
        .map(|(i, h)| (i, h.clone()))
        .collect();

    let mut problems = Vec::new();
    let mut seen = SeenIds::default();
    let mut units = Vec::new();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); feature_cols.len()];
    for (line, record) in table.records(&mut problems) {
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty());
        let istat = cell(Some(id_col)).map(normalize_istat);
        let name = cell(name_col).map(str::to_string);
        let at = Location::Row { line, unit: unit_label(istat.as_deref(), name.as_deref()) };
        let mut report = |p: Problem| problems.push((at.clone(), p));
        match &istat {
            None => report(Problem::EmptyId(id_name.clone())),
            Some(id) => {
                if let Err(p) = seen.check(id, format!("row {line}")) {
                    report(p);
                }
            }
        }
        let mut field = |c: Option<usize>, name: &'static str, bounds| {
            cell(c).and_then(|t| parse_field(name, t, bounds).map_err(&mut report).ok())
        };
        let pop = field(pop_col, "pop", NON_NEGATIVE);
        let area_km2 = field(area_col, "area_km2", NON_NEGATIVE);
        let point = field(lon_col, "lon", LONGITUDE).zip(field(lat_col, "lat", LATITUDE));
        for (k, (c, fname)) in feature_cols.iter().enumerate() {
            let v = parse_value(fname, record.get(*c).unwrap_or(""));
            values[k].push(v.map_err(&mut report).unwrap_or(f64::NAN));
        }
        units.push(Municipality {
            istat: istat.unwrap_or_default(),
            name: name.unwrap_or_default(),
            district: cell(district_col).map(str::to_string),
            pop,
            area_km2,
            point,
        });
    }
    if units.is_empty() && problems.is_empty() {
        problems.push((Location::File, Problem::Empty));
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let attributes = feature_cols
        .into_iter()
        .zip(values)
        .map(|((_, name), values)| Attribute { name, values })
        .collect();
    Ok((units, attributes))
}

fn read_edges(path: &Path, units: &[Municipality]) -> Result<Vec<GivenEdge>, TerritoryError> {
    let mut table = CsvTable::open(path)?;
    let invalid = |problems| TerritoryError::Invalid { path: path.to_path_buf(), problems };
    let a_col = table.require(&["a", "id_a"])?;
    let b_col = table.require(&["b", "id_b"])?;
    let (a_name, b_name) = (table.headers[a_col].clone(), table.headers[b_col].clone());
    let len_col = table.column(&["border_m"]);
    let index: HashMap<&str, u32> =
        units.iter().enumerate().map(|(i, u)| (u.istat.as_str(), i as u32)).collect();

    let mut problems = Vec::new();
    let mut edges: BTreeMap<(MunicipalityId, MunicipalityId), Option<f64>> = BTreeMap::new();
    for (line, record) in table.records(&mut problems) {
        let a = normalize_istat(record.get(a_col).unwrap_or(""));
        let b = normalize_istat(record.get(b_col).unwrap_or(""));
        // `017103–017089` when both ids are there; a blank one is reported on its own.
        let pair = (!a.is_empty() && !b.is_empty()).then(|| format!("{a}–{b}"));
        let at = Location::Row { line, unit: pair };
        let mut ids = Vec::new();
        for (id, column) in [(&a, &a_name), (&b, &b_name)] {
            match index.get(id.as_str()) {
                _ if id.is_empty() => problems.push((at.clone(), Problem::EmptyId(column.clone()))),
                Some(&i) => ids.push(MunicipalityId(i)),
                None => problems.push((at.clone(), Problem::UnknownId(id.clone()))),
            }
        }
        if a == b && !a.is_empty() {
            problems.push((at.clone(), Problem::SelfLoop(a.clone())));
            continue;
        }
        let border_m = match len_col.and_then(|c| record.get(c)).map(str::trim) {
            None | Some("") => None,
            Some(t) => match parse_field("border_m", t, NON_NEGATIVE) {
                Ok(v) => Some(v),
                Err(p) => {
                    problems.push((at.clone(), p));
                    None
                }
            },
        };
        if let [x, y] = ids[..] {
            // A pair listed twice (either order) is kept once, with its first length.
            edges.entry((x.min(y), x.max(y))).or_insert(border_m);
        }
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    Ok(edges.into_iter().map(|((a, b), border_m)| GivenEdge { a, b, border_m }).collect())
}
