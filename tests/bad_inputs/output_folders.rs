//! Bad inputs: output_folders.

#[allow(unused_imports)]
use crate::harness::*;
