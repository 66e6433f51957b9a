//! The feature matrix: one row per municipality, one named column per feature.
//!
//! Owns joining extra CSV columns by ISTAT code, z-scores (population standard deviation,
//! ddof = 0, as PRODUCT.md defines), per-feature weights and the dissimilarity between units.
//! Weights scale squared distances: a column with weight w is multiplied by √w, so the squared
//! Euclidean distance becomes Σ w·(zᵢ − zⱼ)². Must not touch geometry.

use std::collections::HashMap;
use std::path::Path;

use ndarray::{Array2, ArrayView1, Axis};
use serde::Serialize;
use thiserror::Error;

mod default_area;

pub use default_area::{default_feature_sources, FeatureSource, ECONOMIC_FEATURES};

use crate::territory::{looks_like_float_code, normalize_istat, parse_value, CsvTable, Location, Problem, Territory, TerritoryError};

/// Errors selecting, joining or weighting features.
#[derive(Debug, Error)]
pub enum FeatureError {
    /// A feature name that the area does not have.
    #[error("unknown feature `{name}`; the area has: {}", available.join(", "))]
    UnknownFeature {
        /// The name asked for.
        name: String,
        /// The names available.
        available: Vec<String>,
    },
    /// A weight that is negative or not finite.
    #[error("weight of feature `{feature}` must be a finite number ≥ 0, found {value}")]
    BadWeight {
        /// Feature name.
        feature: String,
        /// The weight.
        value: f64,
    },
    /// Nothing to compare municipalities on.
    #[error("no feature selected: at least one numeric feature is needed")]
    NoFeatures,
    /// An extra feature CSV that cannot be read or joined (names file, row and municipality).
    #[error(transparent)]
    Csv(#[from] TerritoryError),
    /// Values so large that the mean or standard deviation of their column overflows.
    #[error(
        "{area}: feature `{feature}` cannot be standardized: its {what} overflows a double; the largest value is {value:e}, at {unit}"
    )]
    Overflow {
        /// The territory's source (a file).
        area: String,
        /// Feature name.
        feature: String,
        /// `mean` or `standard deviation`.
        what: &'static str,
        /// The value of largest magnitude.
        value: f64,
        /// `017103 Manerbio`, the municipality holding it.
        unit: String,
    },
}

/// Something a feature CSV join noticed that does not stop it.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FeatureWarning {
    /// Rows naming municipalities that are not in the area were skipped.
    #[error(
        "{path}: {} row{} name municipalities outside the area and {} skipped: {}{}",
        codes.len(), if codes.len() == 1 { "" } else { "s" }, if codes.len() == 1 { "was" } else { "were" },
        codes.iter().take(10).cloned().collect::<Vec<_>>().join(", "),
        if codes.len() > 10 { format!(", … ({} more)", codes.len() - 10) } else { String::new() }
    )]
    RowsOutsideArea {
        /// The CSV.
        path: std::path::PathBuf,
        /// Their codes, in file order.
        codes: Vec<String>,
    },
    /// Rows whose `name` is not the area's name for their code: shifted or mistyped codes
    /// join the wrong municipality's values. A warning, since names are spelt in many ways;
    /// letter case, accents, spaces and punctuation are not compared.
    #[error(
        "{path}: the name on {} row{} is not the area's name for the code (a shifted or mistyped code joins another municipality's values): {}{}",
        rows.len(), if rows.len() == 1 { "" } else { "s" },
        rows.iter().take(5).map(|(line, code, theirs, ours)| format!("row {line} {code} {theirs:?} (the area's {code} is {ours:?})")).collect::<Vec<_>>().join(", "),
        if rows.len() > 5 { format!(", … ({} more)", rows.len() - 5) } else { String::new() }
    )]
    NameMismatch {
        /// The CSV.
        path: std::path::PathBuf,
        /// (line, code, name in the CSV, name in the area), in file order.
        rows: Vec<(u64, String, String, String)>,
    },
}

