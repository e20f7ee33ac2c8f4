//! The integration tests, one module per area, in one binary: each test binary links the
//! whole dependency graph, so one binary instead of one per file saves most of the link
//! time. The per-fixture rule tests are the separate `fixtures` target (`tests/fixtures.rs`).

mod common;

mod alerts;
mod catalog;
mod changes;
mod cli;
mod clusters;
mod code_shape;
mod corpus;
mod diff;
mod first_run;
mod fuzz;
mod helm;
mod pairing;
mod policies;
mod profiles;
mod prometheus;
mod promtool;
mod realworld;
mod registry;
mod release;
mod seed;
mod surfaces;
mod workflow;
mod workloads;
