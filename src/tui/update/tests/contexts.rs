//! The footer and the help screen against `update`: in every context, with the
//! explanation closed and open, every key offered is pressed on a copy of the
//! model, and must ask for the action it is offered for and do what its hint
//! says; none may be typed into a field or pass unnoticed.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::context_scenarios::scenarios;
use crate::domain::range::PlanKind;
use crate::tui::batch::BatchStage;
use crate::tui::context::{Context, hints};
use crate::tui::keymap::Action;
use crate::tui::members::ZipCmd;
use crate::tui::migration::MigrationStage;
use crate::tui::model::{Dialog, Model};
use crate::tui::msg::{Cmd, Msg};
use crate::tui::testing::NOW;
use crate::tui::update::update;

#[test]
fn every_key_the_footer_or_help_offers_does_what_it_says_in_every_context() {
    let mut seen = Vec::new();
    let mut checked = 0;
    for (name, scenario) in scenarios() {
        // Without a tour (off the demo), then with one hidden and one shown.
        for (explain, tour) in [
            (false, None),
            (true, None),
            (false, Some(false)),
            (true, Some(true)),
        ] {
            let mut model = scenario.clone();
            model.explain = explain;
            if let Some(shown) = tour {
                model.tour = demo_tour(shown);
            }
            let context = Context::of(&model);
            seen.push(context);
            let offered = hints(&model);
            assert!(!offered.is_empty(), "{name}: nothing offered");
            // A key offered twice would promise two things at once.
            let mut keys: Vec<_> = offered.iter().flat_map(|hint| hint.keys.clone()).collect();
            let all = keys.len();
            keys.sort_by_key(|key| key.label());
            keys.dedup();
            assert_eq!(
                keys.len(),
                all,
                "{name} (explain {explain}): a key offered twice"
            );
            for hint in offered {
                for key in &hint.keys {
                    let event = KeyEvent::new(key.code, key.modifiers);
                    let at = format!(
                        "{name} (explain {explain}), {} for '{}' ({:?})",
                        key.label(),
                        hint.hint,
                        hint.action
                    );
                    assert!(
                        !(context.takes_typing() && key.types_text()),
                        "{at}: this key is typed into the field"
                    );
                    let asked = model.config.keymap.action_in(context, &event);
                    assert_eq!(asked, Some(hint.action), "{at}");
                    let mut after = model.clone();
                    let cmds = update(&mut after, Msg::Key(event), NOW);
                    if let Err(why) = did(context, hint.action, &model, &after, &cmds) {
                        panic!("{at}: {why}; commands {cmds:?}");
                    }
                    checked += 1;
                }
            }
        }
    }
    for context in Context::ALL {
        assert!(seen.contains(&context), "no scenario reaches {context:?}");
    }
    assert!(checked > 300, "{checked}");
}

/// The demo's tour, hidden at its start or shown at its end: either way no
/// step moves on under the keys tried here.
fn demo_tour(shown: bool) -> crate::tui::tour::Tour {
    use crate::tui::tour::{FINISHED, Progress, Tour};
    let step = shown.then(|| FINISHED.to_owned());
    let progress = Progress {
        step,
        ..Progress::default()
    };
    Tour::new(std::path::PathBuf::from("demo/tour.json"), progress, shown)
}

