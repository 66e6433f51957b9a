//! Bad inputs: flags.

#[allow(unused_imports)]
use crate::harness::*;
