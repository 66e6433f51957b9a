//! Bad inputs: output folders and files. pianura writes only into a missing or empty folder,
//! or one it wrote itself; everything else is refused before any work, naming the folder and
//! what is in the way, and the user's files stay byte-identical.

use std::process::Command;

use crate::harness::*;

/// A three-unit CSV area in `area/` (with population).
fn csv_area(sb: &Sandbox) -> String {
    sb.write("area/units.csv", "istat,name,pop,x\n017103,Manerbio,13000,1\n017089,Offlaga,4000,2\n017137,San Gervasio Bresciano,2500,3\n");
    sb.write("area/edges.csv", "a,b\n017103,017089\n017089,017137\n");
    "area".into()
}

#[test]
fn a_folder_holding_a_users_file_is_refused_naming_it() {
    let sb = Sandbox::new();
    sb.write("mydocs/budget.xlsx", b"PK\x03\x04 the user's budget");
    sb.fails(&["ensemble", "--k", "4", "--out", "mydocs"], &["mydocs", "budget.xlsx", "pianura did not write"]);
}

#[test]
fn the_input_folder_as_the_output_is_refused() {
    let sb = Sandbox::new();
    let area = csv_area(&sb);
    sb.fails(&["plan", "--area", &area, "--out", &area], &["area", "is the input"]);
}

#[test]
fn an_output_inside_the_input_folder_is_refused() {
    let sb = Sandbox::new();
    let area = csv_area(&sb);
    sb.fails(&["ensemble", "--k", "2", "--area", &area, "--out", "area/out"], &["area/out", "is inside the input"]);
}

#[test]
fn an_output_holding_the_input_is_refused() {
    let sb = Sandbox::new();
    sb.fixture("bassa_bresciana/area.geojson", "work/area.geojson");
    sb.fails(&["ensemble", "--k", "3", "--area", "work/area.geojson", "--out", "work"], &["work", "contains the input"]);
}

#[test]
fn an_output_holding_the_scenarios_is_refused() {
    let sb = Sandbox::new();
    sb.fixture("scenarios/bassa.toml", "cfg/bassa.toml");
    sb.fails(&["compare", "--scenarios", "cfg/bassa.toml", "--out", "cfg"], &["cfg", "contains the input cfg/bassa.toml"]);
}

