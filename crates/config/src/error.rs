use std::fmt;
use std::path::Path;

/// A policy file that cannot be used, located to its line and column so the user can
/// fix it. Callers exit 2 on it: a security hook never runs with half a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    /// 1-based; 0 when the error is not tied to a position (an unreadable file).
    pub line: usize,
    /// 1-based, in characters; 0 with `line`.
    pub column: usize,
    pub message: String,
}

impl ConfigError {
    /// An error at a byte offset of `text`.
    pub fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> ConfigError {
        let (line, column) = line_column(text, offset);
        ConfigError { file: file.to_string(), line, column, message: message.into() }
    }

    /// A file that cannot be read.
    pub fn io(path: &Path, err: &std::io::Error) -> ConfigError {
        ConfigError {
            file: path.display().to_string(),
            line: 0,
            column: 0,
            message: format!("cannot read policy file: {err}"),
        }
    }

    /// Turns a TOML parse or deserialisation error (which carries a byte span into
    /// `text`) into a located error.
    pub fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> ConfigError {
        let offset = err.span().map(|s| s.start).unwrap_or(0);
        let message = err.message().trim().to_string();
        ConfigError::at(file, text, offset, message)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// Every error found in a set of policy files, in file order then position order. A
/// user fixes them in one pass rather than one per run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    pub fn iter(&self) -> std::slice::Iter<'_, ConfigError> {
        self.0.iter()
    }

    pub fn first(&self) -> Option<&ConfigError> {
        self.0.first()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn push(&mut self, error: ConfigError) {
        self.0.push(error);
    }

    pub fn extend(&mut self, errors: impl IntoIterator<Item = ConfigError>) {
        self.0.extend(errors);
    }

    /// Orders errors by file (in the order files first appear, which is the order of
    /// the layers) then by position, once errors from several readers are merged.
    pub fn sort(&mut self) {
        let mut files: Vec<String> = Vec::new();
        for e in &self.0 {
            if !files.contains(&e.file) {
                files.push(e.file.clone());
            }
        }
        self.0.sort_by_key(|e| (files.iter().position(|f| *f == e.file), e.line, e.column));
    }

    /// `Ok(value)` when no error was collected.
    pub fn into_result<T>(self, value: T) -> Result<T, ConfigErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<ConfigError> for ConfigErrors {
    fn from(error: ConfigError) -> Self {
        ConfigErrors(vec![error])
    }
}

impl IntoIterator for ConfigErrors {
    type Item = ConfigError;
    type IntoIter = std::vec::IntoIter<ConfigError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ConfigErrors {
    type Item = &'a ConfigError;
    type IntoIter = std::slice::Iter<'a, ConfigError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            e.fmt(f)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

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

    #[test]
    fn errors_display_one_per_line() {
        let errors = ConfigErrors(vec![
            ConfigError::at("p.toml", "a\nb\n", 2, "first"),
            ConfigError { file: "q.toml".into(), line: 0, column: 0, message: "unreadable".into() },
        ]);
        assert_eq!(errors.to_string(), "p.toml:2:1: first\nq.toml: unreadable");
        assert_eq!(errors.first().map(|e| e.line), Some(2));
        assert_eq!(errors.iter().count(), 2);
    }

    #[test]
    fn merged_errors_sort_by_file_then_position() {
        let at = |file: &str, offset: usize| ConfigError::at(file, "a\nb\nc\n", offset, "m");
        let mut errors = ConfigErrors(vec![at("org", 4), at("repo", 2), at("org", 0), at("repo", 0)]);
        errors.sort();
        let order: Vec<(String, usize)> = errors.iter().map(|e| (e.file.clone(), e.line)).collect();
        let expected = [("org", 1), ("org", 3), ("repo", 1), ("repo", 2)];
        assert_eq!(order, expected.map(|(f, l)| (f.to_string(), l)));
    }
}
