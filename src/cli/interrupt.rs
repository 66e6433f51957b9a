//! Ctrl-C (and SIGTERM): the output folder being written is abandoned — its staging folder
//! removed, a previous output put back — before the process exits with 130.

use std::sync::{Arc, Mutex};

use pianura::report::OutputFolder;

/// The output folder a commit may be writing right now.
static CURRENT: Mutex<Option<Arc<OutputFolder>>> = Mutex::new(None);

/// Installs the handler once, at start.
pub fn install() {
    // A second install (tests calling run twice) fails harmlessly: the first handler serves.
    let _ = ctrlc::set_handler(|| {
        let folder = CURRENT.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(f) = folder {
            f.abandon();
        }
        eprintln!("pianura: interrupted");
        std::process::exit(130);
    });
}

/// Registers the folder the command will write, so an interrupt can clean up after it.
pub fn guard(folder: OutputFolder) -> Arc<OutputFolder> {
    let f = Arc::new(folder);
    *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = Some(f.clone());
    f
}
