//! `defrost restore`: many archives at once, end to end against a live sandbox at
//! a fast clock through the real binary. Every selected archive ends as its
//! file, whole and verified, under its decoded name; Glacier sees exactly one
//! job per archive, whatever is run again or pushed back.

mod cli_live;
mod common;
mod jobs_support;
mod restore_support;

use restore_support::{Restore, files, json_lines, outcome};
use serde_json::json;

const FOLDER: [&str; 6] = [
    "photos/2019/a.jpg",
    "photos/2019/b.jpg",
    "photos/2019/trip/c.jpg",
    "photos/2019/dup.jpg",
    "photos/2019/dup.jpg",
    "photos/2019/d.jpg",
];

fn vault() -> Restore {
    let mut names: Vec<&str> = FOLDER.to_vec();
    names.extend(["docs/tax-2019.pdf", "docs/tax-2020.pdf", "music/song.mp3"]);
    Restore::new(&names)
}

#[test]
fn a_folder_is_restored_under_its_decoded_names_one_job_per_archive() {
    let setup = vault();
    let output = setup.restore(&["--under", "photos/2019"]);
    assert!(output.status.success(), "{output:?}");
    let end = outcome(&output);
    assert_eq!(end["archives"], 6, "{end}");
    assert_eq!(end["restored"], 6, "{end}");
    assert_eq!(end["given_up"], 0, "{end}");
    let restored: Vec<_> = json_lines(&output)
        .into_iter()
        .filter(|line| line["event"] == "restored")
        .collect();
    assert_eq!(restored.len(), 6, "{output:?}");

    // The two archives named dup.jpg are told apart: the first in the batch's
    // order keeps the name, the other gets its id.
    let found = files(setup.to.path());
    assert_eq!(found.len(), 6, "{found:?}");
    for name in ["a.jpg", "b.jpg", "trip/c.jpg", "d.jpg", "dup.jpg"] {
        let relative = format!("photos/2019/{name}");
        assert!(found.contains(&relative), "{found:?}");
    }
    let first_dup = &setup.archives[3];
    let second_dup = &setup.archives[4];
    let renamed = found
        .iter()
        .find(|file| file.starts_with("photos/2019/dup (archive "))
        .unwrap_or_else(|| panic!("{found:?}"));
    for (relative, archive) in [
        ("photos/2019/dup.jpg", first_dup),
        (renamed.as_str(), second_dup),
    ] {
        let bytes = std::fs::read(setup.to.path().join(relative)).unwrap();
        let hash = common::tree_hash(&bytes);
        assert!(
            hash == archive.3 || hash == first_dup.3 || hash == second_dup.3,
            "{relative}"
        );
    }
    // Each holds its own archive: the renamed one the archive its id names,
    // the plain name the other one.
    let named = renamed
        .trim_start_matches("photos/2019/dup (archive ")
        .trim_end_matches(").jpg");
    let (renamed_archive, plain_archive) = if first_dup.1.starts_with(named) {
        (first_dup, second_dup)
    } else {
        (second_dup, first_dup)
    };
    assert!(renamed_archive.1.starts_with(named), "{renamed}");
    let hash_of =
        |relative: &str| common::tree_hash(&std::fs::read(setup.to.path().join(relative)).unwrap());
    assert_eq!(hash_of(renamed), renamed_archive.3, "{renamed}");
    assert_eq!(hash_of("photos/2019/dup.jpg"), plain_archive.3);
    for name in [
        "photos/2019/a.jpg",
        "photos/2019/b.jpg",
        "photos/2019/trip/c.jpg",
        "photos/2019/d.jpg",
    ] {
        setup.assert_restored(name, name);
    }

    // Glacier saw one job for each selected archive and none for the others.
    let started = setup.jobs_started();
    assert_eq!(started.len(), 6, "{started:?}");
    assert!(started.values().all(|jobs| *jobs == 1), "{started:?}");

    // The same command again has nothing left to do and pays for nothing.
    let again = setup.restore(&["--under", "photos/2019"]);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(outcome(&again)["restored"], 6);
    assert_eq!(setup.jobs_started(), started);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("going on with batch B1"),
        "{again:?}"
    );
}

