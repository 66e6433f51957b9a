//! Bad inputs, grouped by the input they break. Every case runs the real binary in a sandbox
//! folder holding the user's own files and a previous pianura output, and asserts the exit
//! code, that the message names the culprit, and that nothing in the sandbox changed.

#[path = "../common/mod.rs"]
mod common;
mod harness;

mod collaborations;
mod csv_folder;
mod distances;
mod features_csv;
mod flags;
mod geojson;
mod output_folders;
mod plan_files;
mod scenarios;
mod spec;
