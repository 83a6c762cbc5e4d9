//! Seeded zips read back: by this crate's own reader (as a peek reads them,
//! from the tail), by the `zip` crate (every member extracted and its CRC
//! checked), and byte for byte against their patches and tree hashes.

use std::io::Read;

use time::macros::datetime;

use super::write::{WrittenZip, write};
use super::*;
use crate::domain::range::{ByteRange, MIB, is_tree_aligned, split_tree};
use crate::domain::treehash::{TreeHash, TreeHasher};
use crate::domain::zip::{
    self as reader, EndLookup, Member, find_directory, parse_central_directory, tail_range,
};
use crate::sandbox::content::VirtualArchive;
use crate::sandbox::content::patched::{Patches, encode};

const CREATED: OffsetDateTime = time::macros::datetime!(2020-06-01 12:00 UTC);

fn zip_seed(text: &str) -> ZipSeed {
    toml::from_str(text).unwrap()
}

/// A written zip with its patch file, to read as the sandbox reads it.
struct Seeded {
    written: WrittenZip,
    file: Vec<u8>,
    archive: VirtualArchive,
}

impl Seeded {
    fn new(zip: &ZipSeed, seed: u64) -> Self {
        check(zip, "the test archive").unwrap();
        let plan = plan(zip, "backups/2020-documents.zip", 11, CREATED);
        let written = write(&plan, seed);
        let file = encode(&written.patches);
        let archive = VirtualArchive {
            seed,
            size: written.size,
        };
        Self {
            written,
            file,
            archive,
        }
    }

    fn bytes(&self, range: ByteRange) -> Vec<u8> {
        Patches::read(self.file.as_slice())
            .unwrap()
            .bytes(self.archive, range)
            .unwrap()
    }

    fn tree_hash(&self, range: ByteRange) -> TreeHash {
        Patches::read(self.file.as_slice())
            .unwrap()
            .tree_hash(self.archive, range)
            .unwrap()
    }

    fn whole(&self) -> Vec<u8> {
        self.bytes(ByteRange::whole(self.written.size).unwrap())
    }

    /// The listing as a peek reads it: the tail, then what it points before.
    fn listing(&self) -> (reader::Directory, Vec<Member>) {
        let size = self.written.size;
        let tail = tail_range(size).unwrap();
        let mut have = tail;
        let mut bytes = self.bytes(tail);
        let directory = loop {
            match find_directory(&bytes, size).unwrap() {
                EndLookup::Found(directory) => break directory,
                EndLookup::NeedFrom(from) => {
                    have = ByteRange::new(from, size - 1).unwrap();
                    bytes = self.bytes(have);
                }
            }
        };
        if directory.offset < have.start {
            have = ByteRange::new(directory.offset, size - 1).unwrap();
            bytes = self.bytes(have);
        }
        let start = (directory.offset - have.start) as usize;
        let members = parse_central_directory(&bytes[start..], &directory).unwrap();
        (directory, members)
    }
}

fn hash_of(bytes: &[u8]) -> TreeHash {
    let mut hasher = TreeHasher::new();
    hasher.update(bytes);
    hasher.finish()
}

const SMALL: &str = r#"
members = 40
seed = 4
max_member_size = "3MiB"
comment = "documents, June 2020"
files = [
    { path = "readme.txt", size = 5000 },
    { path = "data/export.csv", size = "300KiB", method = "stored", content = "text" },
    { path = "media/clip.mp4", size = "2MiB", method = "stored" },
    { path = "media/tiny.bin", size = 1000, method = "stored" },
    { path = "random.bin", size = "20KiB", method = "deflate", content = "random" },
    { path = "Résumé.txt", size = 100, cp437 = true },
    { path = "写真/アルバム.txt", size = 300 },
    { path = "empty.txt", size = 0 },
]
"#;

#[test]
fn a_small_zip_reads_back_whole_with_the_zip_crate() {
    let seeded = Seeded::new(&zip_seed(SMALL), 77);
    let whole = seeded.whole();
    assert_eq!(whole.len() as u64, seeded.written.size);
    let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(&whole)).unwrap();
    assert_eq!(archive.len(), 48);
    assert_eq!(archive.comment(), b"documents, June 2020");
    for (index, written) in seeded.written.members.iter().enumerate() {
        let mut member = archive.by_index(index).unwrap();
        assert_eq!(member.name_raw(), written.name.as_slice());
        assert_eq!(member.size(), written.size);
        assert_eq!(member.crc32(), written.crc32);
        assert_eq!(member.data_start(), written.data_offset);
        let mut bytes = Vec::new();
        // Reading to the end checks the CRC-32.
        member.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes.len() as u64, written.size);
        assert_eq!(crc32fast::hash(&bytes), written.crc32);
    }
    let readme = archive.by_name("readme.txt").unwrap();
    assert_eq!(readme.compression(), ::zip::CompressionMethod::Deflated);
    assert!(readme.compressed_size() < readme.size() / 2);
}

