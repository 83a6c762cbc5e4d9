//! The inventory cache from the command line, each test with a data directory of
//! its own: `defrost inventory import`, `list`, `diff` and `tree`, and `defrost
//! archives`, with every kind of bad input and untrusted text in descriptions.

#[path = "cli_inventory/archives.rs"]
mod archives;
#[path = "cli_inventory/bad_input.rs"]
mod bad_input;
#[path = "cli_inventory/diff_tree.rs"]
mod diff_tree;
#[path = "cli_inventory/import_list.rs"]
mod import_list;
#[path = "cli_inventory/large.rs"]
mod large;
mod one_line_error;
#[path = "cli_inventory/support.rs"]
mod support;
#[path = "cli_inventory/untrusted.rs"]
mod untrusted;
