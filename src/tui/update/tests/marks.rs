//! Marks: one archive at a time, everything a filter or a folder holds (from the
//! cache's answer), the folder rows' counts, the totals, and clearing them.

use crossterm::event::KeyCode;

use super::key;
use crate::domain::range::MIB;
use crate::store::{ArchiveQuery, FolderEntry, FolderEntryKind};
use crate::tui::model::{Model, Pane, VaultSummary};
use crate::tui::msg::{Cmd, Loaded, MarksAnswer, MarksQuery, Msg, RequestId};
use crate::tui::testing::*;
use crate::tui::update::update;

fn press(model: &mut Model, code: KeyCode) -> Vec<Cmd> {
    update(model, key(code), NOW)
}

/// The one request for archives to mark among `cmds`, and its query.
fn asked(cmds: &[Cmd]) -> (RequestId, ArchiveQuery) {
    match cmds {
        [Cmd::Marks(MarksQuery::Archives { request, query, .. })] => (*request, query.clone()),
        other => panic!("{other:?}"),
    }
}

/// The cache's answer to `request`: `archives` as positions and sizes.
fn found(model: &mut Model, request: RequestId, archives: &[(u32, u64)]) -> Vec<Cmd> {
    let answer = MarksAnswer::Archives {
        request,
        result: Ok(archives.to_vec()),
    };
    update(model, Msg::Loaded(Loaded::Marks(answer)), NOW)
}

