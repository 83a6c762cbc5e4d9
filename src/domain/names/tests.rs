//! Descriptions written the way each tool writes them, decoded back.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::json;
use time::macros::datetime;

use super::*;

/// mt-aws-glacier's `mt2`: base64url without padding of the UTF-8 JSON.
fn mt2(filename: &str, mtime: &str) -> String {
    let meta = json!({"mtime": mtime, "filename": filename}).to_string();
    format!("mt2 {}", URL_SAFE_NO_PAD.encode(meta))
}

/// mt-aws-glacier's `mt1`: each byte of the UTF-8 JSON taken as Latin-1, encoded
/// to UTF-8 again.
fn mt1(filename: &str, mtime: &str) -> String {
    let meta = json!({"filename": filename, "mtime": mtime}).to_string();
    let twice: String = meta.bytes().map(char::from).collect();
    format!("mt1 {}", URL_SAFE_NO_PAD.encode(twice))
}

/// FastGlacier v4 laid out as its documentation shows it.
fn fast_glacier_v4(path: &str, modified: &str) -> String {
    format!(
        "<m>\n  <v>4</v>\n  <p>{}</p>\n  <lm>{modified}</lm>\n  <ce>1:1:4340ebcf79712dc5e3ef7d50bab98ba5:54687</ce>\n</m>",
        STANDARD.encode(path)
    )
}

#[test]
fn mt2_round_trips() {
    let decoded = decode(&mt2("фото/día 1.jpg", "20121217T214008Z"));
    assert_eq!(decoded.format, Format::Mt2);
    assert_eq!(decoded.name.as_deref(), Some("фото/día 1.jpg"));
    assert_eq!(decoded.modified, Some(datetime!(2012-12-17 21:40:08 UTC)));
    assert!(!decoded.is_folder);
}

#[test]
fn mt2_accepts_padding_escapes_and_unknown_keys() {
    let meta = r#"{"filename":"caf\u00e9.txt","mtime":"20130101T000000Z","extra":1}"#;
    let decoded = decode(&format!(
        "mt2 {}",
        base64::engine::general_purpose::URL_SAFE.encode(meta)
    ));
    assert_eq!(decoded.name.as_deref(), Some("café.txt"));
}

#[test]
fn mt2_without_a_time_keeps_the_name() {
    let meta = json!({"filename": "a.txt", "mtime": "sometime"}).to_string();
    let decoded = decode(&format!("mt2 {}", URL_SAFE_NO_PAD.encode(meta)));
    assert_eq!(decoded.name.as_deref(), Some("a.txt"));
    assert_eq!(decoded.modified, None);
}

#[test]
fn mt1_round_trips() {
    let decoded = decode(&mt1("фото/día.jpg", "20130105T101010Z"));
    assert_eq!(decoded.format, Format::Mt1);
    assert_eq!(decoded.name.as_deref(), Some("фото/día.jpg"));
    assert_eq!(decoded.modified, Some(datetime!(2013-01-05 10:10:10 UTC)));
}