/// A name reduced to its ASCII letters and digits, lowercased: `Sant'Angelo Lodigiano` and
/// `SANT ANGELO LODIGIANO` compare equal, and so do `Agliè` and `Aglie`.
fn name_key(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'à' | 'á' | 'À' | 'Á' => 'a',
            'è' | 'é' | 'È' | 'É' => 'e',
            'ì' | 'í' | 'Ì' | 'Í' => 'i',
            'ò' | 'ó' | 'Ò' | 'Ó' => 'o',
            'ù' | 'ú' | 'Ù' | 'Ú' => 'u',
            c => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Numeric features, rows in municipality order.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureMatrix {
    names: Vec<String>,
    values: Array2<f64>,
}

/// Descriptive statistics of one feature (raw values).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureSummary {
    /// Feature name.
    pub name: String,
    /// Mean.
    pub mean: f64,
    /// Population standard deviation (ddof = 0).
    pub sd: f64,
    /// Smallest value.
    pub min: f64,
    /// Row of the smallest value (lowest row on ties).
    pub argmin: usize,
    /// Largest value.
    pub max: f64,
    /// Row of the largest value (lowest row on ties).
    pub argmax: usize,
}

impl FeatureMatrix {
    /// A matrix from names and an `n × names.len()` array.
    ///
    /// # Panics
    /// If the column count differs from the number of names (a programming error).
    pub fn new(names: Vec<String>, values: Array2<f64>) -> Self {
        assert_eq!(names.len(), values.ncols(), "one name per column");
        FeatureMatrix { names, values }
    }

    /// Every numeric attribute of the territory, checked: each column's mean and standard
    /// deviation must be finite ([`FeatureMatrix::check_statistics`]).
    ///
    /// # Errors
    /// [`FeatureError::Overflow`] naming the feature and the municipality with the extreme value.
    pub fn try_from_territory(t: &Territory) -> Result<Self, FeatureError> {
        let m = FeatureMatrix::from_territory(t);
        m.check_statistics(&t.source, |row| t.units[row].to_string())?;
        Ok(m)
    }

    /// Every numeric attribute of the territory, in input order, unchecked (see
    /// [`FeatureMatrix::try_from_territory`]).
    pub fn from_territory(t: &Territory) -> Self {
        let mut values = Array2::zeros((t.len(), t.attributes.len()));
        for (c, a) in t.attributes.iter().enumerate() {
            for (r, v) in a.values.iter().enumerate() {
                values[[r, c]] = *v;
            }
        }
        FeatureMatrix { names: t.attributes.iter().map(|a| a.name.clone()).collect(), values }
    }

    /// Column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The values, `n_units × n_features`.
    pub fn values(&self) -> &Array2<f64> {
        &self.values
    }

    /// Number of municipalities (rows).
    pub fn n_units(&self) -> usize {
        self.values.nrows()
    }

    /// Keeps the given rows (municipality indices), in that order.
    pub fn rows(&self, idx: &[usize]) -> Self {
        FeatureMatrix { names: self.names.clone(), values: self.values.select(Axis(0), idx) }
    }

    /// Keeps the named columns, in the order given.
    ///
    /// # Errors
    /// [`FeatureError::UnknownFeature`] for a name the matrix lacks; [`FeatureError::NoFeatures`]
    /// for an empty list.
    pub fn select<S: AsRef<str>>(&self, names: &[S]) -> Result<Self, FeatureError> {
        if names.is_empty() {
            return Err(FeatureError::NoFeatures);
        }
        let idx = names.iter().map(|n| self.column(n.as_ref())).collect::<Result<Vec<_>, _>>()?;
        Ok(FeatureMatrix { names: names.iter().map(|n| n.as_ref().to_string()).collect(), values: self.values.select(Axis(1), &idx) })
    }

