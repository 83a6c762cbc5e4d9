//! `defrost download` into a folder set against it: links inside `--to` (to a
//! folder, at `NAME.part`, at the destination), archives whose names clean up
//! to one path, and two downloads of one job at once. Nothing is written
//! outside `--to`, nothing is lost, and each refusal names the path.

mod cli_live;
mod common;
mod jobs_support;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use cli_live::{Live, polled_defrost, polled_sandbox};
use defrost::sandbox::model::Archive;
use jobs_support::{
    Listed, Spec, archive_job, finish_now, seed_vault, start_job, tree_hash, wait_for,
    write_inventory,
};
use tempfile::TempDir;

struct Setup {
    live: Live,
    home: TempDir,
    data: TempDir,
    archives: Vec<Archive>,
}

impl Setup {
    /// A vault of archives with these descriptions, and an inventory of them
    /// imported into the cache.
    fn new(descriptions: &[&str]) -> Self {
        let live = polled_sandbox();
        let specs: Vec<Spec<'_>> = descriptions
            .iter()
            .enumerate()
            .map(|(index, description)| Spec {
                size: 3000 + index as u64 * 1000,
                description,
            })
            .collect();
        let archives = seed_vault(&live.sandbox, "v", &specs);
        let setup = Setup {
            live,
            home: tempfile::tempdir().unwrap(),
            data: tempfile::tempdir().unwrap(),
            archives,
        };
        setup.cache_inventory();
        setup
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        polled_defrost(&self.live, &self.home, &self.data)
            .args(args)
            .output()
            .unwrap()
    }

    fn cache_inventory(&self) {
        let listed: Vec<Listed<'_>> = self
            .archives
            .iter()
            .map(|archive| Listed {
                id: &archive.id,
                description: &archive.description,
                size: archive.size,
                tree_hash: &archive.tree_hash,
            })
            .collect();
        let file = write_inventory(self.data.path(), &listed);
        let output = self.run(&[
            "inventory",
            "import",
            file.to_str().unwrap(),
            "--vault",
            "v",
        ]);
        assert!(output.status.success(), "{output:?}");
    }

    /// Starts a whole-archive job and waits until it has finished; its id.
    fn finished_job(&self, archive: &Archive) -> String {
        let client = common::client_for(&self.live.sandbox);
        let params = archive_job(&archive.id).tier("Expedited").build();
        let job_id = self.live._runtime.block_on(start_job(&client, "v", params));
        finish_now(&self.live.sandbox, &job_id);
        self.live._runtime.block_on(wait_for(&client, "v", &job_id));
        job_id
    }

    fn download(&self, job_id: &str, to: &Path, more: &[&str]) -> std::process::Output {
        let mut args = vec![
            "download",
            job_id,
            "--vault",
            "v",
            "--to",
            to.to_str().unwrap(),
        ];
        args.extend_from_slice(more);
        self.run(&args)
    }
}

/// Every file under `dir`, links included, not followed.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn stderr_line(output: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn a_linked_folder_inside_the_target_is_refused_and_nothing_lands_beyond_it() {
    let setup = Setup::new(&["linkdir/pwn.txt"]);
    let job = setup.finished_job(&setup.archives[0]);
    let dest = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    symlink(elsewhere.path(), dest.path().join("linkdir")).unwrap();

    let output = setup.download(&job, dest.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = stderr_line(&output);
    assert!(
        stderr.contains("linkdir is a symbolic link") && stderr.contains("remove the link"),
        "{stderr}"
    );
    assert!(
        walk(elsewhere.path()).is_empty(),
        "{:?}",
        walk(elsewhere.path())
    );
    assert_eq!(walk(dest.path()), [dest.path().join("linkdir")]);
}

