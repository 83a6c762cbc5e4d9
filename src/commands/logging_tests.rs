use super::*;

/// What `filter` lets into a log file when each level logs one line, as the
/// screen's log is set up.
fn logged(filter: EnvFilter) -> String {
    let dir = tempfile::tempdir().unwrap();
    let folder = ConfinedDir::open(dir.path()).unwrap();
    let file = open_log(&folder, LOG_FILE).unwrap();
    tracing::subscriber::with_default(subscriber(filter, Sink::File(file)), || {
        tracing::error!(target: "defrost::glacier::download", "line at error");
        tracing::warn!(target: "defrost::glacier::download", "line at warn");
        tracing::info!(target: "defrost::tracking", "line at info");
        tracing::debug!(target: "defrost::store::import", "line at debug");
        tracing::trace!(target: "defrost::store::import", "line at trace");
        tracing::info!(target: "aws_smithy_runtime", "another crate at info");
    });
    std::fs::read_to_string(dir.path().join(LOG_FILE)).unwrap()
}

fn levels(log: &str) -> Vec<&'static str> {
    ["error", "warn", "info", "debug", "trace"]
        .into_iter()
        .filter(|level| log.contains(&format!("line at {level}")))
        .collect()
}

#[test]
fn the_screens_log_goes_to_its_file_in_plain_text() {
    let log = logged(filter(0, None).unwrap());
    assert_eq!(levels(&log), ["error", "warn", "info"], "{log}");
    assert!(
        log.contains(" WARN defrost::glacier::download: line at warn"),
        "{log}"
    );
    assert!(!log.contains("another crate"), "{log}");
    assert!(!log.contains('\u{1b}'), "{log:?}");
}

#[test]
fn each_v_logs_one_level_more_and_rust_log_chooses_instead() {
    assert_eq!(
        levels(&logged(filter(1, None).unwrap())),
        ["error", "warn", "info"]
    );
    let debug = ["error", "warn", "info", "debug"];
    assert_eq!(levels(&logged(filter(2, None).unwrap())), debug);
    let all = ["error", "warn", "info", "debug", "trace"];
    assert_eq!(levels(&logged(filter(3, None).unwrap())), all);
    assert_eq!(levels(&logged(filter(9, None).unwrap())), all);

    let log = logged(filter(3, Some("warn")).unwrap());
    assert_eq!(levels(&log), ["error", "warn"], "{log}");
    let log = logged(filter(0, Some("defrost::store=debug,aws_smithy_runtime=info")).unwrap());
    assert_eq!(levels(&log), ["debug"], "{log}");
    assert!(log.contains("another crate at info"), "{log}");
}

#[test]
fn a_rust_log_that_is_not_one_is_refused_naming_it_and_the_fix() {
    let err = filter(0, Some("defrost=loud")).unwrap_err();
    assert!(err.0.starts_with("RUST_LOG=defrost=loud: "), "{}", err.0);
    assert!(err.0.contains("defrost=debug"), "{}", err.0);
}

#[test]
fn a_log_over_the_limit_is_moved_aside_at_start_and_a_small_one_kept() {
    let dir = tempfile::tempdir().unwrap();
    let folder = ConfinedDir::open(dir.path()).unwrap();
    let path = dir.path().join(LOG_FILE);
    std::fs::write(&path, "kept\n").unwrap();
    let mut file = open_log(&folder, LOG_FILE).unwrap();
    std::io::Write::write_all(&mut file, b"appended\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "kept\nappended\n");
    assert!(!dir.path().join("defrost.log.1").exists());

    let big = vec![b'x'; ROTATE_OVER as usize + 1];
    std::fs::write(&path, &big).unwrap();
    std::fs::write(dir.path().join("defrost.log.1"), "the one before").unwrap();
    let mut file = open_log(&folder, LOG_FILE).unwrap();
    std::io::Write::write_all(&mut file, b"fresh\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "fresh\n");
    assert_eq!(
        std::fs::read(dir.path().join("defrost.log.1")).unwrap(),
        big
    );
}

#[cfg(unix)]
#[test]
fn a_link_in_the_logs_place_is_refused_and_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::write(&elsewhere, "not a log").unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::os::unix::fs::symlink(&elsewhere, data.join(LOG_FILE)).unwrap();
    let folder = ConfinedDir::open(&data).unwrap();
    let err = open_log(&folder, LOG_FILE).unwrap_err();
    assert!(matches!(err, ConfinedError::Link { .. }), "{err}");

    let err = open_chosen(&data.join(LOG_FILE)).unwrap_err();
    assert!(err.0.starts_with("--log-file "), "{}", err.0);
    assert!(err.0.contains("symbolic link"), "{}", err.0);
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "not a log");
}

#[test]
fn an_unusable_log_file_names_the_option_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let err = open_chosen(&dir.path().join("missing/defrost.log")).unwrap_err();
    assert!(err.0.starts_with("--log-file "), "{}", err.0);
    assert!(
        err.0
            .ends_with("give a file in a folder that exists and that you may write to")
    );

    let err = open_chosen(dir.path()).unwrap_err();
    assert!(err.0.contains("is not a regular file"), "{}", err.0);

    let chosen = dir.path().join("chosen.log");
    open_chosen(&chosen).unwrap();
    assert!(chosen.is_file());
}
