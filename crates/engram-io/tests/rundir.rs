//! Run directories replace an existing run only on commit.

use std::fs;
use std::path::Path;

use engram_io::RunDir;

/// Names in `dir`, sorted, so tests can assert that no hidden directory is left over.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

#[test]
fn commit_creates_the_final_directory() {
    let dir = tempfile::tempdir().unwrap();
    let final_path = dir.path().join("runs").join("first");
    let run = RunDir::create(&final_path).unwrap();
    fs::write(run.path().join("summary.json"), "{}\n").unwrap();
    let committed = run.commit().unwrap();
    assert_eq!(committed, final_path);
    assert_eq!(listing(&final_path), ["summary.json"]);
    assert_eq!(listing(&dir.path().join("runs")), ["first"]);
}

#[test]
fn commit_replaces_an_existing_directory_with_the_new_content() {
    let dir = tempfile::tempdir().unwrap();
    let final_path = dir.path().join("run");
    fs::create_dir(&final_path).unwrap();
    fs::write(final_path.join("old.txt"), "old").unwrap();
    fs::create_dir(final_path.join("old_sub")).unwrap();

    let run = RunDir::create(&final_path).unwrap();
    fs::write(run.path().join("new.txt"), "new").unwrap();
    // Until the commit the old run is intact.
    assert_eq!(listing(&final_path), ["old.txt", "old_sub"]);
    run.commit().unwrap();

    assert_eq!(listing(&final_path), ["new.txt"]);
    assert_eq!(fs::read_to_string(final_path.join("new.txt")).unwrap(), "new");
    assert_eq!(listing(dir.path()), ["run"], "no hidden directory left behind");
}

#[test]
fn dropped_run_leaves_existing_directory_untouched_and_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let final_path = dir.path().join("run");
    fs::create_dir(&final_path).unwrap();
    fs::write(final_path.join("old.txt"), "old").unwrap();

    let tmp = {
        let run = RunDir::create(&final_path).unwrap();
        fs::write(run.path().join("half.txt"), "partial").unwrap();
        assert_eq!(listing(dir.path()).len(), 2, "temporary sits next to the run");
        run.path().to_path_buf()
        // Dropped here without commit, as on an error or panic.
    };

    assert!(!tmp.exists());
    assert_eq!(listing(dir.path()), ["run"]);
    assert_eq!(listing(&final_path), ["old.txt"]);
    assert_eq!(fs::read_to_string(final_path.join("old.txt")).unwrap(), "old");
}

#[test]
fn dropped_run_without_existing_directory_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let final_path = dir.path().join("run");
    drop(RunDir::create(&final_path).unwrap());
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn panic_while_writing_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let final_path = dir.path().join("run");
    let result = std::panic::catch_unwind(|| {
        let run = RunDir::create(&final_path).unwrap();
        fs::write(run.path().join("x"), "x").unwrap();
        panic!("simulated failure mid-run");
    });
    assert!(result.is_err());
    assert!(listing(dir.path()).is_empty());
}
