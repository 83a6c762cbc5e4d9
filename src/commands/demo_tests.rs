//! The demo's seed: the built-in one and a user's file are checked before
//! anything starts, a demo folder keeps to the seed it began from, and
//! `--reset` starts it over.

use super::*;

fn seed_file(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("class.toml");
    std::fs::write(&path, text).unwrap();
    path
}

const CLASS_SEED: &str =
    "[[vaults]]\nname = \"class\"\n\n[[vaults.archives]]\nname = \"a.bin\"\nsize = \"3MiB\"\n";

#[test]
fn the_built_in_seed_and_a_users_seed_are_read_and_a_bad_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let built_in = read_seed(None).unwrap();
    assert!(
        built_in
            .seed
            .vaults
            .iter()
            .any(|vault| vault.name == "family-photos")
    );
    let class = read_seed(Some(&seed_file(dir.path(), CLASS_SEED))).unwrap();
    assert_eq!(class.seed.vaults[0].name, "class");
    assert_ne!(class.fingerprint, built_in.fingerprint);

    let bad = read_seed(Some(&seed_file(dir.path(), "[[vaults]]\nnom = 1\n"))).unwrap_err();
    assert!(bad.0.contains("is not a valid seed"), "{}", bad.0);
    let missing = read_seed(Some(&dir.path().join("none.toml"))).unwrap_err();
    assert!(
        missing.0.contains("cannot read the seed file"),
        "{}",
        missing.0
    );
}

#[test]
fn a_demo_keeps_to_its_seed_until_reset() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let built_in = read_seed(None).unwrap();
    let class = read_seed(Some(&seed_file(dir.path(), CLASS_SEED))).unwrap();

    prepare_folder(&demo, &built_in, false).unwrap();
    // The sandbox and the cache now hold the built-in seed's state.
    std::fs::create_dir_all(demo.join("sandbox")).unwrap();
    std::fs::create_dir_all(demo.join("data")).unwrap();
    std::fs::write(demo.join("data/catalog"), "jobs").unwrap();
    std::fs::write(demo.join("tour.json"), "{\"step\": \"bulk\"}").unwrap();
    prepare_folder(&demo, &built_in, false).unwrap();
    assert!(demo.join("data/catalog").exists(), "the same seed goes on");
    assert!(
        demo.join("tour.json").exists(),
        "and the tour keeps its place"
    );

    let refused = prepare_folder(&demo, &class, false).unwrap_err();
    assert!(refused.to_string().contains("add --reset"), "{refused}");
    assert!(
        demo.join("data/catalog").exists(),
        "nothing lost on a refusal"
    );

    prepare_folder(&demo, &class, true).unwrap();
    assert!(!demo.join("sandbox").exists() && !demo.join("data").exists());
    assert!(!demo.join("tour.json").exists(), "the tour starts over too");
    assert_eq!(
        std::fs::read_to_string(demo.join(SEED_MARK)).unwrap(),
        class.fingerprint
    );
}

#[test]
fn a_demo_from_before_seeds_were_remembered_began_from_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sandbox")).unwrap();
    prepare_folder(dir.path(), &read_seed(None).unwrap(), false).unwrap();
    let class = read_seed(Some(&seed_file(dir.path(), CLASS_SEED))).unwrap();
    std::fs::remove_file(dir.path().join(SEED_MARK)).unwrap();
    assert!(prepare_folder(dir.path(), &class, false).is_err());
}
