//! Bad inputs: collaborations (`plan --collaborations`). Every case must fail before any
//! solving, naming the file, the row (header = line 1), the collaboration and the municipality.

#[allow(unused_imports)]
use crate::harness::*;

/// `pianura plan --collaborations unions.csv --out prev` with `csv` must fail naming `culprits`.
fn fails(csv: &str, culprits: &[&str]) -> String {
    let sb = Sandbox::new();
    let c = sb.write("unions.csv", csv);
    sb.fails(&["plan", "--collaborations", &c, "--out", "prev"], &[&["unions.csv"], culprits].concat())
}

const HEADER: &str = "name,function,members\n";

#[test]
fn member_listed_twice() {
    fails(&format!("{HEADER}Unione Bassa,ict,017103 017122 17103\n"), &["row 2 (Unione Bassa)", "017103 Manerbio is listed twice"]);
}

#[test]
fn one_municipality_in_two_collaborations_of_a_function() {
    fails(
        &format!("{HEADER}Unione A,ict,017103 017122\nConvenzione B,ict,017137 017103\n"),
        &["row 3 (Convenzione B)", "017103 Manerbio is also in collaboration `Unione A` (row 2) for function ict"],
    );
}

#[test]
fn all_counts_for_every_function() {
    fails(
        &format!("{HEADER}Unione A,all,017103 017122\nConvenzione B,suap_sue,017137 017122\n"),
        &["row 3 (Convenzione B)", "017122 Offlaga is also in collaboration `Unione A` (row 2) for function suap_sue"],
    );
}

#[test]
fn unknown_function() {
    fails(&format!("{HEADER}Unione A,polizia,017103 017122\n"), &["row 2 (Unione A)", "unknown function `polizia`", "polizia_locale"]);
}

#[test]
fn function_in_the_wrong_case() {
    fails(&format!("{HEADER}Unione A,ICT,017103 017122\n"), &["row 2 (Unione A)", "unknown function `ICT`"]);
}

#[test]
fn empty_members() {
    fails(&format!("{HEADER}Unione A,ict,\n"), &["row 2 (Unione A)", "no members"]);
}

#[test]
fn one_member() {
    fails(&format!("{HEADER}Unione A,ict,017103\n"), &["row 2 (Unione A)", "one member (017103)"]);
}

#[test]
fn duplicate_name_for_one_function() {
    fails(
        &format!("{HEADER}Unione A,ict,017103 017122\nUnione A,ict,017137 017004\n"),
        &["row 3 (Unione A)", "listed twice for function ict", "row 2"],
    );
}

#[test]
fn unknown_code() {
    fails(&format!("{HEADER}Unione A,ict,017103 999999\n"), &["row 2 (Unione A)", "999999 is not a municipality"]);
}

#[test]
fn code_written_as_a_float() {
    fails(&format!("{HEADER}Unione A,ict,17103.0 17122.0\n"), &["row 2 (Unione A)", "17103.0 is not a municipality", "17122.0"]);
}

#[test]
fn blank_name() {
    fails(&format!("{HEADER},ict,017103 017122\n"), &["row 2: no name"]);
}

#[test]
fn missing_members_column() {
    fails("name,function,comuni\nUnione A,ict,017103 017122\n", &["members"]);
}

#[test]
fn a_row_with_too_many_cells() {
    fails(&format!("{HEADER}Unione A,ict,017103,017122\n"), &["row 2"]);
}

#[test]
fn every_problem_is_listed() {
    fails(
        &format!("{HEADER}Unione A,ict,017103 999999\nUnione B,teleport,017122 017137\nUnione C,ict,017004\n"),
        &[
            "unions.csv: 3 problems",
            "row 2 (Unione A): 999999",
            "row 3 (Unione B): unknown function `teleport`",
            "row 4 (Unione C): one member",
        ],
    );
}
