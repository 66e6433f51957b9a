//! Bad inputs: geojson.

#[allow(unused_imports)]
use crate::harness::*;
