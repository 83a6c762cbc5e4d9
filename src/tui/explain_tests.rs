//! The explanations file: every topic has a text, every id in it is a topic,
//! the texts stay a sentence or three, and a user's file overrides text by
//! text.

use super::*;

#[test]
fn the_shipped_file_has_a_text_for_every_topic_and_no_unknown_id() {
    // Unknown ids are refused by the reader, so parsing proves the second.
    let shipped = Explanations::from_toml(DEFAULT_EXPLANATIONS, None, "explain.toml").unwrap();
    for (topic, id) in Topic::ALL {
        let text = shipped.text(topic);
        assert!(!text.is_empty(), "{id} has no text");
        // The panel is a few lines under the screen: a sentence or three.
        assert!(text.len() <= 300, "{id} is {} characters long", text.len());
        assert!(text.ends_with('.'), "{id}: {text}");
    }
    assert_eq!(shipped, Explanations::defaults());
}

#[test]
fn every_context_has_a_text() {
    let shipped = Explanations::defaults();
    for context in Context::ALL {
        let topic = Topic::of_context(context);
        assert!(!shipped.text(topic).is_empty(), "{context:?}");
    }
}

#[test]
fn ids_are_unique_and_each_topic_listed_once() {
    let mut ids: Vec<&str> = Topic::ALL.iter().map(|(_, id)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), Topic::ALL.len());
    for (topic, id) in Topic::ALL {
        assert_eq!(topic.id(), id);
    }
}

#[test]
fn a_users_file_overrides_text_by_text_and_mistakes_name_the_line() {
    let base = Explanations::defaults();
    let user = Explanations::from_toml(
        "plan-mib = \"\"\"\nLa plage alignée\n sur le MiB.\n\"\"\"\n",
        Some(&base),
        "explain.toml",
    )
    .unwrap();
    assert_eq!(user.text(Topic::PlanMib), "La plage alignée sur le MiB.");
    assert_eq!(user.text(Topic::PlanTree), base.text(Topic::PlanTree));
    let err =
        Explanations::from_toml("\nplan-mbi = \"x\"\n", Some(&base), "explain.toml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "explain.toml line 2, key 'plan-mbi': 'plan-mbi' is not something defrost explains; the ids are the keys of the default explain.toml"
    );
    let err = Explanations::from_toml("drain = 3\n", Some(&base), "explain.toml").unwrap_err();
    assert!(err.to_string().contains("must be a text"), "{err}");
}
