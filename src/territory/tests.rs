use super::*;

#[test]
fn istat_codes_get_their_leading_zeros_back() {
    assert_eq!(normalize_istat("17103"), "017103");
    assert_eq!(normalize_istat(" 017103 "), "017103");
    assert_eq!(normalize_istat("A12"), "A12");
    assert_eq!(normalize_istat("1234567"), "1234567");
}

#[test]
fn embedded_default_is_the_42_bassa_municipalities() {
    let t = Territory::embedded_default();
    assert_eq!(t.len(), 42);
    let manerbio = t.find("17103").expect("Manerbio is in ambito 9");
    assert_eq!(t.unit(manerbio).name, "Manerbio");
    assert_eq!(t.unit(manerbio).district.as_deref(), Some("9"));
    let names: Vec<&str> = t.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, DEFAULT_FEATURES);
}

#[test]
fn values_reject_text_nan_and_blank() {
    assert_eq!(parse_value("growth", " 0.5 "), Ok(0.5));
    assert!(matches!(parse_value("growth", "NaN"), Err(Problem::NotFinite { .. })));
    assert!(matches!(parse_value("growth", "inf"), Err(Problem::NotFinite { .. })));
    assert!(matches!(parse_value("growth", "abc"), Err(Problem::NotNumeric { .. })));
    assert!(matches!(parse_value("growth", ""), Err(Problem::MissingValue(_))));
}

#[test]
fn decimal_commas_thousands_and_float_codes_are_recognised() {
    assert_eq!(decimal_comma_reading("21,5").as_deref(), Some("21.5"));
    assert_eq!(decimal_comma_reading("-0,25").as_deref(), Some("-0.25"));
    assert_eq!(decimal_comma_reading("1.234,5").as_deref(), Some("1234.5"));
    assert_eq!(decimal_comma_reading("1,2,3"), None);
    assert_eq!(decimal_comma_reading("abc,5"), None);
    assert_eq!(decimal_comma_reading("21.5"), None);
    assert!(looks_like_thousands("12.874") && looks_like_thousands("1,234,567"));
    assert!(!looks_like_thousands("12.87") && !looks_like_thousands("1234.567") && !looks_like_thousands("1.234,567"));
    assert!(looks_like_float_code("17001.0") && looks_like_float_code("17001.") && looks_like_float_code("1.7001E+4"));
    assert!(!looks_like_float_code("017001") && !looks_like_float_code("A1.0") && !looks_like_float_code("."));
}

#[test]
fn populations_are_whole_numbers_of_residents() {
    assert_eq!(parse_population("pop", " 13000 "), Ok(13000.0));
    assert_eq!(parse_population("pop", "13000.0"), Ok(13000.0));
    assert_eq!(parse_population("pop", "12.874"), Err(Problem::NotWhole { field: "pop", value: "12.874".into(), thousands: true }));
    assert_eq!(parse_population("pop", "12,874"), Err(Problem::NotWhole { field: "pop", value: "12,874".into(), thousands: true }));
    assert!(matches!(parse_population("pop", "13.000"), Err(Problem::NotWhole { thousands: true, .. })));
    assert_eq!(parse_population("pop", "2500.5"), Err(Problem::NotWhole { field: "pop", value: "2500.5".into(), thousands: false }));
    assert!(matches!(parse_population("pop", "-1"), Err(Problem::BadField { .. })));
    assert!(matches!(parse_population("pop", "1e11"), Err(Problem::BadField { .. })));
    assert!(matches!(parse_population("pop", "NaN"), Err(Problem::BadField { .. })));
    let msg = parse_population("pop", "12.874").unwrap_err().to_string();
    assert_eq!(msg, r#"`pop` must be a whole number of residents, found "12.874": if the `.` separates thousands, write 12874"#);
}

#[test]
fn the_delimiter_is_the_commonest_of_comma_semicolon_and_tab_in_the_header() {
    assert_eq!(detect_delimiter(b"istat,name,x\n1;2;3;4\n"), b',');
    assert_eq!(detect_delimiter(b"istat;name;x\n1,5;a;b"), b';');
    assert_eq!(detect_delimiter(b"istat\tname\n"), b'\t');
    assert_eq!(detect_delimiter(b"\"a;b\",c\n"), b',');
    assert_eq!(detect_delimiter(b"istat\n"), b',');
}

#[test]
fn repeated_column_problems_fold_into_one_per_column() {
    let at = |line| Location::Row { line, unit: None };
    let comma = |f: &str, v: &str| Problem::DecimalComma { feature: f.into(), value: v.into(), suggested: String::new(), others: 0 };
    let folded = fold_repeats(vec![
        (at(2), comma("x", "1,5")),
        (at(2), Problem::MissingName),
        (at(3), comma("x", "2,5")),
        (at(3), comma("y", "3,5")),
        (at(4), comma("x", "4,5")),
    ]);
    assert_eq!(folded.len(), 3);
    assert!(matches!(&folded[0], (Location::Row { line: 2, .. }, Problem::DecimalComma { feature, others: 2, .. }) if feature == "x"));
    assert!(matches!(&folded[2], (_, Problem::DecimalComma { feature, others: 0, .. }) if feature == "y"));
}
