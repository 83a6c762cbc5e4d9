//! The local inventory cache.

pub mod sorter;