#[test]
fn the_listing_a_peek_reads_is_the_zip_as_written() {
    let seeded = Seeded::new(&zip_seed(SMALL), 77);
    let (directory, members) = seeded.listing();
    assert!(!directory.zip64);
    assert_eq!(directory.offset, seeded.written.directory_offset);
    assert_eq!(directory.size, seeded.written.directory_size);
    // It fits in the tail: one retrieval lists it.
    assert!(directory.offset >= tail_range(seeded.written.size).unwrap().start);
    assert_eq!(members.len(), seeded.written.members.len());
    for (member, written) in members.iter().zip(&seeded.written.members) {
        assert_eq!(member.size, written.size);
        assert_eq!(member.compressed_size, written.compressed_size);
        assert_eq!(member.crc32, written.crc32);
        assert_eq!(member.local_header, written.local_header);
        assert_eq!(member.method.number(), written.method.number());
        let year = member.modified.map(|at| at.year());
        assert!(
            year.is_some_and(|year| (2017..=2020).contains(&year)),
            "{year:?}"
        );
    }
    let names: Vec<&str> = members.iter().map(|member| member.name.as_str()).collect();
    assert_eq!(
        &names[..3],
        ["readme.txt", "data/export.csv", "media/clip.mp4"]
    );
    assert!(names.contains(&"Résumé.txt") && names.contains(&"写真/アルバム.txt"));
    assert!(
        names[8..]
            .iter()
            .all(|name| name.starts_with("2020-documents/"))
    );
    // A member's span restores it: stored bytes are the member, CRC and all.
    let clip = &seeded.written.members[2];
    let span = ByteRange::new(clip.data_offset, clip.data_offset + clip.size - 1).unwrap();
    assert_eq!(crc32fast::hash(&seeded.bytes(span)), clip.crc32);
}

#[test]
fn served_ranges_and_tree_hashes_agree_with_the_whole() {
    let seeded = Seeded::new(&zip_seed(SMALL), 77);
    let whole = seeded.whole();
    let size = seeded.written.size;
    assert!(size > 3 * MIB, "{size}");
    assert_eq!(
        seeded.tree_hash(ByteRange::whole(size).unwrap()),
        hash_of(&whole)
    );
    for (start, end) in [(0, 99), (MIB - 5, 2 * MIB + 5), (size - 1000, size - 1)] {
        let range = ByteRange::new(start, end).unwrap();
        assert_eq!(seeded.bytes(range), whole[start as usize..=end as usize]);
    }
    for job in split_tree(size, ByteRange::new(MIB, size - 1).unwrap()).unwrap() {
        assert!(is_tree_aligned(size, job));
        let slice = &whole[job.start as usize..=job.end as usize];
        assert_eq!(seeded.tree_hash(job), hash_of(slice));
    }
}

#[test]
fn the_same_seed_writes_the_same_zip() {
    let zip = zip_seed(SMALL);
    assert_eq!(Seeded::new(&zip, 5).file, Seeded::new(&zip, 5).file);
    assert_ne!(Seeded::new(&zip, 5).file, Seeded::new(&zip, 6).file);
}

