//! `defrost treehash`: print the SHA-256 tree hash of files, as Glacier computes it.

use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::domain::treehash::TreeHash;
use crate::hashing::{StreamHash, hash_reader};
use crate::input::{Accepts, InputPath, Unusable};
use crate::text::printable;

#[derive(Debug, clap::Args)]
pub struct TreehashArgs {
    /// Files to hash; `-` reads standard input (name a file called `-` as `./-`)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Print a JSON array of {"file", "size", "sha256_tree_hash"} objects
    #[arg(long)]
    pub json: bool,
}

/// One hashed file, as `--json` prints it.
#[derive(Debug, Serialize)]
struct HashedFile {
    file: String,
    size: u64,
    sha256_tree_hash: TreeHash,
}

pub fn run(_global: &GlobalOpts, args: TreehashArgs) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    let mut failures = Failures::default();
    let mut hashed = Vec::new();
    for path in &args.files {
        // The same safe name on the terminal and in JSON: a name could carry escape
        // sequences, and JSON escaping leaves C1 control characters as they are.
        let name = printable(&path.to_string_lossy());
        let stream = match hash_file(path) {
            Ok(stream) => stream,
            Err(failure) => {
                failures.record(failure);
                continue;
            }
        };
        if args.json {
            hashed.push(HashedFile {
                file: name,
                size: stream.size,
                sha256_tree_hash: stream.tree_hash,
            });
        } else if let Err(err) = writeln!(out, "{}  {name}", stream.tree_hash) {
            return stop_writing(err, failures);
        }
    }
    if args.json {
        let written = serde_json::to_writer_pretty(&mut out, &hashed)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out));
        if let Err(err) = written {
            return stop_writing(err, failures);
        }
    }
    failures.into_result()
}

fn hash_file(path: &Path) -> Result<StreamHash, Failure> {
    if path.as_os_str() == "-" {
        return hash_reader(io::stdin()).map_err(|err| Failure {
            message: format!("cannot read standard input: {err}; check what is piped in"),
            caused_by_input: false,
        });
    }
    let input = InputPath {
        path,
        what: "",
        directory_fix: "name the files inside it instead",
        accepts: Accepts::Stream,
    };
    let file = input.open().map_err(Failure::from)?;
    hash_reader(file).map_err(|err| input.failed(&err).into())
}

/// A file that could not be hashed: the sentence to print and whose fault it is.
struct Failure {
    message: String,
    caused_by_input: bool,
}

impl From<Unusable> for Failure {
    fn from(unusable: Unusable) -> Self {
        Failure {
            message: unusable.to_string(),
            caused_by_input: unusable.caused_by_input,
        }
    }
}

/// Files that could not be read, each reported in one line on stderr. The last is
/// held back and returned as the command's error, for main to print, so that it
/// also decides the exit code: 2 when every failure came from the input, else 1.
struct Failures {
    last: Option<Failure>,
    all_caused_by_input: bool,
}

impl Default for Failures {
    fn default() -> Self {
        Self {
            last: None,
            all_caused_by_input: true,
        }
    }
}

impl Failures {
    fn record(&mut self, failure: Failure) {
        self.all_caused_by_input &= failure.caused_by_input;
        if let Some(earlier) = self.last.replace(failure) {
            // Nothing better to do if stderr itself is closed.
            let _ = writeln!(io::stderr(), "defrost: {}", earlier.message);
        }
    }

    fn into_result(self) -> anyhow::Result<()> {
        match self.last {
            None => Ok(()),
            Some(last) if self.all_caused_by_input => Err(BadInput(last.message).into()),
            Some(last) => Err(anyhow::Error::msg(last.message)),
        }
    }
}

/// Ends the command when stdout fails. A closed pipe means the reader has seen
/// enough (`| head`), which is no error; failures so far are still reported.
fn stop_writing(err: io::Error, mut failures: Failures) -> anyhow::Result<()> {
    if err.kind() != ErrorKind::BrokenPipe {
        failures.record(Failure {
            message: format!(
                "cannot write the hashes to standard output: {err}; check the disk or pipe it writes to"
            ),
            caused_by_input: false,
        });
    }
    failures.into_result()
}
