//! Parsers of numeric flags: every value is checked when the command line is read, before
//! any work, and a bad one is named with the rule it breaks (clap adds the flag's name).

fn number(text: &str) -> Result<f64, String> {
    let v: f64 = text.trim().parse().map_err(|_| format!("{text:?} is not a number"))?;
    if !v.is_finite() {
        return Err(format!("{text} is not a finite number"));
    }
    Ok(v)
}

fn whole(text: &str) -> Result<usize, String> {
    let t = text.trim();
    if t.starts_with('-') {
        return Err(format!("{t} is negative: give a whole number ≥ 0"));
    }
    t.parse().map_err(|_| format!("{t:?} is not a whole number"))
}

/// Seconds of a time limit: a finite number > 0.
pub fn seconds(text: &str) -> Result<f64, String> {
    match number(text)? {
        v if v > 0.0 => Ok(v),
        v => Err(format!("{v} is not a time: give a number of seconds > 0")),
    }
}

/// A population bound: a finite number of residents ≥ 0.
pub fn residents(text: &str) -> Result<f64, String> {
    match number(text)? {
        v if v >= 0.0 => Ok(v),
        v => Err(format!("{v} is negative: give a number of residents ≥ 0")),
    }
}

/// A finite number ≥ 0 (noise, weights).
pub fn non_negative(text: &str) -> Result<f64, String> {
    match number(text)? {
        v if v >= 0.0 => Ok(v),
        v => Err(format!("{v} is negative: give a number ≥ 0")),
    }
}

/// A share in (0, 1] (balance, thresholds).
pub fn share(text: &str) -> Result<f64, String> {
    match number(text)? {
        v if v > 0.0 && v <= 1.0 => Ok(v),
        v => Err(format!("{v} is outside (0, 1]: give a share such as 0.25")),
    }
}

/// A count ≥ 0 (bootstrap runs, burn-in steps).
pub fn count(text: &str) -> Result<usize, String> {
    whole(text)
}

/// A count ≥ 1 (zones, samples, threads, municipalities).
pub fn at_least_one(text: &str) -> Result<usize, String> {
    match whole(text)? {
        0 => Err("0 is too few: give a whole number ≥ 1".into()),
        v => Ok(v),
    }
}

/// A seed: a whole number in 0..=18446744073709551615.
pub fn seed(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if t.starts_with('-') {
        return Err(format!("{t} is negative: a seed is a whole number ≥ 0"));
    }
    t.parse().map_err(|_| format!("{t:?} is not a seed: give a whole number from 0 to {}", u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_refuses_what_it_should() {
        assert_eq!(seconds("2.5"), Ok(2.5));
        for bad in ["-1", "0", "nan", "inf", "abc", ""] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
        assert_eq!(residents("0"), Ok(0.0));
        assert!(residents("-5").is_err() && residents("nan").is_err() && residents("inf").is_err());
        assert!(share("1").is_ok() && share("0").is_err() && share("-0.1").is_err() && share("1.5").is_err());
        assert_eq!(count("0"), Ok(0));
        assert!(at_least_one("0").is_err() && at_least_one("-3").is_err() && at_least_one("2.5").is_err());
        assert_eq!(seed("18446744073709551615"), Ok(u64::MAX));
        assert!(seed("-1").unwrap_err().contains("negative"));
        assert!(seed("18446744073709551616").is_err());
    }
}

/// `--contiguity`: the library's [`Contiguity`](pianura::graph::Contiguity) as clap names it
/// (the library derives no clap traits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ContiguityArg {
    /// Polygons that share at least one point (a corner is enough).
    Queen,
    /// Polygons that share a stretch of border of positive length.
    Rook,
}

impl From<ContiguityArg> for pianura::graph::Contiguity {
    fn from(a: ContiguityArg) -> Self {
        match a {
            ContiguityArg::Queen => Self::Queen,
            ContiguityArg::Rook => Self::Rook,
        }
    }
}

/// `--method`: the library's [`Method`](pianura::solve::Method) as clap names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MethodArg {
    /// Exact where the size allows, heuristic elsewhere.
    Auto,
    /// The MIP (medoid or pairwise objective).
    Exact,
    /// Multi-start annealing with merge-and-split.
    Heuristic,
    /// Contiguity-constrained Ward agglomeration alone.
    Ward,
    /// SKATER spanning-tree cuts alone.
    Skater,
    /// k-means, ignoring contiguity (the non-spatial reference).
    Kmeans,
}

impl From<MethodArg> for pianura::solve::Method {
    fn from(a: MethodArg) -> Self {
        match a {
            MethodArg::Auto => Self::Auto,
            MethodArg::Exact => Self::Exact,
            MethodArg::Heuristic => Self::Heuristic,
            MethodArg::Ward => Self::Ward,
            MethodArg::Skater => Self::Skater,
            MethodArg::Kmeans => Self::Kmeans,
        }
    }
}

/// `--objective`: the library's [`ObjectiveKind`](pianura::solve::ObjectiveKind) as clap names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ObjectiveArg {
    /// Sum of squared deviations from zone means.
    Ssd,
    /// Sum of same-zone pairwise squared distances (p-regions).
    Pairwise,
    /// Sum of squared distances to each zone's centre municipality.
    Medoid,
    /// Σ residents × distance to the zone's lead municipality (travel: --distances, else km).
    Pmedian,
    /// Σ residents × distance² to the zone's lead municipality (Hess et al. 1965).
    Hess,
}

impl From<ObjectiveArg> for pianura::solve::ObjectiveKind {
    fn from(a: ObjectiveArg) -> Self {
        match a {
            ObjectiveArg::Ssd => Self::Ssd,
            ObjectiveArg::Pairwise => Self::Pairwise,
            ObjectiveArg::Medoid => Self::Medoid,
            ObjectiveArg::Pmedian => Self::Pmedian,
            ObjectiveArg::Hess => Self::Hess,
        }
    }
}