#[test]
fn a_member_past_4_gib_makes_a_zip64_of_virtual_bytes() {
    let started = std::time::Instant::now();
    let seeded = Seeded::new(&zip_seed("members = 30\nlarge_member = \"5GiB\"\n"), 3);
    let size = seeded.written.size;
    assert!(size > 5 << 30);
    // The patch file holds the headers, not the 5 GiB.
    assert!(seeded.file.len() < 64 << 20, "{}", seeded.file.len());
    let (directory, members) = seeded.listing();
    assert!(directory.zip64);
    assert!(directory.offset > 5 << 30);
    let big = members
        .iter()
        .position(|member| member.size == 5 << 30)
        .unwrap();
    let written = &seeded.written.members[big];
    assert_eq!(
        members[big].name,
        "2020-documents/Video/raw-footage-full.mov"
    );
    assert_eq!(members[big].compressed_size, 5 << 30);
    assert_eq!(members[big].local_header, written.local_header);
    assert_eq!(
        members[big].crc32,
        seeded.archive.crc32(written.data_offset, 5 << 30)
    );
    // Every member after it starts past 4 GiB: its offset is in the zip64 field.
    for (member, written) in members.iter().zip(&seeded.written.members).skip(big + 1) {
        assert!(member.local_header > 4 << 30);
        assert_eq!(member.local_header, written.local_header);
    }
    // The local header says zip64 too: both sizes in its zip64 field.
    let header =
        seeded.bytes(ByteRange::new(written.local_header, written.data_offset - 1).unwrap());
    assert_eq!(&header[..4], b"PK\x03\x04");
    assert_eq!(&header[18..26], &[0xff; 8]);
    let extra = &header[30 + members[big].name.len()..];
    assert_eq!(&extra[..4], &[1, 0, 16, 0]);
    assert_eq!(&extra[4..12], &(5u64 << 30).to_le_bytes());
    // Ranges across the real parts hash as their bytes do.
    for first_mib in [written.data_offset / MIB, size / MIB - 2] {
        let range = ByteRange::new(first_mib * MIB, ((first_mib + 2) * MIB).min(size) - 1).unwrap();
        assert_eq!(seeded.tree_hash(range), hash_of(&seeded.bytes(range)));
    }
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn thousands_of_members_push_the_directory_before_the_tail() {
    let seeded = Seeded::new(
        &zip_seed("members = 10000\nmax_member_size = \"4KiB\"\n"),
        8,
    );
    let tail = tail_range(seeded.written.size).unwrap();
    assert!(seeded.written.directory_offset < tail.start);
    let (directory, members) = seeded.listing();
    assert!(!directory.zip64);
    assert_eq!(members.len(), 10_000);
    assert!(members.iter().all(|member| member.size <= 4096));
}

#[test]
fn hostile_names_come_back_as_written_and_paths_stay_inside() {
    let seeded = Seeded::new(&zip_seed("hostile_names = true"), 1);
    let (_, members) = seeded.listing();
    let names: Vec<&str> = members.iter().map(|member| member.name.as_str()).collect();
    for expected in [
        "../../etc/passwd",
        "/etc/cron.d/evil",
        "C:\\Windows\\System32\\evil.dll",
        "invoices/invoice\u{202e}fdp.exe",
        "notes/bell\u{7}and\u{1b}[31mred\r\n.txt",
        "Résumé/Café.txt",
    ] {
        assert!(names.contains(&expected), "{expected:?} in {names:?}");
    }
    for member in &members {
        let path = member.path.to_string();
        assert!(
            !path.starts_with('/') && !path.split('/').any(|part| part == ".."),
            "{path}"
        );
    }
}

fn problem(text: &str) -> String {
    crate::sandbox::seed::parse(text).unwrap_err()
}

#[test]
fn bad_zip_tables_say_what_to_fix() {
    let archive = "[[vaults]]\nname = \"v\"\n[[vaults.archives]]\nname = \"a.zip\"\n";
    let err = problem(&format!("{archive}zip = {{ members = 0 }}\n"));
    assert!(
        err.contains("no members") && err.contains("members = N"),
        "{err}"
    );
    let err = problem(&format!(
        "{archive}zip = {{ files = [{{ path = \"a\", size = 1, method = \"bzip2\" }}] }}\n"
    ));
    assert!(
        err.contains("line 5") && err.contains("bzip2") && err.contains("deflate"),
        "{err}"
    );
    let err = problem(&format!("{archive}size = 5\nzip = {{ members = 3 }}\n"));
    assert!(err.contains("drop size"), "{err}");
    let err = problem(&format!("{archive}zip = {{ members = 3, colour = 1 }}\n"));
    assert!(err.contains("colour"), "{err}");
    let err = problem(&format!(
        "{archive}zip = {{ files = [{{ path = \"写真\", size = 1, cp437 = true }}] }}\n"
    ));
    assert!(err.contains("code page 437"), "{err}");
    let err = problem(&format!(
        "{archive}zip = {{ files = [{{ path = \"a\", size = \"100MiB\" }}] }}\n"
    ));
    assert!(err.contains("64 MiB") && err.contains("stored"), "{err}");
    assert!(!err.contains('\n'));
    let err = problem(&format!("{archive}zip = {{ large_member = \"2TiB\" }}\n"));
    assert!(err.contains("1 TiB"), "{err}");
    let err = problem(&format!("{archive}\n"));
    assert!(err.contains("no size"), "{err}");
}

#[test]
fn dates_stay_inside_what_dos_times_hold() {
    let zip = zip_seed("members = 5");
    let early = plan(&zip, "a.zip", 1, datetime!(1970-01-01 0:00 UTC));
    assert!(
        early
            .members
            .iter()
            .all(|member| member.modified.year() >= 1980)
    );
}
