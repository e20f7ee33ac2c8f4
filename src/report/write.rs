//! Writing reports, SARIF files and baselines without ever leaving a half-written file:
//! the text goes to a temporary file in the target's directory, is flushed to disk, and
//! only then renamed over the target. A kill, a full disk or a concurrent run leaves either
//! the old file or the new one, never a mix or an empty file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replace `path` with `text` atomically.
pub fn write_atomic(path: &Path, text: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |f| f.write_all(text))
}

/// Replace `path` with what `fill` writes, atomically. When `fill` (or flushing) fails, the
/// temporary file is removed and `path` keeps its old content.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> io::Result<()>,
) -> io::Result<()> {
    let target = resolve_link(path);
    // `-o /dev/null`, `-o /dev/stderr`, a named pipe: write into it, never replace it.
    if std::fs::metadata(&target).is_ok_and(|m| !m.is_file()) {
        let mut f = std::fs::OpenOptions::new().write(true).open(&target)?;
        fill(&mut f)?;
        return f.flush();
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".skinflint-")
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    fill(tmp.as_file_mut())?;
    tmp.as_file_mut().flush()?;
    tmp.as_file().sync_all()?;
    set_permissions(tmp.as_file(), &target)?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// A symlinked report path is written through the link, so the link survives.
fn resolve_link(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)
            .or_else(|_| {
                std::fs::read_link(path).map(|t| path.parent().unwrap_or(Path::new(".")).join(t))
            })
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

/// The new file keeps the old one's permissions; a new file is readable by all, as
/// `std::fs::write` would make it under the usual umask (temporary files start private).
fn set_permissions(file: &std::fs::File, target: &Path) -> io::Result<()> {
    match std::fs::metadata(target) {
        Ok(m) => file.set_permissions(m.permissions()),
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                file.set_permissions(std::fs::Permissions::from_mode(0o644))
            }
            #[cfg(not(unix))]
            {
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".skinflint-"))
            .collect()
    }

    #[test]
    fn replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("baseline.json");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_failure_before_the_rename_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("baseline.json");
        std::fs::write(&p, "{\"old\": true}\n").unwrap();
        let err = write_atomic_with(&p, |f| {
            f.write_all(b"{\"half")?;
            Err(io::Error::other("killed mid-write"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "killed mid-write");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{\"old\": true}\n");
        assert!(leftovers(dir.path()).is_empty(), "temporary file removed");
    }

    #[test]
    fn a_missing_directory_is_an_error_and_nothing_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("no/such/dir/report.json");
        assert!(write_atomic(&p, b"x").is_err());
        assert!(!p.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_into_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        write_atomic(Path::new("/dev/null"), b"report").unwrap();
        let m = std::fs::metadata("/dev/null").unwrap();
        assert!(m.file_type().is_char_device());
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_a_symlink_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let fresh = dir.path().join("fresh.json");
        write_atomic(&fresh, b"x").unwrap();
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
    }
}
