//! A small RFC 4180 CSV reader that remembers the physical line each field starts on.
//!
//! The operator's directory is a spreadsheet export, and every problem must be reported as
//! `FILE:line`, where `line` is the line an editor shows. A quoted field may contain line breaks,
//! so record numbers and line numbers differ; this reader counts physical lines itself. It is
//! written here rather than taken from the `csv` crate because that crate reports the line a
//! *record* starts on, not each field, and the whole reader is under a hundred lines.
//!
//! Accepted: `,` separators; fields quoted with `"` and `""` inside quotes for a literal quote;
//! line breaks `\r\n`, `\n` or a lone `\r`; a UTF-8 byte order mark at the start. Records whose
//! fields are all blank (empty lines, `,,,,` rows left by spreadsheets) are skipped.

use std::borrow::Cow;

use thiserror::Error;

/// One field of a record, with the physical (1-based) line it starts on. The text borrows from
/// the file unless unquoting changed it (`""` or a `\r\n` inside quotes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Field<'a> {
    pub text: Cow<'a, str>,
    pub line: usize,
}

/// One record: its fields and the line its first field starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Record<'a> {
    pub line: usize,
    pub fields: Vec<Field<'a>>,
}

/// A syntax error that makes the rest of the file unreadable.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub(crate) enum CsvError {
    #[error("a quoted field opened here is never closed (a \" is missing)")]
    UnterminatedQuote { line: usize },
    #[error(
        "unexpected character {found:?} after a closing quote (inside quotes write \"\" for a quote)"
    )]
    AfterClosingQuote { line: usize, found: char },
    #[error("a \" inside an unquoted field (quote the whole field and write \"\" for a quote)")]
    QuoteInUnquoted { line: usize },
}

impl CsvError {
    pub fn line(&self) -> usize {
        match self {
            CsvError::UnterminatedQuote { line }
            | CsvError::AfterClosingQuote { line, .. }
            | CsvError::QuoteInUnquoted { line } => *line,
        }
    }
}

