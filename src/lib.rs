//! skinflint: a policy-as-code linter that keeps ML model serving on Kubernetes cheap.
//!
//! Data flows one way: [`source`] discovers and parses inputs into span trees, [`model`]
//! classifies and normalises them (one node-pool model over three Karpenter APIs),
//! [`catalog`] knows instance types and prices, [`rule`] is the vocabulary of rules,
//! findings and config, [`checks`] evaluate rules, [`engine`] runs them, [`report`]
//! renders the findings, and [`run`] wires them into the commands [`cli`] defines.

pub mod catalog;
pub mod checks;
pub mod cli;
pub mod costmodel;
pub mod diff;
pub mod engine;
pub mod model;
pub mod profile;
pub mod promql;
pub mod report;
pub mod rule;
pub mod run;
pub mod schema;
pub mod source;
pub mod suggest;
