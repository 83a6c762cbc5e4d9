//! The demo's side of the guided tour: the screen asks through
//! [`DemoControls`] and this changes the sandbox running in this process, as
//! its admin API or PurchaseProvisionedCapacity would.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use time::OffsetDateTime;

use crate::sandbox::faults::{FaultKind, FaultSpec, Uses};
use crate::sandbox::jobs::purchase_capacity;
use crate::sandbox::server::SharedState;
use crate::tui::effects::tour::DemoControls;

/// Where the tour keeps its place: in the demo's folder, so `--reset` forgets it.
pub const TOUR_FILE: &str = "tour.json";

pub fn tour_file(demo_dir: &Path) -> PathBuf {
    demo_dir.join(TOUR_FILE)
}

/// The in-process sandbox, and the faults the tour added to it.
pub struct SandboxControls {
    shared: SharedState,
    added: Mutex<Vec<u64>>,
}

impl SandboxControls {
    pub fn new(shared: SharedState) -> SandboxControls {
        SandboxControls {
            shared,
            added: Mutex::new(Vec::new()),
        }
    }

    /// The ids of the faults added; plain data, so a panic elsewhere cannot
    /// leave it torn.
    fn added(&self) -> std::sync::MutexGuard<'_, Vec<u64>> {
        self.added
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl DemoControls for SandboxControls {
    fn provide_expedited_capacity(&self) -> Result<(), String> {
        let now = OffsetDateTime::now_utc();
        let has_some =
            (self.shared.lock(now).provisioned_capacity.iter()).any(|unit| unit.expiration > now);
        if has_some {
            return Ok(());
        }
        self.shared
            .change(now, |state| purchase_capacity(state, now))
            .map(|_| ())
            .map_err(|err| format!("the demo could not buy capacity: {}", err.message))
    }

    fn corrupt_output(&self, job_ids: &[String]) -> Result<(), String> {
        let mut book = self.shared.faults.lock();
        let mut added = self.added();
        for job_id in job_ids {
            // The output's first byte: every download of it holds that byte,
            // and a lasting fault makes every refetch fail the same way.
            let spec = FaultSpec {
                job_id: Some(job_id.clone()),
                uses: Uses::Always,
                ..FaultSpec::once(FaultKind::FlipByte {
                    offset: 0,
                    xor: 0xFF,
                })
            };
            let id = book
                .add(spec)
                .map_err(|err| format!("the demo could not flip a byte: {err}"))?;
            added.push(id);
        }
        Ok(())
    }

    fn uncorrupt(&self) -> Result<(), String> {
        let mut book = self.shared.faults.lock();
        for id in self.added().drain(..) {
            book.remove(id);
        }
        Ok(())
    }
}