    fn column(&self, name: &str) -> Result<usize, FeatureError> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| FeatureError::UnknownFeature { name: name.to_string(), available: self.names.clone() })
    }

    /// [`FeatureMatrix::join_csv_noting`] without its warnings.
    ///
    /// # Errors
    /// As [`FeatureMatrix::join_csv_noting`].
    pub fn join_csv(&self, path: &Path, territory: &Territory) -> Result<Self, FeatureError> {
        self.join_csv_noting(path, territory).map(|(m, _)| m)
    }

    /// Adds the numeric columns of a CSV keyed by `istat` (or `id`); `name` is ignored.
    /// Rows of municipalities outside the area are skipped and listed in a
    /// [`FeatureWarning::RowsOutsideArea`] (a national table joined onto a local area is
    /// normal use, so it is not an error); every municipality of the area needs a row.
    ///
    /// # Errors
    /// The file, and every row at fault with its municipality: unreadable file, missing id
    /// column, blank or duplicate id, ids written as decimal numbers (`17001.0`: one problem,
    /// instead of a "no row" per municipality), no row matching the area, a non-numeric,
    /// blank or non-finite value, a column whose standard deviation overflows, a municipality
    /// without a row, a column that is already a feature.
    pub fn join_csv_noting(&self, path: &Path, territory: &Territory) -> Result<(Self, Vec<FeatureWarning>), FeatureError> {
        self.join_table_noting(path, CsvTable::open(path)?, territory)
    }

    /// [`FeatureMatrix::join_csv_noting`] on a table already read (from `path`, or embedded
    /// and named so).
    fn join_table_noting(
        &self,
        path: &Path,
        mut table: CsvTable,
        territory: &Territory,
    ) -> Result<(Self, Vec<FeatureWarning>), FeatureError> {
        let invalid = |problems| TerritoryError::invalid(path, problems);
        let header_at = Location::Row { line: 1, unit: None };
        let id_col = table.require(&["istat", "id"])?;
        let id_name = table.headers[id_col].clone();
        let headers = table.headers.clone();
        let cols: Vec<(usize, &String)> = headers.iter().enumerate().filter(|(i, h)| *i != id_col && *h != "name").collect();
        let mut problems: Vec<(Location, Problem)> = cols
            .iter()
            .filter(|(_, h)| self.names.contains(h))
            .map(|(_, h)| (header_at.clone(), Problem::DuplicateColumn(h.to_string())))
            .collect();

        let index: HashMap<&str, usize> = territory.units.iter().enumerate().map(|(i, u)| (u.istat.as_str(), i)).collect();
        let mut extra = Array2::from_elem((self.n_units(), cols.len()), f64::NAN);
        let mut seen_at: Vec<Option<u64>> = vec![None; self.n_units()];
        let mut line_of_row: Vec<u64> = vec![0; self.n_units()];
        let records = table.records(&mut problems);
        if records.is_empty() && problems.is_empty() {
            return Err(invalid(vec![(Location::File, Problem::NoRows)]).into());
        }
        let (mut outside, mut float_ids) = (Vec::new(), false);
        let name_col = headers.iter().position(|h| h == "name");
        let mut renamed = Vec::new();
        for (line, record) in records {
            let raw = record.get(id_col).unwrap_or("").trim();
            if raw.is_empty() {
                let name = record.iter().nth(headers.iter().position(|h| h == "name").unwrap_or(usize::MAX)).map(str::to_string);
                problems.push((Location::Row { line, unit: name }, Problem::EmptyId(id_name.clone())));
                continue;
            }
            if looks_like_float_code(raw) {
                float_ids = true;
                let p = Problem::FloatIds { column: id_name.clone(), value: raw.to_string(), count: 1 };
                problems.push((Location::Row { line, unit: None }, p));
                continue;
            }
            let istat = normalize_istat(raw);
            let Some(&row) = index.get(istat.as_str()) else {
                outside.push(istat);
                continue;
            };
            line_of_row[row] = line;
            if let Some(theirs) = name_col.and_then(|c| record.get(c)).map(str::trim).filter(|n| !n.is_empty()) {
                let ours = &territory.units[row].name;
                if !ours.is_empty() && name_key(theirs) != name_key(ours) {
                    renamed.push((line, istat.clone(), theirs.to_string(), ours.clone()));
                }
            }
            let at = Location::Row { line, unit: Some(territory.units[row].to_string()) };
            if let Some(first) = seen_at[row] {
                let first = format!("row {first}");
                problems.push((at, Problem::DuplicateId { istat, first }));
                continue;
            }
            seen_at[row] = Some(line);
            for (k, (c, name)) in cols.iter().enumerate() {
                match parse_value(name, record.get(*c).unwrap_or("")) {
                    Ok(v) => extra[[row, k]] = v,
                    Err(p) => problems.push((at.clone(), p)),
                }
            }
        }
        let matched = seen_at.iter().filter(|s| s.is_some()).count();
        if float_ids {
            // The codes cannot match: the one problem says why, no "no row for" per municipality.
        } else if matched == 0 && !outside.is_empty() {
            let file_example = outside[0].clone();
            let area_example = territory.units.first().map(|u| u.istat.clone()).unwrap_or_default();
            problems.push((Location::File, Problem::NoMatch { file_example, area_example }));
        } else {
            for (row, seen) in seen_at.iter().enumerate() {
                if seen.is_none() {
                    let unit = territory.units[row].to_string();
                    problems.push((Location::File, Problem::MissingUnit(unit)));
                }
            }
        }
        if problems.is_empty() {
            let joined = FeatureMatrix::new(cols.iter().map(|(_, h)| h.to_string()).collect(), extra.clone());
            for (c, row, what) in joined.overflows() {
                let at = Location::Row { line: line_of_row[row], unit: Some(territory.units[row].to_string()) };
                let p = Problem::Overflow { feature: joined.names[c].clone(), what, value: joined.values[[row, c]] };
                problems.push((at, p));
            }
        }
        if !problems.is_empty() {
            return Err(invalid(problems).into());
        }
        let mut names = self.names.clone();
        names.extend(cols.iter().map(|(_, h)| h.to_string()));
        let values = ndarray::concatenate(Axis(1), &[self.values.view(), extra.view()]).expect("same number of rows");
        let mut warnings = Vec::new();
        if !outside.is_empty() {
            warnings.push(FeatureWarning::RowsOutsideArea { path: path.to_path_buf(), codes: outside });
        }
        if !renamed.is_empty() {
            warnings.push(FeatureWarning::NameMismatch { path: path.to_path_buf(), rows: renamed });
        }
        Ok((FeatureMatrix { names, values }, warnings))
    }

    /// Checks that every column's mean and standard deviation are finite: values near the
    /// largest double (`1e308`) make them overflow, which would silently zero the column's
    /// z-scores.
    ///
    /// # Errors
    /// [`FeatureError::Overflow`] for the first such column, naming `area`, the feature and
    /// the municipality (`unit(row)`) with the value of largest magnitude.
    pub fn check_statistics(&self, area: &str, unit: impl Fn(usize) -> String) -> Result<(), FeatureError> {
        match self.overflows().first() {
            None => Ok(()),
            Some(&(c, row, what)) => Err(FeatureError::Overflow {
                area: area.to_string(),
                feature: self.names[c].clone(),
                what,
                value: self.values[[row, c]],
                unit: unit(row),
            }),
        }
    }

    /// `(column, row of the largest magnitude, "mean" or "standard deviation")` of every
    /// column whose directly summed statistics overflow.
    fn overflows(&self) -> Vec<(usize, usize, &'static str)> {
        let mut out = Vec::new();
        for (c, col) in self.values.columns().into_iter().enumerate() {
            let (mean, sd) = naive_mean_sd(col);
            let what = match (mean.is_finite(), sd.is_finite()) {
                (true, true) => continue,
                (false, _) => "mean",
                (true, false) => "standard deviation",
            };
            let row = (0..col.len()).fold(0, |best, i| if col[i].abs() > col[best].abs() { i } else { best });
            out.push((c, row, what));
        }
        out
    }

    /// Z-scores every column over the area with the population standard deviation (ddof = 0).
    /// A constant column carries no information and becomes all zeros. Finite for any finite
    /// input: columns whose direct sums overflow are standardized on scaled values.
    pub fn standardized(&self) -> Self {
        let mut values = self.values.clone();
        for mut col in values.columns_mut() {
            let (mean, sd) = mean_sd(col.view());
            if sd > 0.0 && sd.is_finite() && mean.is_finite() && !col.iter().any(|v| !((v - mean) / sd).is_finite()) {
                col.mapv_inplace(|v| (v - mean) / sd);
            } else if sd > 0.0 && sd.is_finite() {
                // v − mean overflows for values of opposite sign near the largest double.
                let scale = col.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                let (m, s) = (mean / scale, sd / scale);
                col.mapv_inplace(|v| (v / scale - m) / s);
            } else {
                col.mapv_inplace(|_| 0.0);
            }
        }
        FeatureMatrix { names: self.names.clone(), values }
    }

    /// Scales columns so that squared distances weight feature `f` by `weights[f]`; features
    /// not named keep weight 1.
    ///
    /// # Errors
    /// [`FeatureError::UnknownFeature`], [`FeatureError::BadWeight`] (negative or not finite).
    pub fn weighted<S: AsRef<str>>(&self, weights: &[(S, f64)]) -> Result<Self, FeatureError> {
        let mut values = self.values.clone();
        for (name, w) in weights {
            let c = self.column(name.as_ref())?;
            if !w.is_finite() || *w < 0.0 {
                return Err(FeatureError::BadWeight { feature: name.as_ref().to_string(), value: *w });
            }
            values.column_mut(c).mapv_inplace(|v| v * w.sqrt());
        }
        Ok(FeatureMatrix { names: self.names.clone(), values })
    }

    /// Squared Euclidean distance between the rows of two municipalities.
    pub fn sq_distance(&self, i: usize, j: usize) -> f64 {
        let (a, b) = (self.values.row(i), self.values.row(j));
        a.iter().zip(b.iter()).map(|(x, y)| (x - y) * (x - y)).sum()
    }

    /// The `n × n` matrix of squared Euclidean distances between municipalities.
    pub fn dissimilarity(&self) -> Array2<f64> {
        let n = self.n_units();
        Array2::from_shape_fn((n, n), |(i, j)| self.sq_distance(i, j))
    }

    /// Mean, standard deviation, extremes and where they are, per column.
    pub fn summary(&self) -> Vec<FeatureSummary> {
        self.names
            .iter()
            .zip(self.values.columns())
            .map(|(name, col)| {
                let (mean, sd) = mean_sd(col);
                let (mut argmin, mut argmax) = (0, 0);
                for (i, v) in col.iter().enumerate() {
                    if *v < col[argmin] {
                        argmin = i;
                    }
                    if *v > col[argmax] {
                        argmax = i;
                    }
                }
                FeatureSummary { name: name.clone(), mean, sd, min: col[argmin], argmin, max: col[argmax], argmax }
            })
            .collect()
    }
}

/// Mean and population standard deviation (ddof = 0) of a column, summed directly.
fn naive_mean_sd(col: ArrayView1<f64>) -> (f64, f64) {
    let n = col.len().max(1) as f64;
    let mean = col.sum() / n;
    let var = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Mean and population standard deviation (ddof = 0) of a column. Summed directly (so results
/// on ordinary data are exactly as they always were); when that overflows (values near 1e308)
/// or underflows to a zero deviation of values that differ (near 1e-200), recomputed on the
/// values divided by the largest magnitude, which cannot.
fn mean_sd(col: ArrayView1<f64>) -> (f64, f64) {
    let (mean, sd) = naive_mean_sd(col);
    let constant = col.iter().all(|v| *v == col[0]);
    if (mean.is_finite() && sd.is_finite() && (sd > 0.0 || constant)) || col.is_empty() {
        return (mean, sd);
    }
    let scale = col.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if !(scale > 0.0 && scale.is_finite()) {
        return (mean, sd);
    }
    let scaled = col.mapv(|v| v / scale);
    let (m, s) = naive_mean_sd(scaled.view());
    (m * scale, s * scale)
}

#[cfg(test)]
mod tests;
