//! `touyan evaluate CASE.json [--explain]`.
//!
//! Contract: on bad input, exit status 2, a message naming the JSON path on
//! stderr, and nothing on stdout. Output goes straight to stdout when stdout
//! is a regular file (and is cut back on error); otherwise (a pipe, a
//! terminal) it is held in memory until the whole case has been decided.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::os::fd::AsFd;
use std::path::Path;
use std::process::ExitCode;

use touyan_evaluate::{RunError, explain, prepare, run_input, with_results};

/// The case's bytes: a regular file is mapped into memory (the national
/// case is hundreds of megabytes and is only read), anything else is read.
enum CaseBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for CaseBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            CaseBytes::Mapped(m) => m,
            CaseBytes::Read(v) => v,
        }
    }
}

fn read_case(path: &Path) -> io::Result<CaseBytes> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::stdin().lock().read_to_end(&mut buf)?;
        return Ok(CaseBytes::Read(buf));
    }
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() && meta.len() > 0 {
        // SAFETY: the mapping is read-only and private to this short-lived
        // process; a case file changed by another program while it is being
        // evaluated is outside the contract (as it is for `read`, which
        // would see a torn file too).
        let map = unsafe { memmap2::Mmap::map(&file)? };
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Sequential);
        return Ok(CaseBytes::Mapped(map));
    }
    let mut buf = Vec::new();
    (&file).read_to_end(&mut buf)?;
    Ok(CaseBytes::Read(buf))
}

/// Stdout as a file when it is a regular file we may cut back.
fn stdout_file() -> Option<File> {
    let fd = io::stdout().as_fd().try_clone_to_owned().ok()?;
    let file = File::from(fd);
    file.metadata().ok()?.is_file().then_some(file)
}

/// Whether the file was opened with O_APPEND (`>>`).
fn appends(file: &File) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: F_GETFL on a descriptor we own for the call's duration reads
    // its flags and changes nothing.
    let flags = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETFL) };
    flags >= 0 && flags & libc::O_APPEND != 0
}

pub fn run(
    case: &Path,
    explain_mode: bool,
    policy: Option<&Path>,
    threads: Option<usize>,
) -> ExitCode {
    let policy = match crate::policy::load(policy) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("错误：{e}");
            return ExitCode::from(2);
        }
    };
    let input = match read_case(case) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("错误：无法读取案例 {}：{e}", case.display());
            return ExitCode::from(2);
        }
    };
    if explain_mode {
        let prepared = match prepare(&input, &policy) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        };
        return match with_results(&prepared, |towns| explain::report(&prepared, towns)) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(2)
            }
        };
    }

    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let failed = |e: RunError| -> ExitCode {
        match e {
            RunError::Case(e) => {
                eprintln!("{e}");
                ExitCode::from(2)
            }
            RunError::Io(e) => {
                eprintln!("错误：写出结果失败：{e}");
                ExitCode::from(1)
            }
        }
    };

    if let Some(mut file) = stdout_file() {
        // Where our output will begin: the end for a file opened to append
        // (`>>`), the current offset otherwise.
        let start = if appends(&file) {
            file.metadata().map(|m| m.len()).unwrap_or(0)
        } else {
            file.stream_position().unwrap_or(0)
        };
        // Towns arrive as chunks of tens of kilobytes: written as they come.
        let result = run_input(&input, &policy, threads, &mut file)
            .and_then(|()| file.flush().map_err(RunError::Io));
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                // Nothing on stdout: cut the file back to where it was.
                let _ = file.set_len(start);
                let _ = file.seek(io::SeekFrom::Start(start));
                failed(e)
            }
        };
    }

    let mut buf = Vec::new();
    match run_input(&input, &policy, threads, &mut buf) {
        Ok(()) => {
            let mut stdout = io::stdout().lock();
            match stdout.write_all(&buf).and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => failed(RunError::Io(e)),
            }
        }
        Err(e) => failed(e),
    }
}