/// Whether `after` (and `cmds`) show that `action` did what its hint says in
/// `context`, from `before`.
fn did(
    context: Context,
    action: Action,
    before: &Model,
    after: &Model,
    cmds: &[Cmd],
) -> Result<(), String> {
    let sent = |wanted: fn(&Cmd) -> bool| cmds.iter().any(wanted);
    let now_in = Context::of(after);
    let members_read = |now_in: Context| {
        now_in == Context::Members && sent(|c| matches!(c, Cmd::Zip(ZipCmd::Members { .. })))
    };
    let ok = match (context, action) {
        (_, Action::Explain) => after.explain != before.explain,
        (_, Action::Tour) => after.tour.shown != before.tour.shown,
        (_, Action::Back) if before.explain => !after.explain && now_in == context,
        (Context::Help, Action::Back | Action::Help) => !after.help,
        (_, Action::Help) => after.help && Context::beneath_help(after) == context,
        (_, Action::Quit) => after.quit && sent(|c| matches!(c, Cmd::Quit)),
        (_, Action::Refresh) => sent(|c| matches!(c, Cmd::SyncJobs { .. })),
        (_, Action::FetchInventory) => sent(|c| matches!(c, Cmd::FetchInventory { .. })),
        (
            Context::Vaults | Context::Archives | Context::Tree | Context::Members | Context::Jobs,
            Action::NextPane | Action::PreviousPane,
        ) => after.focus != before.focus,
        (_, Action::Up | Action::Down | Action::PageUp | Action::PageDown)
        | (_, Action::First | Action::Last)
            if moves_a_cursor(context) =>
        {
            cursor(after) != cursor(before)
        }
        (Context::Vaults, Action::Open) => now_in == Context::Archives,
        (Context::Vaults, Action::Drain) => {
            now_in == Context::Drain && sent(|c| matches!(c, Cmd::PrepareDrain { .. }))
        }
        (Context::Archives | Context::Tree, Action::Mark) => {
            after.archives.marks != before.archives.marks || sent(|c| matches!(c, Cmd::Marks(_)))
        }
        (Context::Archives | Context::Tree, Action::MarkMatching) => {
            sent(|c| matches!(c, Cmd::Marks(_)))
        }
        (Context::Archives | Context::Tree, Action::ClearMarks) => after.archives.marks.is_empty(),
        (Context::Archives | Context::Tree, Action::Launch) => now_in == Context::BatchFolder,
        (Context::Archives | Context::Tree, Action::Migrate) => now_in == Context::MigrationText,
        (Context::Archives, Action::Filter) => now_in == Context::Filter,
        (Context::Archives, Action::Back) => {
            after.archives.filter.is_empty() && sent(|c| matches!(c, Cmd::LoadPage { .. }))
        }
        (Context::Archives, Action::Tree) => {
            now_in == Context::Tree && sent(|c| matches!(c, Cmd::LoadFolder { .. }))
        }
        (Context::Archives, Action::Open | Action::PlanRange) => {
            now_in == Context::Planner || members_read(now_in)
        }
        // A listed zip opens its members; any other archive asks where its
        // peek stands, paying nothing yet.
        (Context::Archives, Action::Peek) => {
            members_read(now_in)
                || sent(|c| matches!(c, Cmd::Zip(ZipCmd::Peek { ask, .. }) if !ask.launch))
        }
        // The tree knows an archive by its place: its row is read first.
        (Context::Tree, Action::Peek) => sent(|c| matches!(c, Cmd::LoadArchive { .. })),
        (Context::Archives, Action::Preview) => now_in == Context::Preview,
        (Context::Archives, Action::Sort) => after.archives.sort != before.archives.sort,
        (Context::Archives, Action::Reverse) => {
            after.archives.descending != before.archives.descending
        }
        (Context::Tree, Action::Open | Action::PlanRange) => {
            sent(|c| matches!(c, Cmd::LoadFolder { .. } | Cmd::LoadArchive { .. }))
        }
        (Context::Tree, Action::Back) => {
            let path = |model: &Model| model.archives.tree.as_ref().map(|t| t.path.clone());
            path(after) != path(before)
        }
        (Context::Tree, Action::Tree) => now_in == Context::Archives,
        (Context::Filter, Action::Back) => {
            now_in == Context::Archives && after.archives.filter.is_empty()
        }
        (Context::Filter, Action::Open | Action::Down | Action::NextPane) => {
            now_in == Context::Archives && after.archives.filter == before.archives.filter
        }
        (Context::Jobs, Action::Open) => {
            after.jobs.expanded != before.jobs.expanded
                || after.jobs.expanded_batches != before.jobs.expanded_batches
        }
        (Context::Jobs, Action::Download) => now_in == Context::Download,
        (Context::Jobs, Action::Launch) => {
            sent(|c| matches!(c, Cmd::ResumeBatch { .. } | Cmd::ResumeMigration { .. }))
        }
        (Context::Jobs, Action::Renew) => sent(|c| matches!(c, Cmd::PlanRenewal { .. })),
        (Context::Members, Action::Open | Action::PlanRange) => {
            now_in == Context::Planner || members_path(after) != members_path(before)
        }
        (Context::Members, Action::Back | Action::Parent) => {
            members_path(after) != members_path(before)
        }
        (Context::Members, Action::Tree) => {
            after.zips.members.is_none() && matches!(now_in, Context::Archives | Context::Tree)
        }
        (Context::Peek, Action::Up | Action::Down | Action::NextPane | Action::PreviousPane) => {
            peek_tier(after).is_some() && peek_tier(after) != peek_tier(before)
        }
        (Context::Peek, Action::Open) => {
            after.dialog.is_none()
                && cmds.iter().any(|c| {
                    matches!(c, Cmd::Zip(ZipCmd::Peek { ask, .. })
                        if ask.launch && Some(ask.tier) == peek_tier(before))
                })
        }
        // A file asks where its restore stands, paying nothing yet.
        (Context::Members, Action::Download) => {
            sent(|c| matches!(c, Cmd::Zip(ZipCmd::RestoreMember { ask, .. }) if !ask.launch))
        }
        (Context::MemberRestore, _) => member_restore_did(action, before, after, cmds),
        (Context::Planner, _) => planner_did(action, before, after),
        (Context::Preview, Action::Copy) => sent(|c| matches!(c, Cmd::CopyToClipboard(_))),
        (Context::Preview, Action::Save) => now_in == Context::SaveAs,
        (Context::Preview, Action::Open | Action::Launch) => {
            now_in == Context::Launch && sent(|c| matches!(c, Cmd::LoadPolicy { .. }))
        }
        (Context::Preview, Action::Up | Action::Down) => scroll(after) != scroll(before),
        (Context::Preview, Action::Back) => now_in == Context::Planner,
        (Context::SaveAs, Action::Open) => sent(|c| matches!(c, Cmd::SaveToFile { .. })),
        (Context::SaveAs, Action::Back) => now_in == Context::Preview,
        (Context::Launch, _) => launch_did(action, before, after, cmds),
        (Context::Download, Action::Open) => {
            sent(|c| matches!(c, Cmd::Download { .. } | Cmd::DownloadBatch { .. }))
        }
        (Context::Renew, Action::Open) => sent(|c| matches!(c, Cmd::Renew { .. })),
        (Context::BatchFolder, Action::Open) => sent(|c| matches!(c, Cmd::PrepareBatch { .. })),
        (Context::BatchFolder | Context::BatchSummary, Action::NextPane) => {
            batch_tier(after) != batch_tier(before)
        }
        (Context::BatchSummary, Action::Open) => sent(|c| matches!(c, Cmd::StartBatch { .. })),
        (Context::BatchSummary, Action::Back) => match batch_stage(before) {
            Some(BatchStage::Ready(_)) => now_in == Context::BatchFolder,
            _ => after.dialog.is_none(),
        },
        (Context::MigrationText | Context::MigrationChoice, Action::NextPane)
        | (Context::MigrationText | Context::MigrationChoice, Action::PreviousPane) => {
            migration_fields(after) != migration_fields(before)
        }
        (Context::MigrationChoice, Action::Up | Action::Down) => {
            migration_fields(after) != migration_fields(before)
        }
        (Context::MigrationText | Context::MigrationChoice, Action::Open) => {
            sent(|c| matches!(c, Cmd::PrepareMigration { .. }))
        }
        (Context::MigrationSummary, Action::Open) => {
            sent(|c| matches!(c, Cmd::StartMigration { .. }))
        }
        (Context::MigrationSummary, Action::Back) => matches!(
            &after.dialog,
            Some(Dialog::Migration(d)) if d.stage == MigrationStage::Choosing
        ),
        (Context::Drain, Action::Open) => {
            sent(|c| matches!(c, Cmd::StartDrain { .. })) || after.dialog.is_none()
        }
        // Closing a dialog: nothing of it is left.
        (
            Context::Download
            | Context::Renew
            | Context::BatchFolder
            | Context::MigrationText
            | Context::MigrationChoice
            | Context::Drain
            | Context::Peek,
            Action::Back,
        ) => after.dialog.is_none() && cmds.is_empty(),
        _ => return Err("no expectation for this action here; add one".into()),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("did not happen; now in {now_in:?}"))
    }
}

