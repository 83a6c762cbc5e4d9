//! Looking inside a zip archive for the price of its tail, end to end: real
//! zips (written by the `zip` crate) stored in a live sandbox, listed by a
//! cached inventory, peeked at and restored member by member through the
//! binary and the real SDK client. A listing is stored, so a second peek
//! starts nothing; a directory that lies before the tail takes a second
//! retrieval; a zip64 is read; a file that is not a zip is said so and its
//! tail kept; hostile names stay harmless; a damaged byte is caught by the
//! member's CRC-32; Deflate64 and bzip2 members unpack, and other methods
//! are refused before anything is paid.

mod cli_live;
mod common;
mod jobs_support;
mod peek_support;
mod plan_support;

use defrost::domain::range::{ByteRange, MIB, is_tree_aligned, snap_mib};
use peek_support::{
    Packed, Peeking, entry, json_lines, noise, stderr, text, zip_of, zip_of_packed,
};
use serde_json::{Value, json};

fn folder() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn a_zip_is_listed_from_its_tail_and_its_members_restored() {
    let mut entries = vec![
        entry("docs/readme.txt", text(20_000, 1), true),
        entry("big/data.bin", noise(2_500_000, 2), false),
    ];
    for index in 0..38 {
        let name = format!("photos/2019/img-{index:03}.jpg");
        entries.push(entry(
            &name,
            noise(10_000 + index * 100, 10 + index as u64),
            index % 2 == 0,
        ));
    }
    let zip = zip_of(&entries);
    let peeking = Peeking::new(&[("backups/2019.zip", zip.clone())]);

    let listed = peeking.peek(0, &["--yes", "--json"]);
    assert!(listed.status.success(), "{listed:?}");
    let lines = json_lines(&listed);
    assert_eq!(lines.len(), entries.len());
    for (line, entry) in lines.iter().zip(&entries) {
        assert_eq!(line["name"], json!(entry.name));
        assert_eq!(line["size"], json!(entry.bytes.len()));
        assert_eq!(
            line["crc32"],
            json!(format!("{:08x}", crc32fast::hash(&entry.bytes)))
        );
        let method = if entry.deflate { "deflate" } else { "stored" };
        assert_eq!(line["method"], json!(method));
    }
    // The directory sits in the last MiB: one job for that MiB alone.
    assert_eq!(peeking.jobs_started(), 1);

    // Peeking again answers from the stored listing, for nothing.
    let again = peeking.peek(0, &[]);
    assert!(again.status.success(), "{again:?}");
    let shown = String::from_utf8_lossy(&again.stdout);
    assert!(shown.contains("a zip of 40 member(s)"), "{shown}");
    assert!(shown.contains("docs/readme.txt"), "{shown}");
    assert_eq!(peeking.jobs_started(), 1);

    let to = folder();
    let deflated = peeking.restore_member(0, "docs/readme.txt", to.path(), &["--yes"]);
    assert!(deflated.status.success(), "{deflated:?}");
    assert_eq!(
        std::fs::read(to.path().join("docs/readme.txt")).unwrap(),
        entries[0].bytes
    );
    let stored = peeking.restore_member(0, "big/data.bin", to.path(), &["--yes", "--plan", "mib"]);
    assert!(stored.status.success(), "{stored:?}");
    assert_eq!(
        std::fs::read(to.path().join("big/data.bin")).unwrap(),
        entries[1].bytes
    );
    let jobs = peeking.jobs_started();

    // The same member again: its span is here already; the file is not replaced unasked.
    let twice = peeking.restore_member(0, "docs/readme.txt", to.path(), &["--yes"]);
    assert_eq!(twice.status.code(), Some(2), "{twice:?}");
    assert!(stderr(&twice).contains("--overwrite"), "{twice:?}");
    let replaced = peeking.restore_member(0, "#0", to.path(), &["--yes", "--overwrite"]);
    assert!(replaced.status.success(), "{replaced:?}");
    assert_eq!(peeking.jobs_started(), jobs, "nothing retrieved twice");
}

