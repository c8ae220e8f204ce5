//! A problem found while loading flows, texts or scripts, reported as `file:line:col: message`.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one file. Loading never stops at the first problem: every loader returns all
/// of them, so an operator fixes a broken flow file in one pass.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: u32,
    /// 1-based; 0 when unknown.
    pub col: u32,
    pub message: String,
}

impl Problem {
    pub fn new(file: &Path, line: u32, col: u32, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_owned(),
            line,
            col,
            message: message.into(),
        }
    }

    /// A problem about `file` at byte `offset` of `source`.
    pub fn at_offset(
        file: &Path,
        source: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Problem {
        let (line, col) = line_col(source, offset);
        Problem::new(file, line, col, message)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line.max(1),
            self.col.max(1),
            self.message
        )
    }
}

/// 1-based line and column (in characters) of byte `offset` in `source`.
pub fn line_col(source: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(source.len());
    let mut offset = offset;
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = source[line_start..offset].chars().count() + 1;
    (line as u32, col as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let s = "ab\ncdé\nf";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 3), (2, 1));
        assert_eq!(line_col(s, 7), (2, 4));
        assert_eq!(line_col(s, 100), (3, 2));
        let p = Problem::new(Path::new("flows/a.yaml"), 3, 7, "unknown step `x`");
        assert_eq!(p.to_string(), "flows/a.yaml:3:7: unknown step `x`");
    }
}