fn moves_a_cursor(context: Context) -> bool {
    matches!(
        context,
        Context::Vaults | Context::Archives | Context::Tree | Context::Members | Context::Jobs
    )
}

/// Every cursor of the panes, whichever the key moves.
fn cursor(model: &Model) -> (usize, u64, Option<usize>, Option<usize>, usize) {
    let tree = model.archives.tree.as_ref().map(|tree| tree.cursor);
    let members = model.zips.members.as_ref().map(|view| view.cursor);
    (
        model.vault_cursor,
        model.archives.cursor,
        tree,
        members,
        model.jobs.cursor,
    )
}

/// The folder of the zip's members shown (`None`: the members are closed).
fn members_path(model: &Model) -> Option<String> {
    model.zips.members.as_ref().map(|view| view.path.clone())
}

fn peek_tier(model: &Model) -> Option<crate::domain::job_params::Tier> {
    match &model.dialog {
        Some(Dialog::Peek(dialog)) => Some(dialog.tier),
        _ => None,
    }
}

/// The restore dialog's plan and tier.
fn member_choice(model: &Model) -> Option<(PlanKind, crate::domain::job_params::Tier)> {
    match &model.dialog {
        Some(Dialog::MemberRestore(dialog)) => Some((dialog.chosen, dialog.tier)),
        _ => None,
    }
}

