//! Reading an instance without polygons: a folder with `units.csv` and `edges.csv`.
//!
//! `units.csv`: `istat` (or `id`), optional `name`, `district`, `pop` (or `pop_2023`),
//! `area_km2`, `lon`, `lat`; every other column is a feature and must hold a finite number
//! on every row. An optional column that is there needs a value on every row (a blank name,
//! population or coordinate is an error, not a unit without one); populations are whole
//! numbers, areas positive. `edges.csv`: `a`, `b` (or `id_a`, `id_b`) naming ids of
//! `units.csv`, and an optional `border_m` (shared border in metres, needed for rook
//! contiguity); a pair listed twice must repeat its length. Ids written as decimal numbers
//! (`17001.0`, a spreadsheet's doing) are one problem per column, not one per row.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::{
    looks_like_float_code, normalize_istat, parse_field, parse_population, parse_value, unit_label, Attribute, CsvTable, GivenEdge,
    Location, Municipality, MunicipalityId, Problem, Projection, SeenIds, Shapes, Territory, TerritoryError, AREA, LATITUDE, LONGITUDE,
    NON_NEGATIVE, RESERVED,
};

pub(super) fn load(folder: &Path) -> Result<Territory, TerritoryError> {
    let units_path = folder.join("units.csv");
    let (units, attributes) = read_units(&units_path)?;
    let edges = read_edges(&folder.join("edges.csv"), &units)?;
    // Areas and borders are given; the projection only draws the points on maps.
    let projection = Projection::for_points(units.iter().filter_map(|u| u.point));
    Ok(Territory { source: folder.display().to_string(), units, shapes: Shapes::Edges(edges), attributes, projection })
}

/// The id of a cell, or the problem with it: blank, or a decimal number (`17001.0`).
fn id_cell(raw: &str, column: &str) -> Result<String, Problem> {
    let t = raw.trim();
    if t.is_empty() {
        Err(Problem::EmptyId(column.to_string()))
    } else if looks_like_float_code(t) {
        Err(Problem::FloatIds { column: column.to_string(), value: t.to_string(), count: 1 })
    } else {
        Ok(normalize_istat(t))
    }
}

fn read_units(path: &Path) -> Result<(Vec<Municipality>, Vec<Attribute>), TerritoryError> {
    let mut table = CsvTable::open(path)?;
    let invalid = |problems| TerritoryError::invalid(path, problems);
    if table.is_blank() {
        // A zero-byte file: say the area is empty rather than that a column is missing.
        return Err(invalid(vec![(Location::File, Problem::Empty)]));
    }
    let id_col = table.require(&["istat", "id"])?;
    let id_name = table.headers[id_col].clone();
    let col = |names: &[&str]| table.column(names);
    let (name_col, district_col, pop_col) = (col(&["name"]), col(&["district"]), col(&["pop", "pop_2023"]));
    let (area_col, lon_col, lat_col) = (col(&["area_km2"]), col(&["lon"]), col(&["lat"]));
    let half = match (lon_col, lat_col) {
        (Some(_), None) => Some(Problem::HalfPoint { given: "lon", missing: "lat" }),
        (None, Some(_)) => Some(Problem::HalfPoint { given: "lat", missing: "lon" }),
        _ => None,
    };
    if let Some(p) = half {
        return Err(invalid(vec![(Location::Row { line: 1, unit: None }, p)]));
    }
    let feature_cols: Vec<(usize, String)> =
        table.headers.iter().enumerate().filter(|(_, h)| !RESERVED.contains(&h.as_str())).map(|(i, h)| (i, h.clone())).collect();

    let mut problems = Vec::new();
    let mut seen = SeenIds::default();
    let mut units = Vec::new();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); feature_cols.len()];
    let header = |c: Option<usize>| c.map(|c| table.headers[c].clone()).unwrap_or_default();
    let pop_name = header(pop_col);
    for (line, record) in table.records(&mut problems) {
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty());
        let id = id_cell(record.get(id_col).unwrap_or(""), &id_name);
        let istat = id.as_ref().ok().cloned();
        let name = cell(name_col).map(str::to_string);
        let at = Location::Row { line, unit: unit_label(istat.as_deref(), name.as_deref()) };
        let mut report = |p: Problem| problems.push((at.clone(), p));
        match id {
            Err(p) => report(p),
            Ok(id) => {
                if let Err(p) = seen.check(&id, format!("row {line}")) {
                    report(p);
                }
            }
        }
        if name_col.is_some() && name.is_none() {
            report(Problem::MissingName);
        }
        // A column that is there needs a value on every row.
        let mut blank = |c: Option<usize>, field: &str| {
            if c.is_some() && cell(c).is_none() {
                report(Problem::BlankCell(field.to_string()));
            }
        };
        blank(pop_col, &pop_name);
        blank(area_col, "area_km2");
        blank(lon_col, "lon");
        blank(lat_col, "lat");
        let pop = cell(pop_col).and_then(|t| parse_population("pop", t).map_err(&mut report).ok());
        let mut field =
            |c: Option<usize>, name: &'static str, bounds| cell(c).and_then(|t| parse_field(name, t, bounds).map_err(&mut report).ok());
        let area_km2 = field(area_col, "area_km2", AREA);
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
    if let (Some(_), Some(_)) = (lon_col, lat_col) {
        problems.extend(swapped_columns(&units));
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let attributes = feature_cols.into_iter().zip(values).map(|((_, name), values)| Attribute { name, values }).collect();
    Ok((units, attributes))
}