/// Reads records one at a time, so a 50,000-row file is never held as a vector of strings.
/// After a syntax error it yields nothing more.
pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    failed: bool,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Reader<'a> {
        Reader {
            text: text.strip_prefix('\u{feff}').unwrap_or(text),
            pos: 0,
            line: 1,
            failed: false,
        }
    }

    /// Reads one record, blank or not, starting at `self.pos < len`. Separators and quotes are
    /// ASCII, so every index where the scan stops is a character boundary.
    fn record(&mut self) -> Result<Record<'a>, CsvError> {
        let b = self.text.as_bytes();
        let mut fields = Vec::new();
        loop {
            let line = self.line;
            let text = if b.get(self.pos) == Some(&b'"') {
                let start = self.pos + 1;
                let mut i = start;
                let mut rewrite = false;
                loop {
                    match b.get(i) {
                        None => return Err(CsvError::UnterminatedQuote { line }),
                        Some(b'"') if b.get(i + 1) == Some(&b'"') => {
                            rewrite = true;
                            i += 2;
                        }
                        Some(b'"') => break,
                        Some(b'\n') => {
                            self.line += 1;
                            i += 1;
                        }
                        Some(b'\r') => {
                            // Line breaks inside a field are kept as "\n"; "\r\n" is one line.
                            rewrite = true;
                            self.line += 1;
                            i += if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                        }
                        Some(_) => i += 1,
                    }
                }
                let raw = &self.text[start..i];
                self.pos = i + 1;
                // Spaces after a closing quote are harmless; anything else is ambiguous.
                while matches!(b.get(self.pos), Some(b' ' | b'\t')) {
                    self.pos += 1;
                }
                if !matches!(b.get(self.pos), None | Some(b',' | b'\n' | b'\r')) {
                    let found = self.text[self.pos..].chars().next().unwrap_or(' ');
                    return Err(CsvError::AfterClosingQuote {
                        line: self.line,
                        found,
                    });
                }
                if rewrite {
                    Cow::Owned(
                        raw.replace("\"\"", "\"")
                            .replace("\r\n", "\n")
                            .replace('\r', "\n"),
                    )
                } else {
                    Cow::Borrowed(raw)
                }
            } else {
                let start = self.pos;
                let mut i = start;
                while let Some(&c) = b.get(i) {
                    match c {
                        b',' | b'\n' | b'\r' => break,
                        b'"' => return Err(CsvError::QuoteInUnquoted { line }),
                        _ => i += 1,
                    }
                }
                self.pos = i;
                Cow::Borrowed(&self.text[start..i])
            };
            fields.push(Field { text, line });
            match b.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'\r') => {
                    self.pos += if b.get(self.pos + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                    self.line += 1;
                    break;
                }
                Some(_) => {
                    self.pos += 1;
                    self.line += 1;
                    break;
                }
                None => break,
            }
        }
        Ok(Record {
            line: fields[0].line,
            fields,
        })
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Record<'a>, CsvError>;

    /// The next record that has a non-blank field; empty lines and `,,,,` rows are skipped.
    fn next(&mut self) -> Option<Self::Item> {
        while !self.failed && self.pos < self.text.len() {
            match self.record() {
                Ok(r) if r.fields.iter().all(|f| f.text.trim().is_empty()) => continue,
                Ok(r) => return Some(Ok(r)),
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
        None
    }
}

/// Every record of `text`, or the first syntax error.
#[cfg(test)]
pub(crate) fn read(text: &str) -> Result<Vec<Record<'_>>, CsvError> {
    Reader::new(text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'r>(r: &'r Record<'_>) -> Vec<&'r str> {
        r.fields.iter().map(|f| f.text.as_ref()).collect()
    }

    #[test]
    fn plain_and_quoted_fields() {
        let recs = read("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n").unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(texts(&recs[0]), ["a", "b", "c"]);
        assert_eq!(texts(&recs[1]), ["1", "x, y", "say \"hi\""]);
        assert_eq!(recs[1].line, 2);
    }

    #[test]
    fn quoted_newlines_advance_the_physical_line() {
        let text = "h1,h2\r\nr1,\"two\r\nlines\"\r\nr2,\"three\nlong\nlines\"\nr3,x";
        let recs = read(text).unwrap();
        assert_eq!(
            recs.iter().map(|r| r.line).collect::<Vec<_>>(),
            [1, 2, 4, 7]
        );
        assert_eq!(recs[1].fields[1].text, "two\nlines");
        // A field after a multi-line field starts on the line where the quote closed.
        let recs = read("a,\"1\n2\",b\n").unwrap();
        assert_eq!(recs[0].fields[2].line, 2);
        // Unchanged fields borrow from the text; rewritten ones are owned.
        let recs = read("plain,\"quoted\",\"say \"\"hi\"\"\"").unwrap();
        assert!(matches!(recs[0].fields[0].text, Cow::Borrowed("plain")));
        assert!(matches!(recs[0].fields[1].text, Cow::Borrowed("quoted")));
        assert!(matches!(recs[0].fields[2].text, Cow::Owned(_)));
    }

    #[test]
    fn blank_rows_bom_and_missing_final_newline() {
        let recs = read("\u{feff}id,name\n\n,,\n7,x").unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(texts(&recs[0]), ["id", "name"]);
        assert_eq!(recs[1].line, 4);
        assert_eq!(texts(&recs[1]), ["7", "x"]);
        // An empty last field is still a field.
        assert_eq!(texts(&read("a,").unwrap()[0]), ["a", ""]);
    }

    #[test]
    fn syntax_errors_carry_their_line() {
        assert_eq!(
            read("a\n\"open\nstill open"),
            Err(CsvError::UnterminatedQuote { line: 2 })
        );
        assert_eq!(
            read("a\nb\n\"q\"x,1"),
            Err(CsvError::AfterClosingQuote {
                line: 3,
                found: 'x'
            })
        );
        assert_eq!(read("ab\"c"), Err(CsvError::QuoteInUnquoted { line: 1 }));
        // Nothing is read after an error.
        let mut reader = Reader::new("a\n\"x\"y\nb\n");
        assert!(reader.next().unwrap().is_ok());
        assert!(reader.next().unwrap().is_err());
        assert!(reader.next().is_none());
    }
}
