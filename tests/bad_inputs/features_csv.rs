//! Bad inputs: features_csv.

#[allow(unused_imports)]
use crate::harness::*;
