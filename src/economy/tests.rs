//! Tests of the economy module.