#[test]
fn a_directory_before_the_tail_takes_a_second_retrieval_and_zip64_is_read() {
    // More entries than a plain end record counts: a zip64 directory of
    // about 4 MiB, which starts well before the last MiB.
    let entries: Vec<_> = (0..65_540)
        .map(|index| {
            entry(
                &format!("f/{index:05}.txt"),
                vec![b'a' + (index % 26) as u8],
                false,
            )
        })
        .collect();
    let zip = zip_of(&entries);
    let peeking = Peeking::new(&[("many.zip", zip)]);

    let listed = peeking.peek(0, &["--yes", "--json"]);
    assert!(listed.status.success(), "{listed:?}");
    let lines = json_lines(&listed);
    assert_eq!(lines.len(), 65_540);
    assert_eq!(lines[65_539]["name"], json!("f/65539.txt"));
    let words = stderr(&listed);
    assert!(words.contains("for the tail"), "{words}");
    assert!(words.contains("the rest of the directory"), "{words}");
    assert!(peeking.jobs_started() >= 2);

    let shown = peeking.peek(0, &[]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("(zip64)"));

    let to = folder();
    let restored = peeking.restore_member(0, "f/65539.txt", to.path(), &["--yes"]);
    assert!(restored.status.success(), "{restored:?}");
    assert_eq!(
        std::fs::read(to.path().join("f/65539.txt")).unwrap(),
        entries[65_539].bytes
    );
}

#[test]
fn an_archive_that_is_not_a_zip_is_said_so_and_its_tail_kept() {
    let peeking = Peeking::new(&[("videos/clip.mp4", noise(3 * MIB as usize + 17, 5))]);
    let said = peeking.peek(0, &["--yes"]);
    assert!(said.status.success(), "{said:?}");
    let out = String::from_utf8_lossy(&said.stdout);
    assert!(out.contains("is not a zip file"), "{out}");
    let kept = out
        .lines()
        .find_map(|line| line.strip_prefix("The retrieved bytes are kept in "))
        .expect("the kept file is named");
    assert_eq!(std::fs::metadata(kept).unwrap().len(), MIB + 17);

    // Asked again, the answer is remembered.
    let again = peeking.peek(0, &["--json"]);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(json_lines(&again)[0]["zip"], json!(false));
    assert_eq!(peeking.jobs_started(), 1);

    let to = folder();
    let refused = peeking.restore_member(0, "anything", to.path(), &["--yes"]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(stderr(&refused).contains("is not a zip"), "{refused:?}");
}

#[test]
fn hostile_member_names_are_shown_harmless_and_restored_inside_the_folder() {
    let entries = vec![
        entry("../../escape.txt", text(100, 1), true),
        entry("/etc/absolute.txt", text(100, 2), false),
        entry("red\u{1b}[31mtext.txt", text(100, 3), false),
        entry("\u{202e}gnp.exe", text(100, 4), false),
        entry("link/inside.txt", text(100, 5), false),
    ];
    let peeking = Peeking::new(&[("hostile.zip", zip_of(&entries))]);
    let listed = peeking.peek(0, &["--yes"]);
    assert!(listed.status.success(), "{listed:?}");
    let out = String::from_utf8_lossy(&listed.stdout);
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{202e}'),
        "{out}"
    );
    let json = peeking.peek(0, &["--json"]);
    let raw = String::from_utf8_lossy(&json.stdout);
    assert!(
        !raw.contains('\u{1b}') && !raw.contains('\u{202e}'),
        "{raw}"
    );
    let lines = json_lines(&json);
    assert_eq!(lines[0]["path"], json!("escape.txt"));
    assert_eq!(
        lines[2]["name"],
        json!("red\u{1b}[31mtext.txt"),
        "the name reads back"
    );

    let outer = folder();
    let to = outer.path().join("to");
    std::fs::create_dir(&to).unwrap();
    let escaped = peeking.restore_member(0, "../../escape.txt", &to, &["--yes"]);
    assert!(escaped.status.success(), "{escaped:?}");
    assert_eq!(
        std::fs::read(to.join("escape.txt")).unwrap(),
        entries[0].bytes
    );
    let absolute = peeking.restore_member(0, "/etc/absolute.txt", &to, &["--yes"]);
    assert!(absolute.status.success(), "{absolute:?}");
    assert!(to.join("etc/absolute.txt").is_file());

    // A link already in the folder is never followed.
    let elsewhere = folder();
    std::os::unix::fs::symlink(elsewhere.path(), to.join("link")).unwrap();
    let linked = peeking.restore_member(0, "link/inside.txt", &to, &["--yes"]);
    assert_eq!(linked.status.code(), Some(2), "{linked:?}");
    assert!(stderr(&linked).contains("symbolic link"), "{linked:?}");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    let mut names: Vec<_> = std::fs::read_dir(outer.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["to"], "nothing beside the folder");
}

