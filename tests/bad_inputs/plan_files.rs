//! Bad inputs: plan_files.

#[allow(unused_imports)]
use crate::harness::*;
