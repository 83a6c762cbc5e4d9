//! The job journal: a job is written down before it is started, completed when
//! Glacier answers, followed through its states, and jobs started elsewhere are
//! adopted once; an older cache gains the journal without losing its snapshots.

mod store_support;

use defrost::domain::job::{JobStatus, Observation, ObservedStatus, TrackedJob, observe};
use defrost::domain::job_params::{JobKind, Tier};
use defrost::store::{JobIntent, Store, VaultKey};
use store_support::{import_json, inventory_json};
use time::OffsetDateTime;

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000 + seconds).unwrap()
}

fn vault() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "photos".into(),
    }
}

/// Writes down a plain request for vault `photos` at time 0.
fn plain_intent(store: &mut Store) -> defrost::store::JournalId {
    store
        .record_job_intent(&JobIntent {
            vault: &vault(),
            params_json: "{}",
            plan_json: None,
            plan: None,
            started_by: "defrost",
            at: at(0),
        })
        .unwrap()
}

fn job(id: &str) -> TrackedJob {
    TrackedJob::started(
        id.into(),
        "photos".into(),
        JobKind::ArchiveRetrieval,
        Some(Tier::Bulk),
        at(10),
    )
}

#[test]
fn a_job_is_written_down_before_it_starts_and_followed_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let id = store
        .record_job_intent(&JobIntent {
            vault: &vault(),
            params_json: r#"{"Type":"archive-retrieval"}"#,
            plan_json: Some(r#"{"plan":"split"}"#),
            plan: None,
            started_by: "defrost (alice@host)",
            at: at(0),
        })
        .unwrap();

    // Before InitiateJob answers, the journal already shows the request.
    let waiting = store.journal(None).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].job_id, None);
    assert_eq!(waiting[0].state, None);
    assert_eq!(waiting[0].plan_json.as_deref(), Some(r#"{"plan":"split"}"#));

    let started = job("JOB1");
    store.record_job_started(id, &started).unwrap();
    // A second answer for the same request is refused, not recorded twice.
    assert!(store.record_job_started(id, &job("JOB2")).is_err());

    let polled = observe(
        started.clone(),
        Observation {
            status: ObservedStatus::InProgress,
            completed_at: None,
            status_message: None,
        },
        at(60),
    );
    store.record_job_state(&polled, at(60)).unwrap();
    let done = observe(
        polled,
        Observation {
            status: ObservedStatus::Succeeded,
            completed_at: Some(at(100)),
            status_message: Some("Succeeded".into()),
        },
        at(120),
    );
    store.record_job_state(&done, at(120)).unwrap();

    let entries = store.journal(Some(&vault())).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].job_id.as_deref(), Some("JOB1"));
    assert_eq!(
        entries[0].state.as_ref().map(|s| s.status),
        Some(JobStatus::Succeeded)
    );
    assert!(!entries[0].adopted);
    let history: Vec<String> = store
        .job_events(id)
        .unwrap()
        .into_iter()
        .map(|e| e.what)
        .collect();
    // The poll that changed nothing left no event.
    assert_eq!(history, ["requested", "started", "Succeeded"]);

    // Reopening finds everything again.
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.journal(None).unwrap(), entries);
}

#[test]
fn a_refused_start_is_noted_and_unknown_jobs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let id = plain_intent(&mut store);
    store
        .record_job_start_failed(id, "PolicyEnforcedException", at(1))
        .unwrap();
    let events = store.job_events(id).unwrap();
    assert_eq!(events.last().map(|e| e.what.as_str()), Some("start failed"));
    assert_eq!(
        events.last().and_then(|e| e.message.as_deref()),
        Some("PolicyEnforcedException")
    );
    let err = store
        .record_job_state(&job("NEVER-SEEN"), at(2))
        .unwrap_err();
    assert!(
        err.to_string().contains("does not know job NEVER-SEEN"),
        "{err}"
    );
}

#[test]
fn jobs_started_elsewhere_are_adopted_once_even_for_a_vault_without_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let mut other = job("OTHER");
    other.adopted = true;
    assert!(store.adopt_job(&vault(), &other, "{}", at(5)).unwrap());
    assert!(!store.adopt_job(&vault(), &other, "{}", at(6)).unwrap());
    let entries = store.journal(None).unwrap();
    assert_eq!(entries.len(), 1);
    assert!(entries[0].adopted);
    assert_eq!(entries[0].started_by, "adopted");
    assert_eq!(store.vaults().unwrap().len(), 1);
    // A vault known only from its jobs has no inventory to page through yet.
    let found = store.find_vault("photos", None, None).unwrap();
    assert!(store.snapshot_of(&found, None).is_err());
}

