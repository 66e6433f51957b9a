//! pianura partitions municipalities into contiguous, homogeneous zones.
//!
//! Data flows one way: [`territory`] (municipalities, polygons, attributes) →
//! [`graph`] (who borders whom) and [`features`] (standardized, weighted attributes) →
//! solvers → plan → report. This crate root only re-exports; every concern lives in its
//! own module.
#![deny(missing_docs)]

pub mod compare;
pub mod distances;
pub mod economy;
pub mod ensemble;
pub mod error;
pub mod features;
pub mod graph;
pub mod metrics;
pub mod numbers;
pub mod objective;
pub mod partition;
pub mod plan;
pub mod progress;
pub mod report;
pub mod solve;
pub mod status;
pub mod territory;

pub use error::Error;
pub use features::{FeatureError, FeatureMatrix};
pub use graph::{AdjacencyGraph, Contiguity, GraphError};
pub use territory::{Municipality, MunicipalityId, Territory, TerritoryError};