fn read_edges(path: &Path, units: &[Municipality]) -> Result<Vec<GivenEdge>, TerritoryError> {
    let mut table = CsvTable::open(path)?;
    let invalid = |problems| TerritoryError::invalid(path, problems);
    let a_col = table.require(&["a", "id_a"])?;
    let b_col = table.require(&["b", "id_b"])?;
    let (a_name, b_name) = (table.headers[a_col].clone(), table.headers[b_col].clone());
    let len_col = table.column(&["border_m"]);
    let index: HashMap<&str, u32> = units.iter().enumerate().map(|(i, u)| (u.istat.as_str(), i as u32)).collect();

    let mut problems = Vec::new();
    let mut edges: BTreeMap<(MunicipalityId, MunicipalityId), (Option<f64>, u64)> = BTreeMap::new();
    for (line, record) in table.records(&mut problems) {
        let a_id = id_cell(record.get(a_col).unwrap_or(""), &a_name);
        let b_id = id_cell(record.get(b_col).unwrap_or(""), &b_name);
        let (a, b) = (a_id.clone().unwrap_or_default(), b_id.clone().unwrap_or_default());
        // `017103–017089` when both ids are there; a blank one is reported on its own.
        let pair = (!a.is_empty() && !b.is_empty()).then(|| format!("{a}–{b}"));
        let at = Location::Row { line, unit: pair };
        let mut ids = Vec::new();
        for id in [a_id, b_id] {
            match id {
                Err(p) => problems.push((at.clone(), p)),
                Ok(id) => match index.get(id.as_str()) {
                    Some(&i) => ids.push(MunicipalityId(i)),
                    None => problems.push((at.clone(), Problem::UnknownId(id))),
                },
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
            // A pair listed twice (either order) is kept once; it must repeat its length.
            match edges.get(&(x.min(y), x.max(y))) {
                None => {
                    edges.insert((x.min(y), x.max(y)), (border_m, line));
                }
                Some(&(Some(length), first)) => {
                    if let Some(again) = border_m.filter(|&m| m != length) {
                        let first = format!("row {first}");
                        problems.push((at.clone(), Problem::ConflictingEdge { first, length, again }));
                    }
                }
                Some(_) => {}
            }
        }
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    Ok(edges.into_iter().map(|((a, b), (border_m, _))| GivenEdge { a, b, border_m }).collect())
}

/// Points of ISTAT-coded units that lie outside Italy but inside it read the other way round:
/// the `lon` and `lat` columns hold each other's values. One problem, at the file, when every
/// point is so; none otherwise (a few far points are not evidence of a swap).
fn swapped_columns(units: &[Municipality]) -> Option<(Location, Problem)> {
    let (lo, hi) = super::geojson_file::ITALY;
    let istat = |u: &&Municipality| u.istat.len() == 6 && u.istat.bytes().all(|b| b.is_ascii_digit());
    let points: Vec<(f64, f64)> = units.iter().filter(istat).filter_map(|u| u.point).collect();
    let inside = |x: f64, y: f64| (lo[0]..=hi[0]).contains(&x) && (lo[1]..=hi[1]).contains(&y);
    let all_swapped = !points.is_empty() && points.iter().all(|&(x, y)| !inside(x, y) && inside(y, x));
    all_swapped.then(|| {
        let (lon, lat) = points[0];
        (Location::File, Problem::SwappedColumns { lon, lat })
    })
}
