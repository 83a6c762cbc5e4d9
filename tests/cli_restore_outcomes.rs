//! How a `defrost restore` batch ends when not everything can be restored: a
//! job that fails is tried once more and then given up, an archive larger than
//! the vault's bytes-per-hour policy is reported and never started; the other
//! archives are restored all the same, and the exit code says that some were
//! not. Also: archives that share a decoded name each keep their own bytes, and
//! ids read from standard input.

mod cli_live;
mod common;
mod jobs_support;
mod restore_support;

use defrost::sandbox::model::RetrievalPolicy;
use jobs_support::MIB;
use restore_support::{Restore, files, json_lines, outcome};
use serde_json::{Value, json};

fn events<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter(|line| line["event"] == kind).collect()
}

/// The jobs the sandbox started for the archive named `name`.
fn jobs_of(setup: &Restore, name: &str) -> u64 {
    let (_, id, ..) = setup
        .archives
        .iter()
        .find(|(archive, ..)| archive == name)
        .unwrap();
    setup.jobs_started().get(id).copied().unwrap_or(0)
}

#[test]
fn a_job_failing_twice_is_given_up_once_retried_and_the_rest_are_restored() {
    let setup = Restore::new(&["jobs/a.bin", "jobs/b.bin", "jobs/c.bin", "jobs/d.bin"]);
    // One job at a time, in the batch's order (by name), so the three failures
    // land on a's first job, a's retry and b's first job.
    setup.add_fault(json!({"kind": "fail_job", "vault": "v", "count": 3}));
    let output = setup.restore(&["--under", "jobs", "--max-jobs-in-flight", "1"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let lines = json_lines(&output);
    let given_up = events(&lines, "given up");
    assert_eq!(given_up.len(), 1, "{lines:?}");
    assert_eq!(given_up[0]["name"], "jobs/a.bin");
    let retried: Vec<_> = events(&lines, "started")
        .into_iter()
        .filter(|event| event["why"] == "retry")
        .map(|event| event["name"].clone())
        .collect();
    assert_eq!(retried, [json!("jobs/a.bin"), json!("jobs/b.bin")]);
    let end = outcome(&output);
    assert_eq!(end["restored"], 3, "{end}");
    assert_eq!(end["given_up"], 1, "{end}");
    for name in ["jobs/b.bin", "jobs/c.bin", "jobs/d.bin"] {
        setup.assert_restored(name, name);
    }
    assert_eq!(files(setup.to.path()).len(), 3);
    for (name, jobs) in [("jobs/a.bin", 2), ("jobs/b.bin", 2), ("jobs/c.bin", 1)] {
        assert_eq!(jobs_of(&setup, name), jobs, "{name}");
    }
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("not restored"), "{said}");

    // Run again, the batch has nothing left to try and pays for nothing more.
    let before = setup.jobs_started();
    let again = setup.restore(&["--under", "jobs", "--max-jobs-in-flight", "1"]);
    assert_eq!(again.status.code(), Some(1), "{again:?}");
    assert_eq!(events(&json_lines(&again), "given up").len(), 1);
    assert_eq!(setup.jobs_started(), before);
}

#[test]
fn an_archive_over_the_bytes_per_hour_policy_is_reported_and_never_started() {
    let setup = Restore::sized(&[
        ("media/small-1.mov", 40_000),
        ("media/small-2.mov", 50_000),
        ("media/huge.mov", 3 * MIB),
        ("media/small-3.mov", 60_000),
    ]);
    setup.set_policy(RetrievalPolicy::BytesPerHour(MIB));
    let to = setup.to.path().to_str().unwrap().to_owned();
    // Standard, which the sandbox holds to the policy too.
    let args = ["restore", "--vault", "v", "--under", "media", "--to", &to];
    let mut plain = args.to_vec();
    plain.extend(["--tier", "Standard", "--yes"]);
    let output = setup.run(&plain);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let said = String::from_utf8_lossy(&output.stderr);
    for words in [
        "Policy    at most 1048576 bytes per hour; at most 1 MiB started per hour",
        "Too large 1 archives (3 MiB) exceed the bytes-per-hour cap",
        "media/huge.mov: not restored: at 3 MiB it is more than the bytes-per-hour cap",
    ] {
        assert!(said.contains(words), "{words}: {said}");
    }
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        shown.contains("3 of 4 archives restored") && shown.contains("1 not restored"),
        "{shown}"
    );
    for name in [
        "media/small-1.mov",
        "media/small-2.mov",
        "media/small-3.mov",
    ] {
        setup.assert_restored(name, name);
    }
    assert_eq!(jobs_of(&setup, "media/huge.mov"), 0);
    assert_eq!(setup.jobs_started().len(), 3);

    // The same command with --json goes on with the batch: the archive is
    // reported as an event, and nothing more is started.
    let mut json_args = plain.clone();
    json_args.push("--json");
    let again = setup.run(&json_args);
    assert_eq!(again.status.code(), Some(1), "{again:?}");
    let lines = json_lines(&again);
    let too_large = events(&lines, "too large");
    assert_eq!(too_large.len(), 1, "{lines:?}");
    assert_eq!(too_large[0]["name"], "media/huge.mov");
    assert_eq!(too_large[0]["bytes"], 3 * MIB);
    assert_eq!(outcome(&again)["too_large"], 1);
    assert_eq!(setup.jobs_started().len(), 3);
}