#[test]
fn mt_inventory_jobs_name_no_file() {
    let description = format!("mtijob1 {}", URL_SAFE_NO_PAD.encode(r#"{"type":"full"}"#));
    let decoded = decode(&description);
    assert_eq!(decoded.format, Format::MtInventoryJob);
    assert_eq!(decoded.name, None);
    assert_eq!(decoded.display_name("job-id"), "job-id");
}

#[test]
fn fast_glacier_versions_round_trip() {
    let decoded = decode(&fast_glacier_v4("Backup/日本語.pdf", "20120821T170824Z"));
    assert_eq!(decoded.format, Format::FastGlacier(4));
    assert_eq!(decoded.name.as_deref(), Some("Backup/日本語.pdf"));
    assert_eq!(decoded.modified, Some(datetime!(2012-08-21 17:08:24 UTC)));

    let v3 = format!(
        "<m><v>3</v><p>{}</p><lm>20120821T170824Z</lm><ce>0:0:abc</ce></m>",
        STANDARD.encode("a.txt")
    );
    assert_eq!(decode(&v3).format, Format::FastGlacier(3));
    let v2 = format!(
        "<m><v>2</v><p>{}</p><lm>20120821T170824Z</lm></m>",
        STANDARD.encode("b")
    );
    let decoded = decode(&v2);
    assert_eq!(
        (decoded.format, decoded.name.as_deref()),
        (Format::FastGlacier(2), Some("b"))
    );

    let v1 = format!(
        "<ArchiveMetadata><Path>{}</Path></ArchiveMetadata>",
        STANDARD.encode("c/d.txt")
    );
    let decoded = decode(&v1);
    assert_eq!(decoded.format, Format::FastGlacier(1));
    assert_eq!(decoded.name.as_deref(), Some("c/d.txt"));
    assert_eq!(decoded.modified, None);
}

#[test]
fn a_trailing_slash_marks_a_folder() {
    let decoded = decode(&fast_glacier_v4("Photos/2014/", "20120821T170824Z"));
    assert!(decoded.is_folder);
    assert_eq!(decoded.safe_path("id").as_str(), "Photos/2014");
    assert!(
        !decode("notes/").is_folder,
        "raw text is a name, not a marker"
    );
}

#[test]
fn cloudberry_paths_are_utf7() {
    let description = r#"{"Path":"C:+AFw-Users+AFw-me+AFwERAQ+BEIEPg.jpg","UTCDateModified":"20150317T142833Z","Flags":3}"#;
    let decoded = decode(description);
    assert_eq!(decoded.format, Format::CloudBerry);
    assert_eq!(decoded.name.as_deref(), Some(r"C:\Users\me\фото.jpg"));
    assert_eq!(decoded.modified, Some(datetime!(2015-03-17 14:28:33 UTC)));
    assert_eq!(decoded.safe_path("id").as_str(), "Users/me/фото.jpg");
    let from_bucket = decode(r#"{"Path":"mybucket/myfolder/a+-b.txt","Flags":0}"#);
    assert_eq!(
        from_bucket.name.as_deref(),
        Some("mybucket/myfolder/a+b.txt")
    );
}

#[test]
fn qnap_paths_and_folders() {
    let decoded = decode(r#"{"path":"/share/Photos/a.jpg","type":"file"}"#);
    assert_eq!(decoded.format, Format::Qnap);
    assert_eq!(decoded.name.as_deref(), Some("/share/Photos/a.jpg"));
    assert!(!decoded.is_folder);
    assert!(decode(r#"{"path":"/share/Photos","type":"folder"}"#).is_folder);
}

#[test]
fn anything_else_is_raw_text() {
    for description in [
        "backup-2014.tar.gz",
        "mt2",
        "mt2 not*base64",
        "mt2 aGVsbG8",
        "mt3 eyJmaWxlbmFtZSI6ImEifQ",
        "mt2 eyJmaWxlbmFtZSI6ImEifQ extra",
        "<m><v>4</v><p>!!!</p></m>",
        "<m><v>four</v><p>YQ==</p></m>",
        "<m><p>YQ==</p></m>",
        "<ArchiveMetadata></ArchiveMetadata>",
        r#"{"Path": 5}"#,
        r#"{"Path":"+"}"#,
        r#"{"name":"a.txt"}"#,
        "{not json",
    ] {
        let decoded = decode(description);
        assert_eq!(decoded.format, Format::Raw, "{description}");
        assert_eq!(decoded.name.as_deref(), Some(description));
    }
}

#[test]
fn empty_descriptions_show_the_archive_id() {
    for description in ["", "   "] {
        let decoded = decode(description);
        assert_eq!(decoded.format, Format::Empty);
        assert_eq!(decoded.name, None);
        assert_eq!(decoded.display_name("ARCHIVE-ID"), "ARCHIVE-ID");
        assert!(!decoded.has_display_name());
        assert_eq!(decoded.safe_path("ARCHIVE-ID").as_str(), "ARCHIVE-ID");
    }
}

#[test]
fn hostile_names_are_shown_and_restored_safely() {
    let decoded = decode(&mt2(
        "../../\u{1b}]0;pwned\u{7}evil\u{202e}txt.exe",
        "20120101T000000Z",
    ));
    // The override is shown, not applied: the name reads as what it holds.
    assert_eq!(decoded.display_name("id"), "../../evil<U+202E>txt.exe");
    assert!(decoded.has_display_name());
    assert_eq!(decoded.safe_path("id").as_str(), "evil_U+202E_txt.exe");
    let only_escapes = decode("\u{1b}[2J\u{1b}[H");
    assert_eq!(only_escapes.display_name("id"), "id");
    assert!(!only_escapes.has_display_name());
}

#[test]
fn badges_read_well() {
    let badges: Vec<String> = [
        Format::Mt2,
        Format::Mt1,
        Format::MtInventoryJob,
        Format::FastGlacier(4),
        Format::CloudBerry,
        Format::Qnap,
        Format::Raw,
        Format::Empty,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        badges,
        [
            "mt2",
            "mt1",
            "mt job",
            "FastGlacier v4",
            "CloudBerry",
            "QNAP",
            "raw",
            "empty"
        ]
    );
}
