//! Reading and checking a scenarios file: the TOML, then every rule a scenario must meet,
//! with the area when it is known. All problems are listed, not the first.

use super::*;

impl ScenarioFile {
    /// Parses a scenarios TOML and checks what can be checked without the area
    /// ([`ScenarioFile::problems`] with no area).
    ///
    /// # Errors
    /// [`CompareError::File`] for an empty file, no `[[scenario]]` or a TOML error (naming the
    /// scenario the line belongs to); [`CompareError::Invalid`] listing every problem.
    pub fn parse(text: &str, source: &str) -> Result<ScenarioFile, CompareError> {
        let content = text.lines().map(str::trim).any(|l| !l.is_empty() && !l.starts_with('#'));
        if !content {
            return Err(CompareError::File(format!(
                "{source}: the file is empty: expected [[scenario]] tables, each with at least name and k"
            )));
        }
        let f: ScenarioFile = toml::from_str(text).map_err(|e: toml::de::Error| {
            let at = match e.span().and_then(|s| crate::plan::spec::table_at(text, s.start)) {
                Some((table, n)) if table == "[scenario]" => format!("in [[scenario]] #{n}: "),
                Some((table, _)) if table == "scenario" => {
                    "in [scenario] (scenarios are [[scenario]] tables, with double brackets): ".to_string()
                }
                Some((table, _)) => format!("in [{table}]: "),
                None => String::new(),
            };
            CompareError::File(format!("{source}: {at}{e}"))
        })?;
        if f.scenario.is_empty() {
            return Err(CompareError::File(format!("{source}: no [[scenario]] table")));
        }
        let problems = f.problems(None);
        if !problems.is_empty() {
            return Err(CompareError::Invalid { file: Some(source.to_string()), problems });
        }
        Ok(f)
    }

