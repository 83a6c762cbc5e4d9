use std::io::Write;
use std::os::unix::fs::symlink;

use super::*;

fn folder() -> (tempfile::TempDir, ConfinedDir) {
    let dir = tempfile::tempdir().unwrap();
    let confined = ConfinedDir::open(dir.path()).unwrap();
    (dir, confined)
}

#[test]
fn a_linked_folder_inside_is_refused_and_nothing_is_made_beyond_it() {
    let (dir, confined) = folder();
    let elsewhere = tempfile::tempdir().unwrap();
    symlink(elsewhere.path(), dir.path().join("linkdir")).unwrap();

    let err = confined.subfolder(["linkdir", "deeper"], true).unwrap_err();
    assert!(
        matches!(&err, ConfinedError::Link { path } if path.ends_with("linkdir")),
        "{err}"
    );
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[test]
fn a_link_at_a_file_name_is_refused_for_every_kind_of_access() {
    let (dir, confined) = folder();
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    symlink(&victim, dir.path().join("a.part")).unwrap();

    for access in [
        Access::Read,
        Access::ReadWrite,
        Access::Replace,
        Access::Append,
    ] {
        let err = confined.open_file("a.part", access).unwrap_err();
        assert!(
            matches!(err, ConfinedError::Link { .. }),
            "{access:?}: {err}"
        );
    }
    assert!(matches!(
        confined.read("a.part"),
        Err(ConfinedError::Link { .. })
    ));
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert_eq!(confined.kind("a.part").unwrap(), EntryKind::Link);
}

#[test]
fn a_dangling_link_is_not_created_through() {
    let (dir, confined) = folder();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("made-by-following");
    symlink(&target, dir.path().join("new.part")).unwrap();

    assert!(confined.open_file("new.part", Access::ReadWrite).is_err());
    assert!(!target.exists());
}

#[test]
fn folders_are_made_and_files_written_inside() {
    let (dir, confined) = folder();
    let sub = confined.subfolder(["a", "b"], true).unwrap();
    assert_eq!(sub.shown(), dir.path().join("a/b"));
    let mut file = sub.open_file("x.txt", Access::Replace).unwrap();
    file.write_all(b"hello").unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("a/b/x.txt")).unwrap(),
        b"hello"
    );
    assert_eq!(sub.read("x.txt").unwrap().unwrap(), b"hello");
    assert_eq!(sub.read("missing").unwrap(), None);
    assert!(matches!(
        confined.subfolder(["missing"], false),
        Err(ConfinedError::Io { .. })
    ));
}

#[test]
fn a_file_in_the_way_of_a_folder_and_a_fifo_in_the_way_of_a_file_are_named() {
    let (dir, confined) = folder();
    std::fs::write(dir.path().join("plain"), b"").unwrap();
    let err = confined.subfolder(["plain", "x"], true).unwrap_err();
    assert!(matches!(err, ConfinedError::NotAFolder { .. }), "{err}");

    let fifo = dir.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // A FIFO would block a plain open; the confined one sees it and refuses.
    let err = confined.open_file("pipe", Access::Read).unwrap_err();
    assert!(matches!(err, ConfinedError::NotAFile { .. }), "{err}");
}

#[test]
fn renaming_without_replacing_refuses_an_existing_name_even_a_link() {
    let (dir, confined) = folder();
    std::fs::write(dir.path().join("a.part"), b"new").unwrap();
    std::fs::write(dir.path().join("a"), b"old").unwrap();
    let err = confined.rename("a.part", "a", false).unwrap_err();
    assert_eq!(err.io_kind(), Some(io::ErrorKind::AlreadyExists), "{err}");
    assert_eq!(std::fs::read(dir.path().join("a")).unwrap(), b"old");

    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    symlink(&victim, dir.path().join("b")).unwrap();
    assert!(confined.rename("a.part", "b", false).is_err());
    // Replacing replaces the link itself, never what it points to.
    confined.rename("a.part", "b", true).unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert_eq!(confined.kind("b").unwrap(), EntryKind::File);
    assert_eq!(std::fs::read(dir.path().join("b")).unwrap(), b"new");
}

#[test]
fn names_that_are_not_one_component_are_refused() {
    let (_dir, confined) = folder();
    for name in ["", ".", "..", "a/b", "../x", "nul\0"] {
        assert!(
            matches!(
                confined.open_file(name, Access::Read),
                Err(ConfinedError::NotAName { .. })
            ),
            "{name:?}"
        );
    }
}

#[test]
fn a_folder_swapped_for_a_link_after_opening_keeps_writes_inside() {
    let (dir, confined) = folder();
    let sub = confined.subfolder(["inner"], true).unwrap();
    // The folder defrost opened is moved away and a link put in its place: the
    // open descriptor still names the moved folder, inside the target.
    std::fs::rename(dir.path().join("inner"), dir.path().join("moved")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    symlink(elsewhere.path(), dir.path().join("inner")).unwrap();
    sub.open_file("x", Access::Replace).unwrap();
    assert!(dir.path().join("moved/x").exists());
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[test]
fn only_an_empty_folder_is_removed_and_a_link_to_one_is_not_followed() {
    let (tmp, dir) = folder();
    let busy = dir.subfolder(["busy"], true).unwrap();
    busy.open_file("kept", Access::Replace).unwrap();
    dir.subfolder(["empty"], true).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), tmp.path().join("link")).unwrap();

    dir.remove_empty_folder("busy").unwrap();
    dir.remove_empty_folder("empty").unwrap();
    dir.remove_empty_folder("missing").unwrap();
    assert!(tmp.path().join("busy/kept").is_file());
    assert!(!tmp.path().join("empty").exists());
    assert!(dir.remove_empty_folder("link").is_err());
    assert!(outside.path().is_dir());
}
