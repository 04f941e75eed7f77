//! Output destinations: standard output, or a file that appears only once it is complete.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::fail::{CliResult, Fail};

/// Where results go. A regular file is written under a temporary name next to it and renamed
/// into place by [`Output::commit`], so a failed run never leaves a truncated file behind nor
/// clobbers a previous result. Other destinations (`/dev/stdout`, a pipe) are written directly.
pub struct Output {
    writer: BufWriter<Box<dyn Write>>,
    name: String,
    /// (temporary file, destination) while the file is not committed.
    pending: Option<(PathBuf, PathBuf)>,
}

impl Output {
    /// Standard output when `path` is `None` or `-`, else the file.
    ///
    /// The file (or its temporary twin) is created now, so an unwritable destination fails
    /// before any work is done.
    pub fn create(path: Option<&Path>) -> CliResult<Output> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output {
                writer: BufWriter::with_capacity(1 << 16, Box::new(io::stdout())),
                name: "standard output".into(),
                pending: None,
            });
        };
        let name = path.display().to_string();
        let direct = std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_file());
        if direct {
            let file = File::create(path).map_err(|e| Fail::io(format!("cannot write {name}"), &e))?;
            return Ok(Output { writer: BufWriter::with_capacity(1 << 16, Box::new(file)), name, pending: None });
        }
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if file_name.is_empty() {
            return Err(Fail::usage(format!("{name} is not a file name")));
        }
        let tmp = path.with_file_name(format!(".{file_name}.reprint-{}.tmp", std::process::id()));
        let file = File::create(&tmp).map_err(|e| Fail::io(format!("cannot write {name}"), &e))?;
        Ok(Output {
            writer: BufWriter::with_capacity(1 << 16, Box::new(file)),
            name,
            pending: Some((tmp, path.to_path_buf())),
        })
    }

    /// Writes one JSON value and a newline.
    pub fn json_line<T: serde::Serialize>(&mut self, value: &T) -> CliResult<()> {
        let name = &self.name;
        serde_json::to_writer(&mut self.writer, value).map_err(|e| match e.io_error_kind() {
            Some(io::ErrorKind::BrokenPipe) => Fail::BrokenPipe,
            _ => Fail::failed(format!("cannot write {name}: {e}")),
        })?;
        self.writer.write_all(b"\n").map_err(|e| Fail::io(format!("cannot write {name}"), &e))
    }

    /// Writes raw text.
    pub fn text(&mut self, text: &str) -> CliResult<()> {
        self.writer.write_all(text.as_bytes()).map_err(|e| Fail::io(format!("cannot write {}", self.name), &e))
    }

    /// Flushes and, for a file, moves it into place.
    pub fn commit(mut self) -> CliResult<()> {
        self.writer.flush().map_err(|e| Fail::io(format!("cannot write {}", self.name), &e))?;
        if let Some((tmp, dest)) = self.pending.take() {
            if let Err(e) = std::fs::rename(&tmp, &dest) {
                let _ = std::fs::remove_file(&tmp);
                return Err(Fail::io(format!("cannot write {}", self.name), &e));
            }
        }
        Ok(())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Some((tmp, _)) = self.pending.take() {
            // Not committed: the run failed, and the partial file must not remain.
            let _ = std::fs::remove_file(tmp);
        }
    }
}
