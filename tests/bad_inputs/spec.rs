//! Bad inputs: spec.

#[allow(unused_imports)]
use crate::harness::*;