    /// Checks every scenario against the area before anything runs.
    ///
    /// # Errors
    /// [`CompareError::Invalid`] listing every problem ([`ScenarioFile::problems`]).
    pub fn check(&self, t: &Territory, feature_names: &[String], source: Option<&str>) -> Result<(), CompareError> {
        if self.scenario.is_empty() {
            return Err(CompareError::File(format!("{}no scenario", source.map(|s| format!("{s}: ")).unwrap_or_default())));
        }
        let problems = self.problems(Some((t, feature_names)));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(CompareError::Invalid { file: source.map(str::to_string), problems })
        }
    }

    /// Every problem of the scenarios, in file order: names, k, time limit, weights, features
    /// and bounds; with the area also unknown features, k beyond the municipalities,
    /// population bounds without population, and bounds that no partition can meet.
    pub fn problems(&self, area: Option<(&Territory, &[String])>) -> Vec<ScenarioProblem> {
        let mut out = Vec::new();
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, s) in self.scenario.iter().enumerate() {
            let mut bad = |key: &str, message: String| {
                out.push(ScenarioProblem { position: i + 1, name: s.name.clone(), key: key.to_string(), message })
            };
            if s.name.trim().is_empty() {
                bad("name", "is empty: results and distances are reported by name".into());
            } else if let Some(first) = names.insert(&s.name, i + 1) {
                bad("name", format!("`{}` is used twice (also scenario #{first})", s.name));
            }
            if s.k == 0 {
                bad("k", "must be a whole number ≥ 1, found 0".into());
            }
            if !(s.time_limit.is_finite() && s.time_limit > 0.0) {
                bad("time_limit", format!("must be a finite number of seconds > 0, found {}", crate::plan::spec::num(s.time_limit)));
            }
            for (name, w) in &s.weights {
                if let Some(m) = crate::plan::spec::weight_problem(*w) {
                    bad(&format!("weights.{name}"), m);
                }
            }
            let mut seen: Vec<&String> = Vec::new();
            for (j, f) in s.features.iter().enumerate() {
                if seen.contains(&f) {
                    bad(&format!("features[{j}]"), format!("`{f}` is listed twice: it would be weighted twice"));
                }
                seen.push(f);
            }
            // The features this scenario uses, when known.
            let used: Option<Vec<String>> =
                if !s.features.is_empty() { Some(s.features.clone()) } else { area.map(|(_, names)| names.to_vec()) };
            if let Some(used) = &used {
                let own = if s.features.is_empty() { "the area's features" } else { "this scenario's features" };
                for name in s.weights.keys() {
                    if !used.contains(name) {
                        bad(
                            &format!("weights.{name}"),
                            format!("weight for unknown feature `{name}`: not one of {own} ({})", used.join(", ")),
                        );
                    }
                }
                if !used.is_empty() && used.iter().all(|f| s.weights.get(f) == Some(&0.0)) {
                    bad("weights", "every feature weighs 0: zones would be homogeneous in nothing (R² would mean nothing)".into());
                }
            }
            for (key, v) in [("min_pop", s.min_pop), ("max_pop", s.max_pop)] {
                if let Some(v) = v {
                    if !v.is_finite() || v < 0.0 {
                        bad(key, format!("population bounds must be finite and ≥ 0, found {}", crate::plan::spec::num(v)));
                    }
                }
            }
            if let (Some(lo), Some(hi)) = (s.min_pop, s.max_pop) {
                if lo > hi {
                    bad("min_pop", format!("{lo} exceeds max_pop {hi}"));
                }
            }
            if s.max_units == Some(0) {
                bad("max_units", "must be at least 1".into());
            }
            if let (Some(lo), Some(hi)) = (s.min_units, s.max_units) {
                if lo > hi {
                    bad("min_units", format!("{lo} exceeds max_units {hi}"));
                }
            }
            let Some((t, feature_names)) = area else { continue };
            for (j, f) in s.features.iter().enumerate() {
                if !feature_names.contains(f) {
                    bad(&format!("features[{j}]"), format!("unknown feature `{f}`; the area has {}", feature_names.join(", ")));
                }
            }
            let n = t.len();
            if s.k > n {
                bad("k", format!("{} zones cannot be made of the {n} municipalities of {}", s.k, t.source));
            }
            let k = s.k.max(1);
            if let Some(lo) = s.min_units {
                if k.saturating_mul(lo) > n {
                    bad(
                        "min_units",
                        format!("{k} zones of at least {lo} municipalities need {} of them; {} has {n}", k.saturating_mul(lo), t.source),
                    );
                }
            }
            if let Some(hi) = s.max_units {
                if k.saturating_mul(hi) < n {
                    bad("max_units", format!("{k} zones of at most {hi} municipalities hold {}; {} has {n}", k * hi, t.source));
                }
            }
            if s.min_pop.is_none() && s.max_pop.is_none() {
                continue;
            }
            let no_pop: Vec<String> = t.units.iter().filter(|u| u.pop.is_none()).map(|u| u.to_string()).collect();
            if !no_pop.is_empty() {
                let shown: Vec<&str> = no_pop.iter().take(5).map(String::as_str).collect();
                let more = if no_pop.len() > 5 { format!(" and {} more", no_pop.len() - 5) } else { String::new() };
                let key = if s.min_pop.is_some() { "min_pop" } else { "max_pop" };
                bad(
                    key,
                    format!(
                        "population bounds need residents, but the area has no population for {} of its {n} municipalities ({}{more})",
                        no_pop.len(),
                        shown.join(", ")
                    ),
                );
                continue;
            }
            let total: f64 = t.units.iter().filter_map(|u| u.pop).sum();
            if let Some(lo) = s.min_pop.filter(|v| v.is_finite()) {
                if k as f64 * lo > total {
                    bad("min_pop", format!("{k} zones of at least {lo} residents need {}; the area has {total}", k as f64 * lo));
                }
            }
            if let Some(hi) = s.max_pop.filter(|v| v.is_finite()) {
                if let Some(big) = t
                    .units
                    .iter()
                    .filter(|u| u.pop.is_some_and(|p| p > hi))
                    .max_by(|a, b| a.pop.unwrap_or(0.0).total_cmp(&b.pop.unwrap_or(0.0)))
                {
                    bad("max_pop", format!("{hi} is below the {} residents of {big}: no zone can hold it", big.pop.unwrap_or(0.0)));
                } else if (k as f64) * hi < total {
                    bad("max_pop", format!("{k} zones of at most {hi} residents hold {}; the area has {total}", k as f64 * hi));
                }
            }
        }
        out
    }
}
