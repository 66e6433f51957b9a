//! Bad inputs: csv_folder.

#[allow(unused_imports)]
use crate::harness::*;
