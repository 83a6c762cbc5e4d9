//! The interactive program: one screen to browse cached inventories, plan a byte
//! range, preview the exact job parameters, launch and follow jobs, and download
//! their output.
//!
//! Shaped as The Elm Architecture: terminal events and results of work become a
//! [`msg::Msg`]; [`update::update`] changes the [`model::Model`] and returns
//! [`msg::Cmd`]s, effects as data, which the [`runtime`] runs; [`view`] only draws.

pub mod app;
pub mod batch;
pub mod config;
pub mod context;
pub mod drain;
pub mod effects;
pub mod explain;
mod jobs_pane;
pub mod keymap;
mod keys;
pub mod layout;
pub mod marks;
pub mod member_restore;
pub mod members;
pub mod migration;
pub mod model;
pub mod msg;
pub mod present;
pub mod progress;
pub mod runtime;
mod store_worker;
#[cfg(test)]
pub mod testing;
#[cfg(test)]
pub mod testing_batch;
#[cfg(test)]
pub mod testing_members;
#[cfg(test)]
pub mod testing_migration;
pub mod tour;
pub mod update;
pub mod view;