#[test]
fn a_cache_from_before_the_journal_gains_it_and_keeps_its_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(dir.path()).unwrap();
        let archives = vec![store_support::TestArchive {
            id: store_support::archive_id(1),
            description: "a.txt".into(),
            size: 1,
            created_ms: 1_300_000_000_000,
        }];
        import_json(
            &mut store,
            "v",
            &inventory_json("v", "2026-11-01T00:00:00Z", &archives),
        )
        .unwrap();
    }
    // Make it look as a cache of schema 1 did: no journal, no restore claims.
    let catalog = rusqlite::Connection::open(dir.path().join("catalog.sqlite")).unwrap();
    catalog
        .execute_batch(
            "DROP TABLE job_event; DROP TABLE job; DROP TABLE restore_claim;
             PRAGMA user_version = 1;",
        )
        .unwrap();
    drop(catalog);

    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(store.snapshots(None).unwrap().len(), 1);
    plain_intent(&mut store);
    assert_eq!(store.journal(None).unwrap().len(), 1);
    let version: i64 = rusqlite::Connection::open(dir.path().join("catalog.sqlite"))
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, defrost::store::CATALOG_SCHEMA);
    let claim = store
        .claim_restore_path("/r", "archive A", &["a.txt".into()], at(0))
        .unwrap();
    assert_eq!(claim.map(|c| c.path).as_deref(), Some("a.txt"));
}

#[test]
fn a_cache_of_schema_two_gains_restore_claims_and_keeps_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(dir.path()).unwrap();
        plain_intent(&mut store);
    }
    let catalog = rusqlite::Connection::open(dir.path().join("catalog.sqlite")).unwrap();
    catalog
        .execute_batch("DROP TABLE restore_claim; PRAGMA user_version = 2;")
        .unwrap();
    drop(catalog);

    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(store.journal(None).unwrap().len(), 1);
    let candidates = [
        "same/name.txt".to_owned(),
        "same/name (archive B).txt".to_owned(),
    ];
    let first = store
        .claim_restore_path("/r", "archive A", &candidates, at(0))
        .unwrap()
        .unwrap();
    let second = store
        .claim_restore_path("/r", "archive B", &candidates, at(0))
        .unwrap()
        .unwrap();
    assert_eq!((first.path.as_str(), first.new), ("same/name.txt", true));
    assert_eq!(second.path, "same/name (archive B).txt");
    // Claims are for good: asking again gives the same answer, and a folder of
    // another name is another matter.
    let again = store
        .claim_restore_path("/r", "archive B", &candidates, at(0))
        .unwrap()
        .unwrap();
    assert_eq!(
        (again.path.as_str(), again.new),
        ("same/name (archive B).txt", false)
    );
    let elsewhere = store
        .claim_restore_path("/s", "archive B", &candidates, at(0))
        .unwrap()
        .unwrap();
    assert_eq!(elsewhere.path, "same/name.txt");
    // Case is ignored, and a file never takes a name a claimed path needs as a
    // folder, nor a path below a claimed file.
    let upper = ["SAME/NAME.TXT".to_owned()];
    assert_eq!(
        store
            .claim_restore_path("/r", "archive C", &upper, at(0))
            .unwrap(),
        None
    );
    let folder = ["same".to_owned()];
    assert_eq!(
        store
            .claim_restore_path("/r", "archive D", &folder, at(0))
            .unwrap(),
        None
    );
    let below = ["same/name.txt/x".to_owned()];
    assert_eq!(
        store
            .claim_restore_path("/r", "archive E", &below, at(0))
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .restore_claim_owner("/r", "Same/Name.txt")
            .unwrap()
            .as_deref(),
        Some("archive A")
    );
}

#[test]
fn a_vault_known_from_jobs_under_account_dash_does_not_hide_its_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let archives = vec![store_support::TestArchive {
        id: store_support::archive_id(1),
        description: "a.txt".into(),
        size: 1,
        created_ms: 1_300_000_000_000,
    }];
    let json = inventory_json("photos", "2026-11-01T00:00:00Z", &archives);
    import_json(&mut store, "photos", &json).unwrap();
    plain_intent(&mut store);
    assert_eq!(store.vaults().unwrap().len(), 2);
    let found = store.find_vault("photos", None, None).unwrap();
    assert_ne!(found.key.account, "-");
    assert!(store.snapshot_of(&found, None).is_ok());
    // Named by its account, the journal's vault is still there to be found.
    let journal_only = store.find_vault("photos", Some("-"), None).unwrap();
    assert_eq!(journal_only.key, vault());
}
