//! The GeoJSON text before it is a value: non-standard tokens Python writes (`NaN`,
//! `Infinity`), syntax and UTF-8 errors placed at their line and feature.

use super::*;

/// Parses the JSON text, reading bare non-finite tokens as marked strings when the strict
/// parse fails on them. A syntax error names its line and column and the feature it is in.
pub(super) fn read_json(text: &str) -> Result<Value, String> {
    let strict = match serde_json::from_str::<Value>(text) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let (err, rewritten) = match nonstandard::rewrite(text) {
        None => (strict, None),
        Some(rw) => match serde_json::from_str::<Value>(&rw.text) {
            Ok(v) => return Ok(v),
            Err(e) => (e, Some(rw)),
        },
    };
    let shown = rewritten.as_ref().map_or(text, |rw| rw.text.as_str());
    let offset = offset_of(shown, err.line(), err.column());
    let offset = rewritten.as_ref().map_or(offset, |rw| rw.to_original(offset));
    let (line, column) = line_column(text, offset);
    let what = err.to_string();
    let what = what.split(" at line ").next().unwrap_or(&what);
    let mut reason = format!("{what} at line {line} column {column}");
    let spans = feature_spans(text.as_bytes());
    if let Some(k) = spans.iter().position(|&(s, e)| s <= offset && offset < e) {
        let (s, _) = spans[k];
        match label_in(&text.as_bytes()[s..offset.max(s)]) {
            Some(u) => reason.push_str(&format!(", in feature {} ({u})", k + 1)),
            None => reason.push_str(&format!(", in feature {}", k + 1)),
        }
    }
    Err(reason)
}

/// Byte offset of serde_json's 1-based line and column (column 0 means the line's start).
pub(super) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// 1-based line and column of a byte offset.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    (line, offset - start + 1)
}

/// Byte ranges of the objects in the top-level `features` array, found by scanning the bytes
/// (JSON's structure is ASCII, so this works on invalid UTF-8 and on truncated files: an
/// unfinished feature runs to the end).
pub(super) fn feature_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let (mut string_start, mut last_string, mut key) = (0usize, (0usize, 0usize), (0usize, 0usize));
    let mut array_depth: Option<usize> = None;
    let mut open: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => {
                    in_string = false;
                    last_string = (string_start, i);
                }
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                string_start = i + 1;
            }
            b':' if depth == 1 => key = last_string,
            b'{' | b'[' => {
                if b == b'[' && depth == 1 && array_depth.is_none() && &bytes[key.0..key.1] == b"features" {
                    array_depth = Some(depth + 1);
                }
                if b == b'{' && Some(depth) == array_depth {
                    open = Some(i);
                }
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if b == b'}' && Some(depth) == array_depth {
                    if let Some(s) = open.take() {
                        spans.push((s, i + 1));
                    }
                }
                if b == b']' && array_depth == Some(depth + 1) {
                    break;
                }
            }
            _ => {}
        }
    }
    if let Some(s) = open {
        spans.push((s, bytes.len()));
    }
    spans
}

/// `017103 Manerbio` from the raw text of (the start of) a feature: the first `istat` (or
/// `id`) and `name` values found in it.
pub(super) fn label_in(bytes: &[u8]) -> Option<String> {
    let value_of = |key: &str| -> Option<String> {
        let pat = format!("\"{key}\"");
        let at = bytes.windows(pat.len()).position(|w| w == pat.as_bytes())? + pat.len();
        let rest = &bytes[at..];
        let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
        let rest = rest.strip_prefix(b":")?;
        let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
        let v = match rest.strip_prefix(b"\"") {
            Some(s) => &s[..s.iter().position(|&b| b == b'"')?],
            None => &rest[..rest.iter().position(|b| !(b.is_ascii_alphanumeric() || b"+-.".contains(b)))?],
        };
        Some(String::from_utf8_lossy(v).into_owned())
    };
    let id = value_of("istat").or_else(|| value_of("id")).map(|s| normalize_istat(&s));
    unit_label(id.as_deref(), value_of("name").as_deref())
}

