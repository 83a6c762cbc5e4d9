//! The keymap: defaults, overrides, mistakes and key names.

use super::*;

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn the_default_keymap_binds_every_action() {
    let map = Keymap::from_toml(DEFAULT_KEYMAP, None, "keymap.toml").unwrap();
    for (action, name, _) in ACTIONS {
        assert_ne!(map.label(*action), "(unbound)", "{name}");
    }
    assert_eq!(
        map.action(&press(KeyCode::Char('q'), KeyModifiers::NONE)),
        Some(Action::Quit)
    );
    assert_eq!(
        map.action(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(Action::Quit)
    );
    // Shift is folded into the character: `G` is `G` however the terminal sends it.
    assert_eq!(
        map.action(&press(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        Some(Action::Last)
    );
    assert_eq!(
        map.action(&press(KeyCode::BackTab, KeyModifiers::SHIFT)),
        Some(Action::PreviousPane)
    );
}

#[test]
fn a_user_file_overrides_one_action_and_steals_its_keys() {
    let base = Keymap::defaults();
    let user = Keymap::from_toml(
        "[keys]\nquit = [\"x\"]\nhelp = \"q\"\n",
        Some(&base),
        "keymap.toml",
    )
    .unwrap();
    assert_eq!(
        user.action(&press(KeyCode::Char('x'), KeyModifiers::NONE)),
        Some(Action::Quit)
    );
    assert_eq!(
        user.action(&press(KeyCode::Char('q'), KeyModifiers::NONE)),
        Some(Action::Help)
    );
    assert_eq!(user.label(Action::Quit), "x");
    // Untouched actions keep their defaults.
    assert_eq!(
        user.action(&press(KeyCode::Char('/'), KeyModifiers::NONE)),
        Some(Action::Filter)
    );
}

#[test]
fn mistakes_name_the_file_line_and_key() {
    let base = Keymap::defaults();
    let err =
        Keymap::from_toml("[keys]\n\nquitt = [\"x\"]\n", Some(&base), "keymap.toml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "keymap.toml line 3, key 'quitt': 'quitt' is not an action; the actions are listed in the default keymap.toml"
    );
    let err =
        Keymap::from_toml("[keys]\nquit = [\"ctrl-\"]\n", Some(&base), "keymap.toml").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("keymap.toml line 2, key 'quit': 'ctrl-' is not a key"),
        "{err}"
    );
    let err = Keymap::from_toml("[keys\n", Some(&base), "keymap.toml").unwrap_err();
    assert!(err.to_string().starts_with("keymap.toml line 1"), "{err}");
}

#[test]
fn keys_parse_and_label_round_trip() {
    for text in [
        "q", "?", "ctrl-r", "pagedown", "f5", "alt-x", "shift-up", "G",
    ] {
        let key = parse_key(text).unwrap_or_else(|| panic!("{text}"));
        assert!(!key.label().is_empty());
    }
    assert_eq!(parse_key("f13"), None);
    assert_eq!(parse_key("banana"), None);
    assert_eq!(parse_key(""), None);
}
