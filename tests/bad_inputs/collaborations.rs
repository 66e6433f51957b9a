//! Bad inputs: collaborations.

#[allow(unused_imports)]
use crate::harness::*;