/// Every invalid UTF-8 sequence, one problem per feature holding some, with the byte offset of
/// its first (`bom` counts the skipped byte-order mark), the property and the text around it.
pub(super) fn utf8_error(path: &Path, body: &[u8], bom: usize) -> TerritoryError {
    let bad = crate::territory::invalid_utf8_offsets(body);
    let spans = feature_spans(body);
    let mut problems: Vec<(Location, Problem)> = Vec::new();
    let mut last: Option<Option<usize>> = None;
    for &o in &bad {
        let k = spans.iter().position(|&(s, e)| s <= o && o < e);
        if last == Some(k) {
            if let Some((_, Problem::InvalidUtf8 { count, .. })) = problems.last_mut() {
                *count += 1;
            }
            continue;
        }
        last = Some(k);
        // The string holding it, and the key before that string.
        let open = body[..o].iter().rposition(|&b| b == b'"').unwrap_or(o);
        let close = body[o..].iter().position(|&b| b == b'"').map_or(body.len(), |p| o + p);
        // At most 40 bytes either side, cut at character starts.
        let mut from = (open + 1).min(o).max(o.saturating_sub(40));
        while from < o && (0x80..0xC0).contains(&body[from]) {
            from += 1;
        }
        let mut to = close.min(o + 40).max(o);
        while to > o + 1 && to < body.len() && (0x80..0xC0).contains(&body[to]) {
            to -= 1;
        }
        let near = String::from_utf8_lossy(&body[from..to]).into_owned();
        let before = &body[..open];
        let column = before.iter().rposition(|b| !b.is_ascii_whitespace()).filter(|&p| before[p] == b':').and_then(|p| {
            let end = before[..p].iter().rposition(|&b| b == b'"')?;
            let start = before[..end].iter().rposition(|&b| b == b'"')? + 1;
            Some(String::from_utf8_lossy(&before[start..end]).into_owned())
        });
        let at = match k {
            Some(k) => Location::Feature { index: k + 1, unit: label_in(&body[spans[k].0..spans[k].1]) },
            None => Location::File,
        };
        problems.push((at, Problem::InvalidUtf8 { byte: o + bom, count: 1, column, near }));
    }
    TerritoryError::invalid(path, problems)
}

/// Bare `NaN`, `Infinity`, `-Infinity` and out-of-range numbers (`1e999`), which strict JSON
/// parsers reject and Python's `json.dump` writes: rewritten as strings starting with
/// [`MARK`], so that the feature reading them reports the property at fault.
pub(super) mod nonstandard {
    use super::MARK;

    /// The rewritten text and where each replacement came from.
    pub(super) struct Rewritten {
        pub text: String,
        /// (start in `text`, start in the original, original length, new length).
        map: Vec<(usize, usize, usize, usize)>,
    }

    impl Rewritten {
        /// The original byte offset of an offset into `text`.
        pub fn to_original(&self, offset: usize) -> usize {
            let k = self.map.partition_point(|m| m.0 <= offset);
            match k.checked_sub(1).map(|k| self.map[k]) {
                None => offset,
                Some((new, old, old_len, new_len)) if offset < new + new_len => old + (offset - new).min(old_len),
                Some((new, old, old_len, new_len)) => old + old_len + (offset - new - new_len),
            }
        }
    }

    /// `None` when the text has no such token.
    pub(super) fn rewrite(text: &str) -> Option<Rewritten> {
        let b = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut map = Vec::new();
        let (mut i, mut copied) = (0, 0);
        let (mut in_string, mut escaped) = (false, false);
        while i < b.len() {
            let c = b[i];
            if in_string {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                i += 1;
                continue;
            }
            let token_len = if c == b'"' {
                in_string = true;
                None
            } else if let Some(t) = ["NaN", "Infinity", "-Infinity"].iter().find(|t| b[i..].starts_with(t.as_bytes())) {
                Some(t.len())
            } else if c == b'-' || c.is_ascii_digit() {
                let len = b[i..].iter().position(|x| !(x.is_ascii_digit() || b"+-.eE".contains(x))).unwrap_or(b.len() - i);
                let token = &text[i..i + len];
                let big = (token.contains(['e', 'E']) || len > 300) && token.parse::<f64>().is_ok_and(f64::is_infinite);
                if !big {
                    i += len;
                    continue;
                }
                Some(len)
            } else {
                None
            };
            match token_len {
                Some(len) => {
                    out.push_str(&text[copied..i]);
                    let replacement = format!("\"\\u{:04x}{}\"", MARK as u32, &text[i..i + len]);
                    map.push((out.len(), i, len, replacement.len()));
                    out.push_str(&replacement);
                    i += len;
                    copied = i;
                }
                None => i += 1,
            }
        }
        if map.is_empty() {
            return None;
        }
        out.push_str(&text[copied..]);
        Some(Rewritten { text: out, map })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn bare_tokens_become_marked_strings_and_offsets_map_back() {
            let text = r#"{"a":NaN,"b":[-Infinity,1e999,2e5],"c":"NaN Infinity","d":Infinity}"#;
            let rw = rewrite(text).unwrap();
            let v: serde_json::Value = serde_json::from_str(&rw.text).unwrap();
            assert_eq!(v["a"], "\0NaN");
            assert_eq!(v["b"][0], "\0-Infinity");
            assert_eq!(v["b"][1], "\u{0}1e999");
            assert_eq!(v["b"][2], 2e5);
            assert_eq!(v["c"], "NaN Infinity");
            assert_eq!(v["d"], "\0Infinity");
            let c = rw.text.find(r#""c""#).unwrap();
            assert_eq!(rw.to_original(c), text.find(r#""c""#).unwrap());
            assert!(rewrite(r#"{"a":1e300,"b":"x"}"#).is_none());
        }
    }
}
