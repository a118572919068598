//! The server's log (issue 19, item 1): `tracing` events written to
//! standard error, one line each, human-readable (`text`, the default) or
//! one JSON object a line (`json`, for a log collector). The level comes
//! from `TOUYAN_LOG` (an `EnvFilter` directive such as `info` or
//! `warn,access=info`), else `info`.
//!
//! The database drivers' own statement logs stay at `warn` whatever the
//! level asked: at `debug` they print statements with their bound values,
//! which include ID numbers, and nothing sensitive may reach a log.

use std::str::FromStr;

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Text,
    Json,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" | "文本" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            other => Err(format!("日志格式“{other}”无效：应为 text 或 json")),
        }
    }
}

/// The drivers that would log bound values below `warn`.
const QUIET: &[&str] = &["sqlx=warn", "sea_orm=warn", "sea_orm_migration=warn"];

/// The filter: `level` (else `info`), the drivers held at `warn`.
fn filter(level: Option<&str>) -> Result<EnvFilter, String> {
    let level = level
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or("info");
    let mut f = EnvFilter::try_new(level)
        .map_err(|e| format!("日志级别“{level}”无效（如 info、warn、debug）：{e}"))?;
    for q in QUIET {
        if let Ok(d) = q.parse() {
            f = f.add_directive(d);
        }
    }
    Ok(f)
}

/// Starts the log for this process; `level` as `TOUYAN_LOG` says it.
pub fn init(format: Format, level: Option<&str>) -> Result<(), String> {
    let filter = filter(level)?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true);
    let done = match format {
        Format::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        Format::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
    };
    done.map_err(|e| format!("无法启动日志：{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_read_and_bad_ones_refused() {
        assert_eq!("json".parse::<Format>(), Ok(Format::Json));
        assert_eq!(" Text ".parse::<Format>(), Ok(Format::Text));
        let e = "xml".parse::<Format>().unwrap_err();
        assert!(e.contains("xml") && e.contains("text 或 json"), "{e}");
    }

    #[test]
    fn the_drivers_stay_at_warn_whatever_is_asked() {
        let f = filter(Some("debug")).unwrap().to_string();
        for q in QUIET {
            assert!(f.contains(q), "{f}");
        }
        assert!(filter(None).unwrap().to_string().contains("info"));
        assert!(filter(Some("nonsense=[")).is_err());
    }
}