fn status(model: &Model) -> String {
    model
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// The folder tree at the top: two folders and an archive.
fn in_tree(model: &mut Model) -> Vec<Cmd> {
    let cmds = press(model, KeyCode::Char('t'));
    let [Cmd::LoadFolder { request, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let folder = |name: &str, archives: u64| FolderEntry {
        name: name.into(),
        kind: FolderEntryKind::Folder {
            archives,
            total_size: u128::from(archives) * u128::from(MIB),
        },
    };
    let entries = vec![
        folder("2018", 120),
        folder("scans", 3),
        FolderEntry {
            name: "notes.txt".into(),
            kind: FolderEntryKind::Archive {
                position: 9,
                size: 2048,
            },
        },
    ];
    let listed = Loaded::Folder {
        request: *request,
        result: Ok(entries),
    };
    update(model, Msg::Loaded(listed), NOW)
}

#[test]
fn space_marks_the_selected_archive_moves_on_and_unmarks_it_again() {
    let mut model = browsing(120, 40, 500);
    assert!(press(&mut model, KeyCode::Char(' ')).is_empty());
    press(&mut model, KeyCode::Char(' '));
    let marks = &model.archives.marks;
    assert!(marks.contains(1) && marks.contains(2) && !marks.contains(3));
    assert_eq!(
        (marks.count(), marks.bytes()),
        (2, 2 * 48 * u128::from(MIB))
    );
    assert_eq!(model.archives.cursor, 2);
    press(&mut model, KeyCode::Up);
    press(&mut model, KeyCode::Char(' '));
    let marks = &model.archives.marks;
    assert_eq!((marks.count(), marks.bytes()), (1, 48 * u128::from(MIB)));
    assert_eq!(marks.positions().collect::<Vec<_>>(), [1]);
    // Off the last row there is nowhere to move on to.
    press(&mut model, KeyCode::End);
    let last = model.archives.cursor;
    press(&mut model, KeyCode::Char(' '));
    assert_eq!(model.archives.cursor, last);
}

#[test]
fn marking_what_the_filter_keeps_marks_the_caches_answer_and_again_unmarks_it() {
    let mut model = browsing(120, 40, 500);
    press(&mut model, KeyCode::Char('/'));
    super::typed(&mut model, "img");
    press(&mut model, KeyCode::Enter);
    // One archive is marked by hand already.
    press(&mut model, KeyCode::Char(' '));
    let (request, query) = asked(&press(&mut model, KeyCode::Char('*')));
    assert_eq!(query.filter.as_deref(), Some("img"));
    assert_eq!((query.under, query.limit), (None, 0));
    let matching = [(1, 10), (7, 20), (400, 30)];
    assert!(found(&mut model, request, &matching).is_empty());
    let marks = &model.archives.marks;
    assert_eq!((marks.count(), marks.bytes()), (3, 60));
    assert_eq!(status(&model), "marked 3 archives matching /img");
    assert!(model.archives.marking.is_empty());
    // All of them are marked now: the key unmarks them.
    let (request, _) = asked(&press(&mut model, KeyCode::Char('*')));
    found(&mut model, request, &matching);
    assert!(model.archives.marks.is_empty());
    assert_eq!(status(&model), "unmarked 3 archives matching /img");
}

#[test]
fn without_a_filter_the_key_marks_the_whole_vault_and_a_failure_is_told() {
    let mut model = browsing(120, 40, 500);
    let (request, query) = asked(&press(&mut model, KeyCode::Char('*')));
    assert_eq!(query, ArchiveQuery::default());
    let everything: Vec<(u32, u64)> = (1..=500).map(|position| (position, 1)).collect();
    found(&mut model, request, &everything);
    assert_eq!(model.archives.marks.count(), 500);
    assert_eq!(status(&model), "marked 500 archives of the vault");
    let (request, _) = asked(&press(&mut model, KeyCode::Char('*')));
    let failed = MarksAnswer::Archives {
        request,
        result: Err("the snapshot file is damaged".into()),
    };
    update(&mut model, Msg::Loaded(Loaded::Marks(failed)), NOW);
    assert_eq!(status(&model), "the snapshot file is damaged");
    assert_eq!(model.archives.marks.count(), 500);
}

#[test]
fn marking_a_folder_marks_everything_beneath_it_and_its_row_says_so() {
    let mut model = browsing(100, 24, 3005);
    assert!(
        in_tree(&mut model).is_empty(),
        "nothing marked: nothing to count"
    );
    let (request, query) = asked(&press(&mut model, KeyCode::Char(' ')));
    assert_eq!(query.under.as_deref(), Some("2018/"));
    let tree = model.archives.tree.as_ref().unwrap();
    assert_eq!(tree.cursor, 1, "on to the next row at once");
    let beneath: Vec<(u32, u64)> = (1000..1120).map(|position| (position, MIB)).collect();
    assert!(found(&mut model, request, &beneath).is_empty());
    assert_eq!(model.archives.marks.count(), 120);
    assert_eq!(model.archives.tree.as_ref().unwrap().marked, [120, 0, 0]);
    assert_eq!(status(&model), "marked 120 archives under 2018/");
    // An archive of the folder shown is marked at once.
    press(&mut model, KeyCode::Down);
    assert!(press(&mut model, KeyCode::Char(' ')).is_empty());
    assert!(model.archives.marks.contains(9));
    assert_eq!(model.archives.marks.count(), 121);
    // Space on the folder again unmarks all of it.
    press(&mut model, KeyCode::Home);
    let (request, _) = asked(&press(&mut model, KeyCode::Char(' ')));
    found(&mut model, request, &beneath);
    assert_eq!(model.archives.marks.count(), 1);
    assert_eq!(model.archives.tree.as_ref().unwrap().marked, [0, 0, 0]);
}

#[test]
fn the_key_for_all_in_the_tree_marks_the_folder_shown() {
    let mut model = browsing(100, 24, 3005);
    in_tree(&mut model);
    let (request, query) = asked(&press(&mut model, KeyCode::Char('*')));
    assert_eq!(query.under, None, "the top holds every archive");
    let everything: Vec<(u32, u64)> = (1..=124).map(|position| (position, 1)).collect();
    found(&mut model, request, &everything);
    assert_eq!(model.archives.tree.as_ref().unwrap().marked, [120, 3, 0]);
    assert_eq!(status(&model), "marked 124 archives of the vault");
}

#[test]
fn a_folder_listed_while_archives_are_marked_has_them_counted_by_the_cache() {
    let mut model = browsing(100, 24, 3005);
    press(&mut model, KeyCode::Char(' '));
    let cmds = in_tree(&mut model);
    let [
        Cmd::Marks(MarksQuery::Counts {
            request,
            folder,
            marks,
            ..
        }),
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(folder, "", "the top, its folders counted in one pass");
    assert_eq!(marks.positions().collect::<Vec<_>>(), [1]);
    let counts = MarksAnswer::Counts {
        request: *request,
        result: Ok(vec![1, 0]),
    };
    update(&mut model, Msg::Loaded(Loaded::Marks(counts)), NOW);
    assert_eq!(model.archives.tree.as_ref().unwrap().marked, [1, 0, 0]);
    assert_eq!(model.archives.tree.as_ref().unwrap().counting, None);
}

#[test]
fn a_count_made_before_a_folder_was_marked_is_counted_again() {
    let mut model = browsing(100, 24, 3005);
    press(&mut model, KeyCode::Char(' '));
    let counting = in_tree(&mut model);
    let (request, _) = asked(&press(&mut model, KeyCode::Char(' ')));
    let beneath: Vec<(u32, u64)> = (1000..1120).map(|position| (position, 1)).collect();
    let cmds = found(&mut model, request, &beneath);
    let [Cmd::Marks(MarksQuery::Counts { marks, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(marks.count(), 121, "the new count sees the folder's marks");
    // The first count comes late: dropped.
    let [Cmd::Marks(MarksQuery::Counts { request, .. })] = counting.as_slice() else {
        panic!("{counting:?}")
    };
    let stale = MarksAnswer::Counts {
        request: *request,
        result: Ok(vec![0, 0]),
    };
    update(&mut model, Msg::Loaded(Loaded::Marks(stale)), NOW);
    assert_eq!(model.archives.tree.as_ref().unwrap().marked, [120, 0, 0]);
}

#[test]
fn clearing_unmarks_everything_and_drops_marking_under_way() {
    let mut model = browsing(120, 40, 500);
    press(&mut model, KeyCode::Char(' '));
    press(&mut model, KeyCode::Char(' '));
    let (request, _) = asked(&press(&mut model, KeyCode::Char('*')));
    assert_eq!(model.archives.marking.len(), 1);
    assert!(press(&mut model, KeyCode::Char('U')).is_empty());
    assert!(model.archives.marks.is_empty());
    assert_eq!(model.archives.marks.bytes(), 0);
    assert_eq!(status(&model), "unmarked 2 archives (96 MiB)");
    found(&mut model, request, &[(1, 1), (2, 2)]);
    assert!(
        model.archives.marks.is_empty(),
        "the answer came after the clear"
    );
}

#[test]
fn another_vault_starts_without_marks_and_the_status_bar_says_so() {
    let mut model = browsing(120, 40, 500);
    let mut other = snapshot(20);
    other.id = 2;
    other.vault.key.name = "scans".into();
    other.path = "snapshot-2.sqlite".into();
    let vaults = vec![
        VaultSummary {
            key: vault_key(),
            snapshot: Some(snapshot(500)),
            snapshot_count: 1,
            live_archives: None,
            deletions: Default::default(),
            migration: None,
        },
        VaultSummary {
            key: other.vault.key.clone(),
            snapshot: Some(other),
            snapshot_count: 1,
            live_archives: None,
            deletions: Default::default(),
            migration: None,
        },
    ];
    update(&mut model, Msg::Loaded(Loaded::Vaults(Ok(vaults))), NOW);
    press(&mut model, KeyCode::Char(' '));
    let (request, _) = asked(&press(&mut model, KeyCode::Char('*')));
    model.focus = Pane::Vaults;
    press(&mut model, KeyCode::Down);
    assert_eq!(model.archives.snapshot.as_ref().map(|s| s.id), Some(2));
    assert!(model.archives.marks.is_empty());
    assert_eq!(
        status(&model),
        "unmarked 1 archive of family-photos: marks belong to the inventory they were made in"
    );
    // The answer for the vault left does not mark archives of this one.
    found(&mut model, request, &[(1, 1)]);
    assert!(model.archives.marks.is_empty());
    // Nothing marked, nothing said.
    model.status = None;
    press(&mut model, KeyCode::Up);
    assert_eq!(model.status, None);
}