#[test]
fn archives_by_filter_and_by_id_file_and_the_batches_list() {
    let setup = vault();
    let by_filter = setup.restore(&["--filter", "tax"]);
    assert!(by_filter.status.success(), "{by_filter:?}");
    assert_eq!(outcome(&by_filter)["restored"], 2);
    setup.assert_restored("docs/tax-2019.pdf", "docs/tax-2019.pdf");
    setup.assert_restored("docs/tax-2020.pdf", "docs/tax-2020.pdf");

    let ids = setup.data.path().join("ids.txt");
    let song = &setup.archives[8].1;
    std::fs::write(&ids, format!("\n{song}\n{song}\n")).unwrap();
    let by_ids = setup.restore(&["--ids", ids.to_str().unwrap()]);
    assert!(by_ids.status.success(), "{by_ids:?}");
    assert_eq!(outcome(&by_ids)["archives"], 1);
    setup.assert_restored("music/song.mp3", "music/song.mp3");
    assert_eq!(files(setup.to.path()).len(), 3);

    let listed = setup.run(&["batches", "--json"]);
    assert!(listed.status.success(), "{listed:?}");
    let batches = json_lines(&listed);
    assert_eq!(batches.len(), 2, "{batches:?}");
    assert_eq!(batches[0]["batch"], "B1");
    assert_eq!(batches[0]["selection"], "filter");
    assert_eq!(batches[0]["restored"], 2);
    assert_eq!(batches[1]["selection"], "ids");
    assert_eq!(batches[1]["archives"], 1);
    let table = setup.run(&["batches"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.lines().nth(1).unwrap_or_default().starts_with("B1 "),
        "{text}"
    );
}

#[test]
fn throttling_and_a_failed_job_slow_the_batch_but_every_archive_is_restored_once() {
    let setup = vault();
    // The first six InitiateJob requests are throttled (the SDK retries each
    // request three times before defrost hears of it), and the first job that
    // starts fails.
    setup.add_fault(json!({"kind": "throttling", "operation": "InitiateJob", "count": 6}));
    setup.add_fault(json!({"kind": "fail_job", "vault": "v", "count": 1}));
    let output = setup.restore(&["--under", "photos/2019"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(outcome(&output)["restored"], 6, "{output:?}");
    let events = json_lines(&output);
    let throttled = events.iter().filter(|e| e["event"] == "throttled").count();
    assert_eq!(throttled, 2, "{events:?}");
    let retried: Vec<_> = events
        .iter()
        .filter(|e| e["event"] == "started" && e["why"] == "retry")
        .collect();
    assert_eq!(retried.len(), 1, "{events:?}");
    let started = setup.jobs_started();
    assert_eq!(started.values().sum::<u64>(), 7, "{started:?}");
}

#[test]
fn no_wait_returns_once_started_and_the_next_run_downloads() {
    let setup = vault();
    let first = setup.restore(&["--filter", "tax", "--no-wait"]);
    assert!(first.status.success(), "{first:?}");
    let end = outcome(&first);
    assert_eq!(end["to_start"], 0, "{end}");
    assert_eq!(end["waited"], false, "{end}");
    assert_eq!(setup.jobs_started().len(), 2);
    let resumed = setup.run(&["restore", "--resume", "b1", "--json"]);
    assert!(resumed.status.success(), "{resumed:?}");
    assert_eq!(outcome(&resumed)["restored"], 2, "{resumed:?}");
    assert!(setup.jobs_started().values().all(|jobs| *jobs == 1));
    setup.assert_restored("docs/tax-2019.pdf", "docs/tax-2019.pdf");
}

#[test]
fn bad_input_is_one_line_with_exit_code_2_and_starts_nothing() {
    let setup = vault();
    let to = setup.to.path().to_str().unwrap().to_owned();
    let missing = setup.data.path().join("no-such-ids.txt");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--vault", "v", "--to", &to], "--under"),
        (
            vec!["--vault", "v", "--under", "x", "--all", "--to", &to],
            "cannot be used with",
        ),
        (
            vec!["--vault", "v", "--under", "nowhere", "--to", &to],
            "no archive",
        ),
        (
            vec![
                "--vault",
                "v",
                "--ids",
                missing.to_str().unwrap(),
                "--to",
                &to,
            ],
            "cannot read the archive ids",
        ),
        (
            vec![
                "--vault",
                "v",
                "--all",
                "--to",
                &to,
                "--requests-per-second",
                "0",
            ],
            "--requests-per-second 0",
        ),
        (
            vec!["--vault", "v", "--all", "--to", &to, "--tier", "Slow"],
            "Slow",
        ),
        (vec!["--resume", "B7"], "no batch B7"),
        (vec!["--resume", "7"], "'7' is not a batch id"),
    ];
    for (args, expected) in cases {
        let mut all = vec!["restore"];
        all.extend(&args);
        all.push("--yes");
        let refused = setup.run(&all);
        assert_eq!(refused.status.code(), Some(2), "{args:?}: {refused:?}");
        let said = String::from_utf8_lossy(&refused.stderr);
        assert!(said.contains(expected), "{args:?}: {said}");
        assert!(refused.stdout.is_empty(), "{args:?}: {refused:?}");
    }
    assert!(setup.jobs_started().is_empty());
}

#[test]
fn a_start_whose_answer_was_lost_is_found_on_glacier_not_paid_again() {
    let setup = vault();
    let first = setup.restore(&["--filter", "tax-2019", "--no-wait"]);
    assert!(first.status.success(), "{first:?}");
    let started = setup.jobs_started();
    assert_eq!(started.values().sum::<u64>(), 1, "{started:?}");
    // As if the process died after sending InitiateJob and before journaling
    // the answer: the intent is in the journal, Glacier runs the job.
    let catalog = rusqlite::Connection::open(setup.data.path().join("catalog.sqlite")).unwrap();
    catalog
        .execute_batch(
            "UPDATE job SET job_id = NULL, state = NULL;
             DELETE FROM job_event WHERE what <> 'requested';",
        )
        .unwrap();
    drop(catalog);

    let resumed = setup.run(&["restore", "--resume", "B1", "--json"]);
    assert!(resumed.status.success(), "{resumed:?}");
    let events = json_lines(&resumed);
    let found: Vec<_> = events.iter().filter(|e| e["event"] == "found").collect();
    assert_eq!(found.len(), 1, "{events:?}");
    assert!(
        !events.iter().any(|e| e["event"] == "started"),
        "{events:?}"
    );
    assert_eq!(outcome(&resumed)["restored"], 1);
    setup.assert_restored("docs/tax-2019.pdf", "docs/tax-2019.pdf");
    assert_eq!(setup.jobs_started(), started);
}

#[test]
fn a_new_batch_does_not_retrieve_again_what_is_already_restored_in_the_folder() {
    let setup = vault();
    let taxes = setup.restore(&["--filter", "tax"]);
    assert!(taxes.status.success(), "{taxes:?}");
    let to = setup.to.path().to_str().unwrap().to_owned();
    let all = setup.run(&[
        "restore",
        "--vault",
        "v",
        "--all",
        "--to",
        &to,
        "--tier",
        "Expedited",
        "--requests-per-second",
        "500",
        "--yes",
    ]);
    assert!(all.status.success(), "{all:?}");
    let summary = String::from_utf8_lossy(&all.stderr);
    assert!(summary.contains("Restored  2 archives"), "{summary}");
    assert!(summary.contains("To start  7 jobs"), "{summary}");
    let started = setup.jobs_started();
    assert_eq!(started.len(), 9, "{started:?}");
    assert!(started.values().all(|jobs| *jobs == 1), "{started:?}");
    assert_eq!(files(setup.to.path()).len(), 9);
}
