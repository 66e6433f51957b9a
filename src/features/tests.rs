use super::*;
use ndarray::array;

fn m() -> FeatureMatrix {
    FeatureMatrix::new(vec!["a".into(), "b".into(), "c".into()], array![[1.0, 10.0, 5.0], [2.0, 20.0, 5.0], [3.0, 60.0, 5.0]])
}

#[test]
fn zscores_use_the_population_sd_and_zero_constant_columns() {
    let z = m().standardized();
    // Column a: mean 2, population sd sqrt(2/3).
    let sd = (2.0f64 / 3.0).sqrt();
    assert!((z.values()[[0, 0]] - (-1.0 / sd)).abs() < 1e-12);
    assert!((z.values()[[2, 0]] - (1.0 / sd)).abs() < 1e-12);
    for s in z.summary() {
        assert!(s.mean.abs() < 1e-12, "{} mean {}", s.name, s.mean);
    }
    assert!((z.summary()[1].sd - 1.0).abs() < 1e-12);
    assert_eq!(z.values().column(2).to_vec(), vec![0.0, 0.0, 0.0]);
}

#[test]
fn weights_scale_squared_distances() {
    let base = m();
    let w = base.weighted(&[("a", 4.0), ("b", 0.0)]).unwrap();
    // Rows 0 and 1 differ by 1 in a, 10 in b, 0 in c: 4·1 + 0·100 = 4.
    assert!((w.sq_distance(0, 1) - 4.0).abs() < 1e-12);
    assert!((base.sq_distance(0, 1) - 101.0).abs() < 1e-12);
    assert!(matches!(
        base.weighted(&[("a", -1.0)]),
        Err(FeatureError::BadWeight { value, .. }) if value == -1.0
    ));
    assert!(matches!(
        base.weighted(&[("zz", 1.0)]),
        Err(FeatureError::UnknownFeature { name, .. }) if name == "zz"
    ));
}

#[test]
fn summary_finds_the_extremes_and_select_reorders() {
    let s = m().select(&["b", "a"]).unwrap();
    assert_eq!(s.names(), ["b", "a"]);
    let b = &s.summary()[0];
    assert_eq!((b.min, b.argmin, b.max, b.argmax), (10.0, 0, 60.0, 2));
    assert!((b.mean - 30.0).abs() < 1e-12);
    let d = s.dissimilarity();
    assert_eq!(d[[0, 2]], d[[2, 0]]);
    assert!((d[[0, 2]] - (50.0f64 * 50.0 + 4.0)).abs() < 1e-9);
    assert!(matches!(m().select::<&str>(&[]), Err(FeatureError::NoFeatures)));
}

#[test]
fn overflowing_statistics_name_the_feature_and_the_extreme_unit() {
    let m = FeatureMatrix::new(vec!["ok".into(), "log_pop".into()], array![[1.0, 7.0], [2.0, 1e308], [3.0, 1e308], [4.0, 8.0]]);
    let err = m.check_statistics("area.geojson", |row| format!("unit {row}")).unwrap_err();
    assert!(
        matches!(&err, FeatureError::Overflow { feature, what: "mean", unit, .. } if feature == "log_pop" && unit == "unit 1"),
        "{err}"
    );
    assert!(err.to_string().starts_with("area.geojson: feature `log_pop` cannot be standardized"), "{err}");
    // The deviation alone can overflow too: ±1e200 has mean 0, squares beyond a double.
    let sd = FeatureMatrix::new(vec!["s".into()], array![[1e200], [-1e200]]);
    assert!(matches!(sd.check_statistics("a", |r| r.to_string()), Err(FeatureError::Overflow { what: "standard deviation", .. })));
    assert!(FeatureMatrix::new(vec!["a".into()], array![[1e150], [2e150]]).check_statistics("a", |r| r.to_string()).is_ok());
}

#[test]
fn standardizing_huge_or_tiny_values_stays_finite_and_ordinary_values_are_unchanged() {
    let huge = FeatureMatrix::new(vec!["h".into()], array![[1e308], [-1.5e308], [0.0], [1e308]]).standardized();
    assert!(huge.values().iter().all(|v| v.is_finite()), "{:?}", huge.values());
    let s = &huge.summary()[0];
    assert!(s.mean.abs() < 1e-12 && (s.sd - 1.0).abs() < 1e-12, "{s:?}");
    // Values near 1e-200 have squared deviations below the smallest double.
    let tiny = FeatureMatrix::new(vec!["t".into()], array![[1e-200], [2e-200], [3e-200]]).standardized();
    assert!((tiny.values()[[2, 0]] - 1.5f64.sqrt()).abs() < 1e-12, "{:?}", tiny.values());
    // Ordinary columns: exactly the direct formula, bit for bit.
    let z = m().standardized();
    let col: Vec<f64> = vec![1.0, 2.0, 3.0];
    let mean = col.iter().sum::<f64>() / 3.0;
    let sd = (col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / 3.0).sqrt();
    for (r, v) in col.iter().enumerate() {
        assert_eq!(z.values()[[r, 0]].to_bits(), ((v - mean) / sd).to_bits());
    }
}

#[test]
fn names_compare_without_case_accents_or_punctuation() {
    assert_eq!(name_key("Sant'Angelo Lodigiano"), name_key("SANT ANGELO LODIGIANO"));
    assert_eq!(name_key("Agliè"), name_key("Aglie"));
    assert_ne!(name_key("Manerbio"), name_key("Offlaga"));
}
