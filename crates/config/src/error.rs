use std::fmt;
use std::path::Path;

/// A policy file that cannot be used, located to its line and column so the user can
/// fix it. Callers exit 2 on it: a security hook never runs with half a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub file: String,
    /// 1-based; 0 when the error is not tied to a position (an unreadable file).
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl PolicyError {
    /// An error at a byte offset of `text`.
    pub fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> PolicyError {
        let (line, column) = line_column(text, offset);
        PolicyError { file: file.to_string(), line, column, message: message.into() }
    }

    pub fn io(path: &Path, err: &std::io::Error) -> PolicyError {
        PolicyError {
            file: path.display().to_string(),
            line: 0,
            column: 0,
            message: format!("cannot read policy file: {err}"),
        }
    }

    /// Turns a TOML parse error (which carries a byte span) into a located error.
    pub fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> PolicyError {
        let offset = err.span().map(|s| s.start).unwrap_or(0);
        let message = err.message().trim().to_string();
        PolicyError::at(file, text, offset, message)
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for PolicyError {}

/// 1-based line and character column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one() {
        let text = "a = 1\nbé = x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        // 'é' is two bytes but one column.
        assert_eq!(line_column(text, 10), (2, 4));
    }
}