#[test]
fn an_output_holding_the_plan_to_place_is_refused() {
    let sb = Sandbox::new();
    sb.write("p/zones.json", r#"{"labels": {}}"#);
    sb.fails(&["ensemble", "--k", "3", "--plan", "p/zones.json", "--out", "p"], &["contains the input p/zones.json"]);
}

#[test]
fn an_output_holding_the_spec_is_refused() {
    let sb = Sandbox::new();
    sb.write("specs/mine.toml", "not even read");
    sb.fails(&["plan", "--spec", "specs/mine.toml", "--out", "specs"], &["contains the input specs/mine.toml"]);
}

#[test]
fn an_output_holding_an_extra_features_csv_is_refused() {
    let sb = Sandbox::new();
    sb.write("extra/income.csv", "istat,income\n");
    sb.fails(&["plan", "--features-csv", "extra/income.csv", "--out", "extra"], &["contains the input extra/income.csv"]);
}

#[test]
fn an_existing_file_as_the_output_folder_is_refused_before_any_work() {
    // The area does not exist: the output is checked first, so its error is the one shown.
    let e = Sandbox::new().fails(&["plan", "--area", "missing.geojson", "--out", "notes.txt"], &["notes.txt", "is a file, not a folder"]);
    assert!(!e.contains("missing.geojson"), "{e}");
}

#[test]
fn an_output_below_a_file_is_refused() {
    Sandbox::new().fails(&["ensemble", "--k", "3", "--out", "notes.txt/out"], &["notes.txt", "is a file"]);
}

#[test]
fn the_working_folder_as_the_output_is_refused() {
    Sandbox::new().fails(&["ensemble", "--k", "3", "--out", "."], &["current folder"]);
}

#[test]
fn a_parent_of_the_working_folder_as_the_output_is_refused() {
    Sandbox::new().fails(&["ensemble", "--k", "3", "--out", ".."], &["current folder"]);
}

#[test]
fn a_previous_output_with_a_file_added_by_the_user_is_refused() {
    let sb = Sandbox::new();
    sb.write("prev/my-notes.txt", "written by hand into pianura's folder");
    sb.fails(&["ensemble", "--k", "3", "--out", "prev"], &["prev", "my-notes.txt"]);
}

#[test]
fn a_subfolder_inside_a_previous_output_is_refused() {
    let sb = Sandbox::new();
    sb.write("prev/maps/zone1.png", "x");
    sb.fails(&["ensemble", "--k", "3", "--out", "prev"], &["prev", "maps"]);
}

#[test]
fn a_forged_marker_does_not_make_a_folder_pianuras() {
    let sb = Sandbox::new();
    sb.write("theirs/.pianura", "not pianura's marker");
    sb.write("theirs/data.csv", "a,b\n");
    sb.fails(&["ensemble", "--k", "3", "--out", "theirs"], &["theirs", ".pianura", "data.csv"]);
}

#[test]
fn a_failing_run_leaves_the_previous_output_as_it_was() {
    let sb = Sandbox::new();
    sb.write("bad-plan.json", r#"{"labels": {"017103": 1}}"#);
    sb.fails(&["ensemble", "--k", "3", "--plan", "bad-plan.json", "--out", "prev"], &["bad-plan.json"]);
}

#[test]
fn a_strict_plan_that_must_relax_fails_and_leaves_the_previous_output() {
    let sb = Sandbox::new();
    let spec = include_str!("../../specs/default.toml").replace("zones = { k = 3, min_pop = 50000 }", "zones = { k = 3, min_pop = 90000 }");
    sb.write("strict.toml", spec);
    sb.fails(&["plan", "--spec", "strict.toml", "--strict", "--quiet", "--out", "prev"], &["zones.min_pop cannot be met", "strict"]);
}

#[test]
fn edges_out_never_overwrites_a_file() {
    Sandbox::new().fails(&["graph", "--edges-out", "notes.txt"], &["notes.txt", "exists"]);
}

#[test]
fn edges_out_naming_a_folder_is_refused() {
    Sandbox::new().fails(&["graph", "--edges-out", "prev"], &["prev"]);
}

#[test]
fn edges_out_inside_the_input_folder_is_refused() {
    let sb = Sandbox::new();
    let area = csv_area(&sb);
    sb.fails(&["graph", "--area", &area, "--edges-out", "area/edges2.csv"], &["is inside the input"]);
}

#[test]
fn its_own_folder_is_replaced_and_marked() {
    let sb = Sandbox::new();
    let (_, stderr) = sb.warns(&["ensemble", "--k", "3", "--samples", "30", "--burn-in", "5", "--out", "prev"], &[]);
    let marker: serde_json::Value = serde_json::from_slice(&std::fs::read(sb.root().join("prev/.pianura")).unwrap()).unwrap();
    assert_eq!(marker["command"], "ensemble", "{stderr}");
    assert_eq!(marker["files"], serde_json::json!(["ensemble.html", "ensemble.json"]));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(sb.root().join("prev/ensemble.json")).unwrap()).unwrap();
    assert_eq!(json["summary"]["samples"], 30, "the new output replaced the old one");
    // Only the output and the user's files are in the sandbox: no staging folder left.
    let mut names: Vec<String> = std::fs::read_dir(sb.root()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["budget.xlsx", "notes.txt", "prev"]);
}

#[test]
fn an_interrupt_leaves_the_previous_output_and_no_staging_folder() {
    let sb = Sandbox::new();
    let before = snapshot(sb.root());
    let child = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(["plan", "--quiet", "--out", "prev"])
        .current_dir(sb.root())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let ok = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(ok.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    assert_unchanged(&before, &snapshot(sb.root()), &["plan (interrupted)"]);
}