#[test]
fn a_link_at_the_partial_file_is_never_written_through() {
    let setup = Setup::new(&["existing.txt"]);
    let job = setup.finished_job(&setup.archives[0]);
    let dest = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    symlink(&victim, dest.path().join("existing.txt.part")).unwrap();

    let output = setup.download(&job, dest.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = stderr_line(&output);
    assert!(
        stderr.contains("existing.txt.part is a symbolic link"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert!(std::fs::symlink_metadata(dest.path().join("existing.txt")).is_err());

    // Once the link is gone the same download goes through, verified.
    std::fs::remove_file(dest.path().join("existing.txt.part")).unwrap();
    let output = setup.download(&job, dest.path(), &[]);
    assert!(output.status.success(), "{output:?}");
    let bytes = std::fs::read(dest.path().join("existing.txt")).unwrap();
    assert_eq!(tree_hash(&bytes), setup.archives[0].tree_hash);
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
}

#[test]
fn a_link_at_the_destination_is_replaced_only_with_overwrite_and_never_followed() {
    let setup = Setup::new(&["report.pdf"]);
    let job = setup.finished_job(&setup.archives[0]);
    let dest = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    symlink(&victim, dest.path().join("report.pdf")).unwrap();

    let output = setup.download(&job, dest.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr_line(&output).contains("--overwrite"));
    let output = setup.download(&job, dest.path(), &["--overwrite"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    let restored = dest.path().join("report.pdf");
    assert!(std::fs::symlink_metadata(&restored).unwrap().is_file());
    assert_eq!(
        tree_hash(&std::fs::read(&restored).unwrap()),
        setup.archives[0].tree_hash
    );
}

#[test]
fn archives_whose_names_clean_up_alike_each_get_their_own_file_for_good() {
    // Three names that all become `same/name.txt` once made safe.
    let setup = Setup::new(&["same/name.txt", "same//name.txt", "same\\name.txt"]);
    let jobs: Vec<String> = setup
        .archives
        .iter()
        .map(|archive| setup.finished_job(archive))
        .collect();
    let dest = tempfile::tempdir().unwrap();
    let to = dest.path().to_str().unwrap();

    let output = setup.run(&["download", "--all-ready", "--to", to, "--overwrite"]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.ends_with("3 downloaded, 0 failed, 0 skipped\n"),
        "{stdout}"
    );

    let files = walk(dest.path());
    assert_eq!(files.len(), 3, "{files:?}");
    let mut hashes: Vec<String> = files
        .iter()
        .map(|file| tree_hash(&std::fs::read(file).unwrap()))
        .collect();
    hashes.sort();
    let mut wanted: Vec<String> = setup.archives.iter().map(|a| a.tree_hash.clone()).collect();
    wanted.sort();
    assert_eq!(hashes, wanted, "every archive is on disk, none overwritten");
    // One keeps the name; the others carry the start of their archive id.
    let names: Vec<String> = files
        .iter()
        .map(|file| {
            file.strip_prefix(dest.path())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    let plain_hash = tree_hash(&std::fs::read(dest.path().join("same/name.txt")).unwrap());
    for archive in setup.archives.iter().filter(|a| a.tree_hash != plain_hash) {
        let marked = format!("same/name (archive {}).txt", &archive.id[..8]);
        assert!(names.contains(&marked), "{names:?}");
    }

    // The next run skips all three, and names the file each one went to.
    let again = setup.run(&["download", "--all-ready", "--to", to, "--overwrite"]);
    assert!(again.status.success(), "{again:?}");
    let stdout = String::from_utf8(again.stdout).unwrap();
    for job in &jobs {
        assert!(
            stdout.contains(&format!("skipped {job}: already downloaded to")),
            "{stdout}"
        );
    }
    for file in &files {
        let canonical = std::fs::canonicalize(file).unwrap();
        assert!(
            stdout.contains(&canonical.display().to_string()),
            "{stdout}"
        );
    }

    // Downloading one again by its id goes back to its own file, not another's.
    let second = setup.download(&jobs[1], dest.path(), &["--overwrite"]);
    assert!(second.status.success(), "{second:?}");
    assert_eq!(walk(dest.path()).len(), 3);
    let marked = dest.path().join(format!(
        "same/name (archive {}).txt",
        &setup.archives[1].id[..8]
    ));
    let plain = dest.path().join("same/name.txt");
    let own = if marked.exists() { marked } else { plain };
    assert_eq!(
        tree_hash(&std::fs::read(own).unwrap()),
        setup.archives[1].tree_hash
    );
}

#[test]
fn without_overwrite_clashing_names_all_land_and_a_users_file_is_kept() {
    let setup = Setup::new(&["same/name.txt", "same/name.txt"]);
    let first = setup.finished_job(&setup.archives[0]);
    let second = setup.finished_job(&setup.archives[1]);
    let dest = tempfile::tempdir().unwrap();
    std::fs::create_dir(dest.path().join("same")).unwrap();
    // A file of the user's, not restored by defrost, sits at the name.
    std::fs::write(dest.path().join("same/name.txt"), b"mine").unwrap();

    let output = setup.download(&first, dest.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr_line(&output).contains("--overwrite"));
    assert_eq!(
        std::fs::read(dest.path().join("same/name.txt")).unwrap(),
        b"mine"
    );

    // The second archive never takes the first one's claimed name: it lands
    // beside it at once, with no --overwrite needed.
    let output = setup.download(&second, dest.path(), &[]);
    assert!(output.status.success(), "{output:?}");
    let marked = dest.path().join(format!(
        "same/name (archive {}).txt",
        &setup.archives[1].id[..8]
    ));
    assert_eq!(
        tree_hash(&std::fs::read(&marked).unwrap()),
        setup.archives[1].tree_hash
    );
    assert_eq!(
        std::fs::read(dest.path().join("same/name.txt")).unwrap(),
        b"mine"
    );

    // With --overwrite the user's file (not defrost's) gives way to the first.
    let output = setup.download(&first, dest.path(), &["--overwrite"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        tree_hash(&std::fs::read(dest.path().join("same/name.txt")).unwrap()),
        setup.archives[0].tree_hash
    );
}

#[test]
fn a_second_download_of_the_same_job_into_the_same_folder_is_refused_while_one_runs() {
    let setup = Setup::new(&["busy.bin"]);
    let job = setup.finished_job(&setup.archives[0]);
    let dest = tempfile::tempdir().unwrap();
    // Another process holds the download's lock, as a running download does.
    let lock_path = dest.path().join("busy.bin.part.progress.lock");
    let holder = std::fs::File::create(&lock_path).unwrap();
    holder.lock().unwrap();

    let output = setup.download(&job, dest.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = stderr_line(&output);
    assert!(
        stderr.contains("another defrost process is downloading job")
            && stderr.contains("busy.bin"),
        "{stderr}"
    );
    assert!(!dest.path().join("busy.bin").exists());

    // Once it lets go, the download runs and cleans up after itself.
    drop(holder);
    let output = setup.download(&job, dest.path(), &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(walk(dest.path()), [dest.path().join("busy.bin")]);
}