fn member_restore_did(action: Action, before: &Model, after: &Model, cmds: &[Cmd]) -> bool {
    let changed = member_choice(after).is_some() && member_choice(after) != member_choice(before);
    match action {
        Action::Up | Action::Down | Action::NextPane | Action::PreviousPane => {
            changed && member_choice(after).map(|c| c.0) == member_choice(before).map(|c| c.0)
        }
        Action::Left | Action::Right => {
            changed && member_choice(after).map(|c| c.1) == member_choice(before).map(|c| c.1)
        }
        Action::Open => {
            after.dialog.is_none()
                && cmds.iter().any(|c| {
                    matches!(c, Cmd::Zip(ZipCmd::RestoreMember { ask, .. })
                        if ask.launch && Some((ask.plan, ask.tier)) == member_choice(before))
                })
        }
        Action::Back => after.dialog.is_none() && cmds.is_empty(),
        _ => false,
    }
}

fn planner_did(action: Action, before: &Model, after: &Model) -> bool {
    let planner = |model: &Model| match &model.dialog {
        Some(Dialog::Range(dialog)) => Some(dialog.clone()),
        _ => None,
    };
    let (Some(was), now) = (planner(before), planner(after)) else {
        return false;
    };
    match (action, now) {
        (Action::Up | Action::Down | Action::PageUp | Action::PageDown, Some(now)) => {
            now.want != was.want && now.text != was.text
        }
        (Action::NextPane | Action::PreviousPane, Some(now)) => now.moving != was.moving,
        (Action::Left | Action::Right, Some(now)) => now.chosen != was.chosen,
        (Action::Zoom, Some(now)) => now.zoom != was.zoom,
        (Action::Open | Action::Preview, None) => Context::of(after) == Context::Preview,
        (Action::Back, None) => after.dialog.is_none(),
        _ => false,
    }
}

fn launch_did(action: Action, before: &Model, after: &Model, cmds: &[Cmd]) -> bool {
    let launch = |model: &Model| match &model.dialog {
        Some(Dialog::Launch(launch)) => Some((launch.preview.tier, launch.confirming)),
        _ => None,
    };
    let Some((tier, confirming)) = launch(before) else {
        return false;
    };
    match action {
        Action::Up | Action::Down => launch(after).is_some_and(|(now, _)| now != tier),
        Action::Open | Action::Launch if !confirming => launch(after) == Some((tier, true)),
        Action::Open | Action::Launch => cmds.iter().any(|c| matches!(c, Cmd::Launch { .. })),
        // Reusing a job: no new one, straight to it in the jobs pane.
        Action::Download => after.dialog.is_none() && cmds.is_empty(),
        Action::Back if confirming => launch(after) == Some((tier, false)),
        Action::Back => Context::of(after) == Context::Preview,
        _ => false,
    }
}

fn scroll(model: &Model) -> Option<u16> {
    match &model.dialog {
        Some(Dialog::Preview(preview)) => Some(preview.scroll),
        _ => None,
    }
}

fn batch_stage(model: &Model) -> Option<BatchStage> {
    match &model.dialog {
        Some(Dialog::Batch(dialog)) => Some(dialog.stage.clone()),
        _ => None,
    }
}

