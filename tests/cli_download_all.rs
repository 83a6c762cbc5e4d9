//! `defrost download --all-ready` against a live sandbox: every ready archive job
//! is downloaded once, verified; a second run skips what is already downloaded
//! and inventory jobs; the job id and --all-ready cannot be given together.

mod cli_live;
mod common;
mod jobs_support;
mod one_line_error;

use cli_live::{Live, polled_defrost, polled_sandbox};
use jobs_support::{
    Spec, archive_job, finish_now, inventory_job, seed_vault, start_job, tree_hash, wait_for,
};
use tempfile::TempDir;

struct Setup {
    live: Live,
    home: TempDir,
    data: TempDir,
}

impl Setup {
    fn run(&self, args: &[&str]) -> std::process::Output {
        polled_defrost(&self.live, &self.home, &self.data)
            .args(args)
            .output()
            .unwrap()
    }

    /// Starts a job and waits until Glacier says it has finished; returns its id.
    fn finished_job(&self, params: aws_sdk_glacier::types::JobParameters) -> String {
        let client = common::client_for(&self.live.sandbox);
        let job_id = self.live._runtime.block_on(start_job(&client, "v", params));
        // At once rather than after the tier's wait, so the output window (8.6 s at
        // this speedup) is all left for the binary.
        finish_now(&self.live.sandbox, &job_id);
        self.live._runtime.block_on(wait_for(&client, "v", &job_id));
        job_id
    }
}

fn setup() -> (Setup, Vec<defrost::sandbox::model::Archive>) {
    let live = polled_sandbox();
    let specs = [
        Spec {
            size: (1 << 20) + 77,
            description: "a",
        },
        Spec {
            size: 4000,
            description: "b",
        },
        Spec {
            size: 9000,
            description: "c",
        },
        Spec {
            size: 5000,
            description: "d",
        },
    ];
    let archives = seed_vault(&live.sandbox, "v", &specs);
    let setup = Setup {
        live,
        home: tempfile::tempdir().unwrap(),
        data: tempfile::tempdir().unwrap(),
    };
    (setup, archives)
}

fn expedited(archive_id: &str) -> aws_sdk_glacier::types::JobParameters {
    archive_job(archive_id).tier("Expedited").build()
}

#[test]
fn every_ready_archive_job_is_downloaded_once() {
    let (setup, archives) = setup();
    let first = setup.finished_job(expedited(&archives[0].id));
    let second = setup.finished_job(expedited(&archives[1].id));
    let inventory = setup.finished_job(inventory_job().build());
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().to_str().unwrap();

    let output = setup.run(&["download", "--all-ready", "--to", to, "--vault", "v"]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(&format!("downloaded {first}: verified")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("downloaded {second}: verified")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("skipped {inventory}: an inventory")),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("2 downloaded, 0 failed, 1 skipped\n"),
        "{stdout}"
    );
    for archive in &archives[..2] {
        let bytes = std::fs::read(dir.path().join(&archive.id)).unwrap();
        assert_eq!(tree_hash(&bytes), archive.tree_hash);
    }

    // A third job is downloaded by its id (the journal notes that too), a fourth
    // is left: the next run takes only the fourth.
    let third = setup.finished_job(expedited(&archives[2].id));
    let by_id = setup.run(&["download", &third, "--vault", "v", "--to", to]);
    assert!(by_id.status.success(), "{by_id:?}");
    let fourth = setup.finished_job(expedited(&archives[3].id));
    let again = setup.run(&["download", "--all-ready", "--to", to]);
    assert!(again.status.success(), "{again:?}");
    let stdout = String::from_utf8(again.stdout).unwrap();
    assert!(
        stdout.contains(&format!("downloaded {fourth}: verified")),
        "{stdout}"
    );
    for done in [&first, &second, &third] {
        assert!(
            stdout.contains(&format!("skipped {done}: already downloaded to")),
            "{stdout}"
        );
    }
    assert!(
        stdout.ends_with("1 downloaded, 0 failed, 4 skipped\n"),
        "{stdout}"
    );
    for archive in &archives[2..] {
        let bytes = std::fs::read(dir.path().join(&archive.id)).unwrap();
        assert_eq!(tree_hash(&bytes), archive.tree_hash);
    }
}

#[test]
fn one_failure_does_not_stop_the_others_and_sets_the_exit_code() {
    let (setup, archives) = setup();
    let blocked = setup.finished_job(expedited(&archives[0].id));
    let fine = setup.finished_job(expedited(&archives[1].id));
    let dir = tempfile::tempdir().unwrap();
    // A file already where the first archive goes: refused without --overwrite.
    std::fs::write(dir.path().join(&archives[0].id), b"mine").unwrap();
    let to = dir.path().to_str().unwrap();
    let output = setup.run(&["download", "--all-ready", "--to", to, "--vault", "v"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains(&format!("failed {blocked}: ")), "{stdout}");
    assert!(stdout.contains("--overwrite"), "{stdout}");
    assert!(
        stdout.contains(&format!("downloaded {fine}: verified")),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("1 downloaded, 1 failed, 0 skipped\n"),
        "{stdout}"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("1 of 2 plans with ready jobs"), "{stderr}");
    assert_eq!(
        std::fs::read(dir.path().join(&archives[0].id)).unwrap(),
        b"mine"
    );
}

#[test]
fn a_job_id_with_all_ready_or_neither_is_refused_in_one_line() {
    let (setup, _) = setup();
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().to_str().unwrap();
    let cases: [(&[&str], &str); 3] = [
        (
            &["download", "JOB", "--all-ready", "--to", to],
            "--all-ready",
        ),
        (&["download", "--to", to], "--all-ready"),
        (&["download", "JOB", "--to", to], "--vault"),
    ];
    for (args, mention) in cases {
        let output = setup.run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        one_line_error::assert_one_line_error(args, &output.stdout, &stderr, &[mention]);
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
