//! Feeding files and streams to the tree hasher on every core.
