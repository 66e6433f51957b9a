//! Numbers as people read them: thousands separated (a narrow no-break space, which reads the
//! same in English and Italian), euros rounded to what the estimate can tell.

/// A whole number with thousands separated: `-1 234 567`.
pub fn thousands(v: f64) -> String {
    let s = format!("{:.0}", v.abs());
    let mut out = String::new();
    if v.round() < 0.0 {
        out.push('−');
    }
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    out
}

/// An amount in € rounded to the thousand (estimates of spending are not finer): `€412 000`.
pub fn euros(v: f64) -> String {
    format!("€{}", thousands((v / 1000.0).round() * 1000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_fall_every_three_digits_and_keep_the_sign() {
        assert_eq!(thousands(1234567.4), "1\u{202f}234\u{202f}567");
        assert_eq!(thousands(-123.0), "−123");
        assert_eq!(thousands(-1234.0), "−1\u{202f}234");
        assert_eq!(thousands(999.6), "1\u{202f}000");
        assert_eq!(thousands(-0.2), "0");
        assert_eq!(euros(73_589.0), "€74\u{202f}000");
    }
}
