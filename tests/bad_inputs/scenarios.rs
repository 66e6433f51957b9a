//! Bad inputs: scenarios.

#[allow(unused_imports)]
use crate::harness::*;