#[test]
fn a_corrupted_member_byte_is_caught_by_its_crc() {
    let entries = vec![
        entry("first.bin", noise(1_500_000, 7), false),
        entry("x.bin", noise(3 * MIB as usize, 8), false),
    ];
    let zip = zip_of(&entries);
    let size = zip.len() as u64;
    let peeking = Peeking::new(&[("two.zip", zip)]);
    let listed = peeking.peek(0, &["--yes", "--json"]);
    assert!(listed.status.success(), "{listed:?}");
    let member = &json_lines(&listed)[1];
    let start = member["offset"].as_u64().unwrap();
    let end = member["span_end"].as_u64().unwrap() - 1;
    // Its MiB-aligned range comes back with no checksum from Glacier, so only
    // the member's own CRC-32 can catch a damaged byte.
    let job = snap_mib(size, ByteRange::new(start, end).unwrap()).unwrap();
    assert!(!is_tree_aligned(size, job), "{job:?}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(common::admin::add_fault(
        &peeking.live.sandbox,
        json!({ "kind": "flip_byte", "offset": start + 5000 - job.start }),
    ));

    let to = folder();
    let caught = peeking.restore_member(0, "x.bin", to.path(), &["--yes", "--plan", "mib"]);
    assert_eq!(caught.status.code(), Some(1), "{caught:?}");
    assert!(stderr(&caught).contains("CRC-32"), "{caught:?}");
    assert_eq!(
        std::fs::read_dir(to.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn deflate64_and_bzip2_members_are_unpacked_and_other_methods_refused_unpaid() {
    use std::io::{Read as _, Write as _};

    let report = text(300_000, 4);
    // A deflate stream is a Deflate64 one wherever it never codes a match of
    // 258 bytes, which the two read differently; decoding it here proves it.
    let mut deflater = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    deflater.write_all(&report).unwrap();
    let deflate64 = deflater.finish().unwrap();
    let mut check = Vec::new();
    deflate64::Deflate64Decoder::new(&deflate64[..])
        .read_to_end(&mut check)
        .unwrap();
    assert_eq!(check, report, "the stream reads the same as Deflate64");
    let photo = noise(200_000, 5);
    let mut bzipper = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    bzipper.write_all(&photo).unwrap();
    let notes = text(50_000, 6);
    let zip = zip_of_packed(&[
        Packed {
            name: "reports/q3.txt",
            bytes: report.clone(),
            method: 9,
            packed: deflate64,
        },
        Packed {
            name: "photos/a.raw",
            bytes: photo.clone(),
            method: 12,
            packed: bzipper.finish().unwrap(),
        },
        Packed {
            name: "notes.txt",
            bytes: notes.clone(),
            method: 14,
            packed: notes,
        },
    ]);
    let peeking = Peeking::new(&[("office/2020.zip", zip)]);
    let listed = peeking.peek(0, &["--yes", "--json"]);
    assert!(listed.status.success(), "{listed:?}");
    let methods: Vec<Value> = (json_lines(&listed).iter())
        .map(|line| line["method"].clone())
        .collect();
    assert_eq!(methods, [json!("deflate64"), json!("bzip2"), json!("lzma")]);

    let to = folder();
    for (name, bytes) in [("reports/q3.txt", &report), ("photos/a.raw", &photo)] {
        let restored = peeking.restore_member(0, name, to.path(), &["--yes"]);
        assert!(restored.status.success(), "{restored:?}");
        assert_eq!(
            &std::fs::read(to.path().join(name)).unwrap(),
            bytes,
            "{name}"
        );
    }
    let jobs = peeking.jobs_started();
    let refused = peeking.restore_member(0, "notes.txt", to.path(), &["--yes"]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let said = stderr(&refused);
    assert!(said.contains("notes.txt is compressed with lzma"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert_eq!(peeking.jobs_started(), jobs, "nothing paid for a refusal");
    assert!(!to.path().join("notes.txt").exists());
}

#[test]
fn mistakes_are_one_line_with_exit_code_2() {
    let zip = zip_of(&[entry("a.txt", text(10, 1), false)]);
    let peeking = Peeking::new(&[("a.zip", zip)]);
    let to = folder();

    let unlisted = peeking.restore_member(0, "a.txt", to.path(), &["--yes"]);
    assert_eq!(unlisted.status.code(), Some(2), "{unlisted:?}");
    assert!(
        stderr(&unlisted).contains("peek at it first"),
        "{unlisted:?}"
    );

    let unasked = peeking.peek(0, &[]);
    assert_eq!(unasked.status.code(), Some(2), "{unasked:?}");
    assert!(stderr(&unasked).contains("add --yes"), "{unasked:?}");
    assert_eq!(peeking.jobs_started(), 0, "nothing started unasked");

    let tier = peeking.peek(0, &["--yes", "--tier", "Fast"]);
    assert_eq!(tier.status.code(), Some(2), "{tier:?}");

    let unknown = peeking.run(&["peek", "--vault", "v", "--archive-id", "NOPE", "--yes"]);
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    assert!(stderr(&unknown).contains("--size"), "{unknown:?}");

    assert!(peeking.peek(0, &["--yes"]).status.success());
    let missing = peeking.restore_member(0, "b.txt", to.path(), &["--yes"]);
    assert_eq!(missing.status.code(), Some(2), "{missing:?}");
    let nowhere = peeking.restore_member(0, "a.txt", &to.path().join("no"), &["--yes"]);
    assert_eq!(nowhere.status.code(), Some(2), "{nowhere:?}");
    for output in [&unlisted, &unasked, &tier, &unknown, &missing, &nowhere] {
        assert_eq!(stderr(output).trim().lines().count(), 1, "{output:?}");
    }
}

#[test]
fn a_peek_left_waiting_goes_on_with_its_own_job() {
    let zip = zip_of(&[entry("a.txt", text(1000, 1), true)]);
    let peeking = Peeking::new(&[("a.zip", zip)]);
    let started = peeking.peek(0, &["--yes", "--no-wait"]);
    assert!(started.status.success(), "{started:?}");
    assert!(
        stderr(&started).contains("again once it is ready"),
        "{started:?}"
    );
    assert!(started.stdout.is_empty(), "{started:?}");
    assert_eq!(peeking.jobs_started(), 1);

    // The same command goes on: it waits for the job it started, pays nothing again.
    let listed = peeking.peek(0, &["--yes", "--json"]);
    assert!(listed.status.success(), "{listed:?}");
    assert_eq!(json_lines(&listed)[0]["name"], json!("a.txt"));
    assert_eq!(peeking.jobs_started(), 1);
}
