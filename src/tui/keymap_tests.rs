//! The keymap: defaults, overrides, mistakes and key names.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
    let types = |text| parse_key(text).is_some_and(|key| key.types_text());
    for text in ["q", "G", "?", "space", "backspace", "7"] {
        assert!(types(text), "{text}");
    }
    for text in [
        "ctrl-e", "alt-x", "f2", "up", "enter", "esc", "tab", "shift-up",
    ] {
        assert!(!types(text), "{text}");
    }
    assert_eq!(parse_key("f13"), None);
    assert_eq!(parse_key("banana"), None);
    assert_eq!(parse_key(""), None);
}

#[test]
fn where_a_field_takes_typing_characters_are_text_and_other_keys_act() {
    let map = Keymap::defaults();
    let e = press(KeyCode::Char('e'), KeyModifiers::NONE);
    let k = press(KeyCode::Char('k'), KeyModifiers::NONE);
    assert_eq!(map.action_in(Context::Archives, &e), Some(Action::Explain));
    assert_eq!(map.action_in(Context::Planner, &e), None);
    assert_eq!(map.action_in(Context::Planner, &k), None);
    for explain in [
        press(KeyCode::F(2), KeyModifiers::NONE),
        press(KeyCode::Char('e'), KeyModifiers::CONTROL),
    ] {
        assert_eq!(
            map.action_in(Context::Planner, &explain),
            Some(Action::Explain)
        );
    }
    assert_eq!(
        map.action_in(Context::Planner, &press(KeyCode::Up, KeyModifiers::NONE)),
        Some(Action::Up)
    );
    assert_eq!(map.label_in(Context::Planner, Action::Up), "↑");
    assert_eq!(map.label_in(Context::Planner, Action::Explain), "F2/Ctrl-e");
    assert_eq!(map.label_in(Context::Jobs, Action::Explain), "e/F2/Ctrl-e");
    // `p` previews from the table, and types in the planner: no key is left
    // for it there, and Enter previews instead.
    assert!(map.keys_in(Context::Planner, Action::Preview).is_empty());
}

#[test]
fn an_action_that_does_nothing_in_a_context_has_no_key_there() {
    let map = Keymap::defaults();
    let d = press(KeyCode::Char('d'), KeyModifiers::NONE);
    assert_eq!(map.action_in(Context::Jobs, &d), Some(Action::Download));
    assert_eq!(map.action_in(Context::Archives, &d), None);
    assert!(map.keys_in(Context::Archives, Action::Download).is_empty());
    assert_eq!(
        map.label_in(Context::Archives, Action::Download),
        "(unbound)"
    );
}

#[test]
fn a_keymap_written_before_contexts_still_loads() {
    // Every action it names still exists, and keys it binds to letters keep
    // working wherever no field takes typing.
    let old = "[keys]\nexplain = [\"x\"]\nup = [\"k\", \"up\"]\nhelp = [\"h\"]\n";
    let map = Keymap::from_toml(old, Some(&Keymap::defaults()), "keymap.toml").unwrap();
    let x = press(KeyCode::Char('x'), KeyModifiers::NONE);
    assert_eq!(map.action_in(Context::Jobs, &x), Some(Action::Explain));
    // Typed in the planner; the explain key there is then none, and neither
    // the footer nor the help screen offers one.
    assert_eq!(map.action_in(Context::Planner, &x), None);
    assert!(map.keys_in(Context::Planner, Action::Explain).is_empty());
}
