//! Long runs: time limits that bound the whole command and say what they cut short, and
//! progress on stderr (plain lines when stderr is not a terminal, as here).

use std::process::{Command, Output};
use std::time::Instant;

use serde_json::Value;

fn pianura(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pianura"));
    cmd.args(args).env_remove("PIANURA_PROGRESS_INTERVAL");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn progress_lines(out: &Output, command: &str) -> Vec<String> {
    stderr(out).lines().filter(|l| l.starts_with(&format!("pianura: {command}: "))).map(String::from).collect()
}

#[test]
fn ensemble_time_limit_stops_a_huge_burn_in_and_reports_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("e");
    let clock = Instant::now();
    let out = pianura(
        &[
            "ensemble",
            "--k",
            "4",
            "--burn-in",
            "100000000",
            "--samples",
            "50",
            "--time-limit",
            "1",
            "--out",
            out_dir.to_str().unwrap(),
            "--json",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // 10⁸ steps take about an hour: the limit stopped them (generous bound for a busy machine).
    assert!(clock.elapsed().as_secs_f64() < 60.0, "{:?}", clock.elapsed());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cut = &v["cut_short"];
    assert_eq!(cut["reason"], "time_limit");
    assert_eq!(cut["burn_in"], 100_000_000);
    assert_eq!((cut["samples_done"].as_u64(), cut["samples"].as_u64()), (Some(0), Some(50)));
    let done = cut["burn_in_done"].as_u64().unwrap();
    assert!(done > 0 && done < 100_000_000, "{done}");
    assert_eq!(v["summary"]["samples"], 0);
    assert!(v["distribution"].as_str().unwrap().contains("Cut short"), "{}", v["distribution"]);
    // The terminal says so too, and the report carries the same sentence.
    assert!(
        stderr(&out)
            .contains(&format!("warning: ensemble: the time limit (1 s) stopped the chain after {done} of 100000000 burn-in steps")),
        "{}",
        stderr(&out)
    );
    let html = std::fs::read_to_string(out_dir.join("ensemble.html")).unwrap();
    assert!(html.contains("Cut short"), "the report shows the cut");
}

#[test]
fn ensemble_within_its_limit_has_no_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("e");
    let out = pianura(&["ensemble", "--k", "3", "--samples", "40", "--burn-in", "5", "--out", out_dir.to_str().unwrap(), "--json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("cut_short").is_none(), "{}", v["cut_short"]);
    assert_eq!(v["summary"]["samples"], 40);
    // A run well under a second shows no progress at all.
    assert!(progress_lines(&out, "ensemble").is_empty(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn ensemble_samples_zero_is_an_error_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("e");
    let out = pianura(&["ensemble", "--k", "4", "--samples", "0", "--out", out_dir.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("--samples") && err.contains("≥ 1") && !err.contains("NaN"), "{err}");
    assert!(!out_dir.exists(), "nothing written");
}

#[test]
fn ensemble_time_limit_must_be_positive() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("e");
    for bad in ["0", "nan", "inf"] {
        let out = pianura(&["ensemble", "--k", "4", "--time-limit", bad, "--out", out_dir.to_str().unwrap()], &[]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(stderr(&out).contains("--time-limit"), "{bad}: {}", stderr(&out));
    }
}

#[test]
fn progress_lines_appear_on_stderr_when_it_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("e");
    let out = pianura(
        &["ensemble", "--k", "4", "--burn-in", "100000000", "--samples", "10", "--time-limit", "2.5", "--out", out_dir.to_str().unwrap()],
        &[("PIANURA_PROGRESS_INTERVAL", "0.3")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = progress_lines(&out, "ensemble");
    assert!(lines.len() >= 2, "{}", stderr(&out));
    // `pianura: ensemble: burn-in 1200/100000000 steps, 1 s`, counts growing.
    let done: Vec<u64> = lines
        .iter()
        .map(|l| {
            let rest = l.strip_prefix("pianura: ensemble: burn-in ").unwrap_or_else(|| panic!("{l}"));
            let (count, tail) = rest.split_once('/').unwrap();
            assert!(tail.starts_with("100000000 steps, ") && tail.ends_with(" s"), "{l}");
            count.parse().unwrap()
        })
        .collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]) && done.last() > done.first(), "{done:?}");
    // No escape codes: plain lines for a log.
    assert!(!stderr(&out).contains('\u{1b}'), "{}", stderr(&out));
}

#[test]
fn max_p_on_the_default_area_proves_ten_zones_quickly() {
    let clock = Instant::now();
    let out = pianura(&["zones", "--max-p", "--min-pop", "20000", "--method", "heuristic", "--json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = &v["max_p"];
    // 237,939 residents allow ⌊237939 / 20000⌋ = 11 zones; the search rules 11 out.
    assert_eq!(m["data_bound"], 11);
    assert_eq!(m["p"], 10);
    assert_eq!(m["upper_bound"], 10);
    assert_eq!(m["proved"], true);
    assert!(m.get("cut_short").is_none());
    assert_eq!(v["k"], 10);
    assert!(v["zone_pops"].as_array().unwrap().iter().all(|p| p.as_f64().unwrap() >= 20000.0));
    assert!(v["contiguous"].as_bool().unwrap());
    // It used to take two minutes; generous for a busy machine.
    assert!(clock.elapsed().as_secs_f64() < 30.0, "{:?}", clock.elapsed());
}

#[test]
fn max_p_time_limit_bounds_the_whole_command_and_says_what_it_cut() {
    let clock = Instant::now();
    // The exact solve at 10 zones alone runs for minutes without a limit.
    let out = pianura(&["zones", "--max-p", "--min-pop", "20000", "--node-limit", "100000", "--time-limit", "2", "--json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(clock.elapsed().as_secs_f64() < 40.0, "{:?}", clock.elapsed());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["max_p"]["p"], 10);
    assert_eq!(v["status"], "time_limit");
    let cut = v["max_p"]["cut_short"].as_str().unwrap();
    assert!(cut.contains("time limit (2 s)"), "{cut}");
    assert!(stderr(&out).contains(&format!("warning: max-p: {cut}")), "{}", stderr(&out));
}
