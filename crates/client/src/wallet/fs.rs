//! Writing key files so that a failure never leaves one half-written.
//!
//! Every new file is first written in full to a temporary file beside it (same directory, so the
//! final rename stays on one filesystem and is atomic), flushed to disk, and only then renamed
//! over its final name. A command that writes several files stages them all before renaming
//! any, so a failure while writing (a full disk, a permission) leaves every old file as it was.
//! On unix, key files are created with mode 0600 and wallet directories with 0700 (bittensor
//! makes its files 0600 too).

use super::WalletError;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes the temporary files of one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// An I/O error on `path`.
pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WalletError + '_ {
    move |error| WalletError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Creates `dir` and its missing parents, new ones with mode 0700 on unix. Returns the
/// directories it created, deepest last, so a failed command can remove them again.
pub(crate) fn create_dirs(dir: &Path) -> Result<Vec<PathBuf>, WalletError> {
    let mut missing = Vec::new();
    let mut cursor = Some(dir);
    while let Some(path) = cursor {
        if path.as_os_str().is_empty() || path.exists() {
            break;
        }
        missing.push(path.to_path_buf());
        cursor = path.parent();
    }
    missing.reverse();
    for path in &missing {
        let mut builder = fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        match builder.create(path) {
            Ok(()) => {}
            // Another process made it meanwhile: fine, it is there.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => {}
            Err(e) => return Err(io(path)(e)),
        }
    }
    Ok(missing)
}

/// A file written in full under a temporary name, waiting to be renamed into place. Dropped
/// without [`Staged::commit`], it removes its temporary file.
pub(crate) struct Staged {
    temp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl Staged {
    /// Writes `contents` to a new temporary file beside `dest` (mode 0600) and syncs it.
    pub(crate) fn write(dest: &Path, contents: &[u8]) -> Result<Staged, WalletError> {
        let dir = dest.parent().unwrap_or(Path::new("."));
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        // A leading dot keeps the temporary file out of wallet and hotkey listings.
        let temp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let staged = Staged {
            temp,
            dest: dest.to_path_buf(),
            committed: false,
        };
        // Errors name the destination: the temporary name means nothing to the user.
        let mut file = options.open(&staged.temp).map_err(io(dest))?;
        // Staged now owns the temp file: an error below removes it on drop.
        file.write_all(contents).map_err(io(dest))?;
        file.sync_all().map_err(io(dest))?;
        Ok(staged)
    }

    /// Renames the temporary file over its destination (atomically replacing an old one).
    pub(crate) fn commit(mut self) -> Result<(), WalletError> {
        fs::rename(&self.temp, &self.dest).map_err(io(&self.dest))?;
        self.committed = true;
        // Make the rename itself durable; a failure here loses nothing already renamed.
        if let Some(dir) = self.dest.parent()
            && let Ok(handle) = File::open(dir)
        {
            let _ = handle.sync_all();
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Reads a whole key file; a missing one is `None` so callers can say how to create it.
pub(crate) fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, WalletError> {
    match fs::read(path) {
        Ok(data) => Ok(Some(data)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(path)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_files_appear_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("coldkey");
        fs::write(&dest, b"old").unwrap();
        let staged = Staged::write(&dest, b"new").unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"old");
        drop(staged);
        assert_eq!(fs::read(&dest).unwrap(), b"old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temp file left behind"
        );
        Staged::write(&dest, b"new").unwrap().commit().unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn directories_are_private_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a").join("b");
        let made = create_dirs(&deep).unwrap();
        assert_eq!(made, vec![dir.path().join("a"), deep.clone()]);
        assert!(create_dirs(&deep).unwrap().is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&deep).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700);
        }
        // A write into a missing directory fails cleanly.
        assert!(matches!(
            Staged::write(&dir.path().join("nope").join("f"), b"x"),
            Err(WalletError::Io { .. })
        ));
    }
}
