//! The shape every refusal of bad input must have, shared by the command-line tests.

/// Checks what a refused command printed: nothing on stdout, and on stderr one
/// line that starts with `defrost: `, shows no panic or control character, and
/// mentions each of `mentions`. `args` only labels failures.
pub fn assert_one_line_error(args: &[&str], stdout: &[u8], stderr: &str, mentions: &[&str]) {
    assert!(stdout.is_empty(), "{args:?} printed {stdout:?}");
    assert!(stderr.starts_with("defrost: "), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.ends_with('\n'), "{args:?}: {stderr}");
    for panic_text in ["panicked", "RUST_BACKTRACE"] {
        assert!(!stderr.contains(panic_text), "{args:?}: {stderr}");
    }
    assert!(
        !stderr.chars().any(|c| c.is_control() && c != '\n'),
        "{args:?}: {stderr:?}"
    );
    for mention in mentions {
        assert!(
            stderr.contains(mention),
            "{args:?}: {stderr} lacks {mention}"
        );
    }
}