fn batch_tier(model: &Model) -> Option<crate::domain::job_params::Tier> {
    match &model.dialog {
        Some(Dialog::Batch(dialog)) => Some(dialog.tier),
        _ => None,
    }
}

/// The migration dialog's chosen field and its values, as a comparable text.
fn migration_fields(model: &Model) -> String {
    match &model.dialog {
        Some(Dialog::Migration(d)) => format!(
            "{:?} {:?} {:?} {}",
            d.field, d.storage_class, d.tier, d.across_regions
        ),
        _ => String::new(),
    }
}

#[test]
fn in_the_planner_e_and_k_are_typed_and_the_explain_key_explains() {
    let (_, mut model) = scenarios()
        .into_iter()
        .find(|(name, _)| *name == "planner")
        .expect("the planner scenario");
    let key = |code, modifiers| Msg::Key(KeyEvent::new(code, modifiers));
    update(&mut model, key(KeyCode::Char('e'), KeyModifiers::NONE), NOW);
    update(&mut model, key(KeyCode::Char('k'), KeyModifiers::NONE), NOW);
    let Some(Dialog::Range(dialog)) = &model.dialog else {
        panic!("the planner closed");
    };
    assert_eq!(dialog.text, "7MiB-9MiBek");
    assert!(!model.explain);
    update(&mut model, key(KeyCode::F(2), KeyModifiers::NONE), NOW);
    assert!(model.explain);
    let offered: Vec<String> = hints(&model)
        .iter()
        .filter(|hint| hint.footer)
        .map(|hint| format!("{} {}", hint.keys[0].label(), hint.hint))
        .collect();
    assert!(offered.contains(&"Esc close why".to_owned()), "{offered:?}");
    assert!(offered.contains(&"↑ move end".to_owned()), "{offered:?}");
    // Esc closes the explanation first, then the planner.
    update(&mut model, key(KeyCode::Esc, KeyModifiers::NONE), NOW);
    assert!(!model.explain && model.dialog.is_some());
    update(&mut model, key(KeyCode::Esc, KeyModifiers::NONE), NOW);
    assert!(model.dialog.is_none());
}

#[test]
fn every_context_explains_its_step_and_what_is_selected_in_it() {
    use crate::tui::explain::{Topic, topics};
    let mut said = Vec::new();
    for (name, model) in scenarios() {
        let found = topics(&model);
        assert!(!found.is_empty(), "{name}");
        for topic in &found {
            let text = model.config.explain.text(*topic);
            assert!(!text.is_empty(), "{name}: {}", topic.id());
        }
        said.push((name, found));
    }
    let of = |name: &str| {
        let (_, found) = said.iter().find(|(known, _)| *known == name).unwrap();
        found.clone()
    };
    assert_eq!(of("planner"), [Topic::Planner, Topic::PlanTree]);
    assert_eq!(
        of("launch"),
        [
            Topic::Launch,
            Topic::TierStandard,
            Topic::RetrievalPolicy,
            Topic::Reuse
        ]
    );
    assert_eq!(of("jobs on a batch"), [Topic::BatchRow]);
    assert_eq!(of("jobs on a migration"), [Topic::MigrationRow]);
    assert_eq!(of("jobs on a plan partly ready"), [Topic::JobInProgress]);
    assert_eq!(of("jobs on an expired plan"), [Topic::JobExpired]);
    assert_eq!(
        of("migration choices"),
        [Topic::Migration, Topic::StorageClass]
    );
    assert_eq!(of("drain"), [Topic::Drain]);
    assert_eq!(
        of("archives on a listed zip"),
        [Topic::Archives, Topic::ListedZip]
    );
    assert_eq!(
        of("tree on a listed zip"),
        [Topic::Tree, Topic::Marks, Topic::ListedZip]
    );
    assert_eq!(of("members at the top"), [Topic::Members]);
    assert_eq!(of("members on a member"), [Topic::Members, Topic::Member]);
    assert_eq!(of("peek"), [Topic::Peek, Topic::TierStandard]);
    assert_eq!(
        of("peek, the rest of the directory"),
        [Topic::Peek, Topic::PeekDirectory, Topic::TierStandard]
    );
    assert_eq!(of("help"), [Topic::Help]);
}