#[test]
fn archives_sharing_a_name_each_restore_their_own_bytes_across_runs() {
    let setup = Restore::new(&["same/x.txt", "same/x.txt", "same/x.txt", "same/y.txt"]);
    // Started in one run and downloaded in the next, as a later run decides
    // the names of outputs it finds ready.
    let first = setup.restore(&["--under", "same", "--no-wait"]);
    assert!(first.status.success(), "{first:?}");
    let second = setup.restore(&["--under", "same"]);
    assert!(second.status.success(), "{second:?}");
    assert_eq!(outcome(&second)["restored"], 4);

    let found = files(setup.to.path());
    assert_eq!(found.len(), 4, "{found:?}");
    let mut plain_name_holders = Vec::new();
    for (name, id, size, tree_hash) in &setup.archives {
        if name != "same/x.txt" {
            continue;
        }
        let renamed = found
            .iter()
            .find(|file| file.starts_with("same/x (archive ") && is_named_for(file, id));
        match renamed {
            Some(file) => {
                let bytes = std::fs::read(setup.to.path().join(file)).unwrap();
                assert_eq!(bytes.len() as u64, *size, "{file}");
                assert_eq!(&common::tree_hash(&bytes), tree_hash, "{file}");
            }
            None => plain_name_holders.push(tree_hash.clone()),
        }
    }
    // Exactly one of the three keeps the plain name, with its own bytes.
    assert_eq!(plain_name_holders.len(), 1, "{found:?}");
    let bytes = std::fs::read(setup.to.path().join("same/x.txt")).unwrap();
    assert_eq!(common::tree_hash(&bytes), plain_name_holders[0]);
    setup.assert_restored("same/y.txt", "same/y.txt");
    assert!(setup.jobs_started().values().all(|jobs| *jobs == 1));
}

/// Whether a renamed file `x (archive PART).txt` names the archive `id`.
fn is_named_for(file: &str, id: &str) -> bool {
    let Some(part) = file
        .split_once("(archive ")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(part, _)| part)
    else {
        return false;
    };
    id.starts_with(part)
}

#[test]
fn ids_from_standard_input_make_a_batch_of_their_own_each_time() {
    let setup = Restore::new(&["in/one.txt", "in/two.txt", "in/three.txt"]);
    let to = setup.to.path().to_str().unwrap().to_owned();
    let args = [
        "restore",
        "--vault",
        "v",
        "--ids",
        "-",
        "--to",
        &to,
        "--tier",
        "Expedited",
        "--yes",
        "--json",
    ];
    let (one, two) = (&setup.archives[0].1, &setup.archives[1].1);
    let first = setup
        .command()
        .args(args)
        .write_stdin(format!("{one}\n\n  {one}  \n"))
        .output()
        .unwrap();
    assert!(first.status.success(), "{first:?}");
    assert_eq!(outcome(&first)["archives"], 1, "{first:?}");
    setup.assert_restored("in/one.txt", "in/one.txt");

    // Other ids, as many: another batch, not the first one again.
    let second = setup
        .command()
        .args(args)
        .write_stdin(format!("{two}\n"))
        .output()
        .unwrap();
    assert!(second.status.success(), "{second:?}");
    assert_eq!(outcome(&second)["batch"], "B2", "{second:?}");
    setup.assert_restored("in/two.txt", "in/two.txt");
    assert_eq!(files(setup.to.path()).len(), 2);

    let listed = json_lines(&setup.run(&["batches", "--json"]));
    assert_eq!(listed.len(), 2, "{listed:?}");
    let text = listed[0]["selection_text"].as_str().unwrap_or_default();
    assert!(text.contains("standard input"), "{listed:?}");

    // No ids at all is bad input, and starts nothing.
    let empty = setup
        .command()
        .args(args)
        .write_stdin("\n")
        .output()
        .unwrap();
    assert_eq!(empty.status.code(), Some(2), "{empty:?}");
    assert_eq!(setup.jobs_started().len(), 2);
}
