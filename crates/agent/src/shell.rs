//! A command line read the way a POSIX shell reads it, so that `git commit '--no-verify'`,
//! `git commit --no-ver\ify` and `c=commit; git $c -n` are one command, not three
//! strings to match. It parses quotes (`'…'`, `"…"`, `$'…'`), backslash escapes and
//! backslash-newline, comments, operators (`;` `&&` `||` `|` `&`, newlines), subshells
//! and groups, redirections, here-documents and here-strings, and parameter and command
//! substitution (`$X`, `${X}`, `$(…)`, backticks, `<(…)`), whose inner command lines are
//! parsed too. It never fails: what a shell would refuse is read as best it can be,
//! and the caller judges what it could not understand.
//!
//! Expansion (what `$c` holds) is the caller's: [`crate::analyze`] walks the parsed
//! script with the variables assigned so far.

/// How deep substitutions nest before the rest is taken as opaque text (a hostile
/// line must not exhaust the stack).
const MAX_DEPTH: usize = 32;

/// A parsed command line: pipelines in order, whatever separates them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub pipelines: Vec<Pipeline>,
    /// Whether something in it nests too deep to be read (it is then uncertain).
    pub too_deep: bool,
}

/// Commands connected by `|`: each stage's output feeds the next one's input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pipeline {
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Command(Command),
    /// `( … )`: a subshell (its assignments and `cd` do not outlive it).
    Subshell(Script),
}

/// A simple command: assignments, words, redirections, here-documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Command {
    /// `NAME=value` words before the command name.
    pub assignments: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    /// Text fed to the command's standard input by `<<` or `<<<`.
    pub stdin_texts: Vec<Word>,
}

/// A redirection: `>`, `>>`, `>|`, `&>`, `&>>`, `<>` write their target; `<` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub op: String,
    pub target: Word,
}

impl Redirect {
    /// Whether the redirection writes (or truncates) its target.
    pub fn writes(&self) -> bool {
        self.op.contains('>') && !self.op.ends_with('&')
    }
}

/// A word as the shell will expand it: literal text, parameters and substitutions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Word {
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text; `quoted` when it came from quotes (it is not split into words).
    Text { text: String, quoted: bool },
    /// `$NAME`, `${NAME}`, `$1`, `$@`; `name` is empty for a form tollgate does not
    /// evaluate (`${X:-y}`, `$((…))`), whose value is unknown.
    Param { name: String, quoted: bool },
    /// `$(…)` or backticks: the inner command line runs, its output is the value.
    Subst { script: Script, quoted: bool },
    /// `<(…)` or `>(…)`: the inner command line runs; the word is a path to a pipe.
    ProcSubst { script: Script },
}

impl Word {
    /// The word's literal value, when it has no parameter or substitution.
    pub fn literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text { text, .. } => out.push_str(text),
                _ => return None,
            }
        }
        Some(out)
    }

    /// The scripts its substitutions run.
    pub fn scripts(&self) -> impl Iterator<Item = &Script> {
        self.parts.iter().filter_map(|p| match p {
            Part::Subst { script, .. } | Part::ProcSubst { script } => Some(script),
            _ => None,
        })
    }

    /// Whether the word was quoted at all (`"$X"` is one word however `X` splits).
    pub fn has_quotes(&self) -> bool {
        self.parts.iter().any(|p| match p {
            Part::Text { quoted, .. } | Part::Param { quoted, .. } | Part::Subst { quoted, .. } => *quoted,
            Part::ProcSubst { .. } => false,
        })
    }
}

/// Parses a command line.
pub fn parse(line: &str) -> Script {
    parse_at_depth(line, 0)
}

fn parse_at_depth(line: &str, depth: usize) -> Script {
    let chars: Vec<char> = line.chars().collect();
    let mut p = Parser { chars: &chars, i: 0, depth, pending: Vec::new(), too_deep: false };
    let mut script = p.script(None);
    script.too_deep |= p.too_deep;
    script
}

/// A here-document whose body starts at the next newline.
struct PendingHeredoc {
    delimiter: String,
    strip_tabs: bool,
    expands: bool,
    /// Where its body goes: (pipeline, stage) of the script being read.
    at: (usize, usize),
}

struct Parser<'a> {
    chars: &'a [char],
    i: usize,
    depth: usize,
    pending: Vec<PendingHeredoc>,
    too_deep: bool,
}

enum Token {
    Word(Word),
    /// `;`, `&`, `&&`, `||`, `;;`, a newline: ends a pipeline.
    Separator,
    Pipe,
    Open,
    Close,
    Redirect(String),
    End,
}

const OPERATOR_CHARS: &str = ";&|()<> \t\n";

impl Parser<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    /// Reads pipelines until the end, or the `close` character at this level.
    fn script(&mut self, close: Option<char>) -> Script {
        let mut script = Script::default();
        let mut pipeline = Pipeline::default();
        let mut command = Command::default();
        let mut started = false;
        loop {
            let token = self.token(close);
            match token {
                Token::Word(w) => {
                    if !started && command.words.is_empty() {
                        if let Some((name, value)) = assignment(&w) {
                            command.assignments.push((name, value));
                            continue;
                        }
                    }
                    started = true;
                    command.words.push(w);
                }
                Token::Redirect(op) => {
                    started = true;
                    self.skip_blanks();
                    if op == "<<" || op == "<<-" {
                        let raw = self.word_raw_for_heredoc();
                        let expands = !raw.contains(['\'', '"', '\\']);
                        let delimiter: String = raw.chars().filter(|c| !matches!(c, '\'' | '"' | '\\')).collect();
                        let at = (script.pipelines.len(), pipeline.stages.len());
                        self.pending.push(PendingHeredoc { delimiter, strip_tabs: op == "<<-", expands, at });
                        command.stdin_texts.push(Word::default());
                    } else if let Token::Word(target) = self.token(close) {
                        if op == "<<<" {
                            command.stdin_texts.push(target);
                        } else {
                            command.redirects.push(Redirect { op, target });
                        }
                    }
                }
                Token::Pipe => {
                    finish_stage(&mut pipeline, &mut command);
                    started = false;
                }
                Token::Separator => {
                    finish_stage(&mut pipeline, &mut command);
                    if !pipeline.stages.is_empty() {
                        script.pipelines.push(std::mem::take(&mut pipeline));
                    }
                    started = false;
                    if self.peek(0).is_none() || self.chars.get(self.i.wrapping_sub(1)) == Some(&'\n') {
                        self.read_heredocs(&mut script);
                    }
                }
                Token::Open => {
                    finish_stage(&mut pipeline, &mut command);
                    started = false;
                    if self.depth >= MAX_DEPTH {
                        self.too_deep = true;
                        self.skip_to_close();
                        continue;
                    }
                    self.depth += 1;
                    let inner = self.script(Some(')'));
                    self.depth -= 1;
                    pipeline.stages.push(Stage::Subshell(inner));
                }
                Token::Close | Token::End => {
                    finish_stage(&mut pipeline, &mut command);
                    if !pipeline.stages.is_empty() {
                        script.pipelines.push(pipeline);
                    }
                    self.read_heredocs(&mut script);
                    return script;
                }
            }
        }
    }

    /// Reads the bodies of the here-documents opened on the line just ended.
    fn read_heredocs(&mut self, script: &mut Script) {
        for doc in std::mem::take(&mut self.pending) {
            let mut body = String::new();
            while self.i < self.chars.len() {
                let end = (self.i..self.chars.len()).find(|&j| self.chars[j] == '\n').unwrap_or(self.chars.len());
                let line: String = self.chars[self.i..end].iter().collect();
                self.i = (end + 1).min(self.chars.len());
                let bare = if doc.strip_tabs { line.trim_start_matches('\t') } else { line.as_str() };
                if bare == doc.delimiter {
                    break;
                }
                body.push_str(bare);
                body.push('\n');
            }
            let word = if doc.expands {
                // Parameters and substitutions in the body expand; quotes are literal.
                let chars: Vec<char> = body.chars().collect();
                let mut inner =
                    Parser { chars: &chars, i: 0, depth: self.depth + 1, pending: Vec::new(), too_deep: false };
                let w = inner.heredoc_word();
                self.too_deep |= inner.too_deep;
                w
            } else {
                Word { parts: vec![Part::Text { text: body, quoted: true }] }
            };
            let (p, s) = doc.at;
            if let Some(Stage::Command(c)) = script.pipelines.get_mut(p).and_then(|pl| pl.stages.get_mut(s)) {
                if let Some(slot) = c.stdin_texts.iter_mut().find(|w| w.parts.is_empty()) {
                    *slot = word;
                }
            }
        }
    }

    fn skip_blanks(&mut self) {
        loop {
            match self.peek(0) {
                Some(' ' | '\t') => self.i += 1,
                Some('\\') if self.peek(1) == Some('\n') => self.i += 2,
                _ => return,
            }
        }
    }

    fn skip_to_close(&mut self) {
        let mut level = 1usize;
        while let Some(c) = self.peek(0) {
            self.i += 1;
            match c {
                '(' => level += 1,
                ')' => {
                    level -= 1;
                    if level == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// The raw text of a here-document's delimiter word.
    fn word_raw_for_heredoc(&mut self) -> String {
        let start = self.i;
        while let Some(c) = self.peek(0) {
            if c.is_whitespace() || ";&|()<>".contains(c) {
                break;
            }
            self.i += 1;
        }
        self.chars[start..self.i].iter().collect()
    }

    fn token(&mut self, close: Option<char>) -> Token {
        self.skip_blanks();
        let Some(c) = self.peek(0) else { return Token::End };
        match c {
            '#' => {
                while let Some(c) = self.peek(0) {
                    if c == '\n' {
                        break;
                    }
                    self.i += 1;
                }
                self.token(close)
            }
            '\n' => {
                self.i += 1;
                Token::Separator
            }
            ';' => {
                self.i += if self.peek(1) == Some(';') { 2 } else { 1 };
                Token::Separator
            }
            '&' => {
                if self.peek(1) == Some('&') {
                    self.i += 2;
                    Token::Separator
                } else if self.peek(1) == Some('>') {
                    self.i += 2;
                    if self.peek(0) == Some('>') {
                        self.i += 1;
                        return Token::Redirect("&>>".into());
                    }
                    Token::Redirect("&>".into())
                } else {
                    self.i += 1;
                    Token::Separator
                }
            }
            '|' => {
                if self.peek(1) == Some('|') {
                    self.i += 2;
                    Token::Separator
                } else {
                    self.i += if self.peek(1) == Some('&') { 2 } else { 1 };
                    Token::Pipe
                }
            }
            '(' => {
                self.i += 1;
                Token::Open
            }
            ')' => {
                self.i += 1;
                if close == Some(')') {
                    Token::Close
                } else {
                    // A stray `)` (a `case` pattern, say): read on.
                    Token::Separator
                }
            }
            '<' | '>' if self.peek(1) == Some('(') => Token::Word(self.word()),
            '<' | '>' => Token::Redirect(self.redirect_op()),
            d if d.is_ascii_digit() && self.is_fd_redirect() => {
                while self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
                Token::Redirect(self.redirect_op())
            }
            _ => Token::Word(self.word()),
        }
    }

    /// `2>file`, `1>&2`: digits directly before a redirection.
    fn is_fd_redirect(&self) -> bool {
        let mut j = self.i;
        while self.chars.get(j).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
        }
        matches!(self.chars.get(j), Some('<' | '>')) && self.chars.get(j + 1) != Some(&'(')
    }

    fn redirect_op(&mut self) -> String {
        let mut op = String::new();
        let first = self.chars[self.i];
        op.push(first);
        self.i += 1;
        match (first, self.peek(0)) {
            ('<', Some('<')) => {
                op.push('<');
                self.i += 1;
                match self.peek(0) {
                    Some('<') | Some('-') => {
                        op.push(self.chars[self.i]);
                        self.i += 1;
                    }
                    _ => {}
                }
            }
            ('>', Some('>' | '|' | '&')) | ('<', Some('>' | '&')) => {
                op.push(self.chars[self.i]);
                self.i += 1;
            }
            _ => {}
        }
        op
    }

    /// One word, up to an unquoted blank or operator.
    fn word(&mut self) -> Word {
        let mut word = Word::default();
        let mut text = String::new();
        let flush = |word: &mut Word, text: &mut String| {
            if !text.is_empty() {
                word.parts.push(Part::Text { text: std::mem::take(text), quoted: false });
            }
        };
        while let Some(c) = self.peek(0) {
            match c {
                '<' | '>' if self.peek(1) == Some('(') && text.is_empty() && word.parts.is_empty() => {
                    self.i += 2;
                    let script = self.nested(')');
                    word.parts.push(Part::ProcSubst { script });
                }
                c if OPERATOR_CHARS.contains(c) => break,
                '\\' => {
                    match self.peek(1) {
                        Some('\n') => {}
                        Some(next) => text.push(next),
                        None => {}
                    }
                    self.i += 2;
                }
                '\'' => {
                    flush(&mut word, &mut text);
                    self.i += 1;
                    let start = self.i;
                    while self.peek(0).is_some_and(|c| c != '\'') {
                        self.i += 1;
                    }
                    let t: String = self.chars[start..self.i.min(self.chars.len())].iter().collect();
                    self.i += 1;
                    word.parts.push(Part::Text { text: t, quoted: true });
                }
                '$' if self.peek(1) == Some('\'') => {
                    flush(&mut word, &mut text);
                    self.i += 2;
                    let t = self.ansi_c();
                    word.parts.push(Part::Text { text: t, quoted: true });
                }
                '"' => {
                    flush(&mut word, &mut text);
                    self.i += 1;
                    self.double_quoted(&mut word);
                }
                '$' | '`' => {
                    flush(&mut word, &mut text);
                    if let Some(part) = self.dollar(false) {
                        word.parts.push(part);
                    } else {
                        text.push('$');
                    }
                }
                _ => {
                    text.push(c);
                    self.i += 1;
                }
            }
        }
        flush(&mut word, &mut text);
        word
    }

    /// The body of `"…"` (the opening quote read).
    fn double_quoted(&mut self, word: &mut Word) {
        let mut text = String::new();
        while let Some(c) = self.peek(0) {
            match c {
                '"' => {
                    self.i += 1;
                    break;
                }
                '\\' => {
                    match self.peek(1) {
                        Some('\n') => {}
                        Some(n @ ('$' | '`' | '"' | '\\')) => text.push(n),
                        Some(n) => {
                            text.push('\\');
                            text.push(n);
                        }
                        None => text.push('\\'),
                    }
                    self.i += 2;
                }
                '$' | '`' => {
                    if !text.is_empty() {
                        word.parts.push(Part::Text { text: std::mem::take(&mut text), quoted: true });
                    }
                    match self.dollar(true) {
                        Some(part) => word.parts.push(part),
                        None => text.push('$'),
                    }
                }
                _ => {
                    text.push(c);
                    self.i += 1;
                }
            }
        }
        // An empty "" is still a word.
        word.parts.push(Part::Text { text, quoted: true });
    }

    /// A here-document body that expands: `$X` and `$(…)` are read, the rest is text.
    fn heredoc_word(&mut self) -> Word {
        let mut word = Word::default();
        let mut text = String::new();
        while let Some(c) = self.peek(0) {
            match c {
                '\\' if matches!(self.peek(1), Some('$' | '`' | '\\')) => {
                    text.push(self.chars[self.i + 1]);
                    self.i += 2;
                }
                '\\' if self.peek(1) == Some('\n') => self.i += 2,
                '$' | '`' => {
                    if !text.is_empty() {
                        word.parts.push(Part::Text { text: std::mem::take(&mut text), quoted: true });
                    }
                    match self.dollar(true) {
                        Some(part) => word.parts.push(part),
                        None => text.push('$'),
                    }
                }
                _ => {
                    text.push(c);
                    self.i += 1;
                }
            }
        }
        word.parts.push(Part::Text { text, quoted: true });
        word
    }

    /// `$NAME`, `${…}`, `$(…)`, `$((…))` or a backtick substitution at the cursor;
    /// `None` for a lone `$` (the cursor then moves past it).
    fn dollar(&mut self, quoted: bool) -> Option<Part> {
        if self.peek(0) == Some('`') {
            self.i += 1;
            let mut inner = String::new();
            while let Some(c) = self.peek(0) {
                self.i += 1;
                match c {
                    '`' => break,
                    '\\' => {
                        if let Some(n) = self.peek(0) {
                            if !matches!(n, '$' | '`' | '\\') {
                                inner.push('\\');
                            }
                            inner.push(n);
                            self.i += 1;
                        }
                    }
                    _ => inner.push(c),
                }
            }
            return Some(self.subst_of(&inner, quoted));
        }
        self.i += 1; // the `$`
        match self.peek(0) {
            Some('(') if self.peek(1) == Some('(') => {
                self.i += 2;
                self.skip_to_close();
                self.skip_to_close();
                Some(Part::Param { name: String::new(), quoted })
            }
            Some('(') => {
                self.i += 1;
                let script = self.nested(')');
                Some(Part::Subst { script, quoted })
            }
            Some('{') => {
                self.i += 1;
                let start = self.i;
                while self.peek(0).is_some_and(|c| c != '}') {
                    self.i += 1;
                }
                let inner: String = self.chars[start..self.i.min(self.chars.len())].iter().collect();
                self.i += 1;
                let simple = !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                Some(Part::Param { name: if simple { inner } else { String::new() }, quoted })
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let start = self.i;
                while self.peek(0).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    self.i += 1;
                }
                Some(Part::Param { name: self.chars[start..self.i].iter().collect(), quoted })
            }
            Some(c) if c.is_ascii_digit() || "@*#?$!-".contains(c) => {
                self.i += 1;
                Some(Part::Param { name: c.to_string(), quoted })
            }
            _ => None,
        }
    }

    fn subst_of(&mut self, inner: &str, quoted: bool) -> Part {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return Part::Param { name: String::new(), quoted };
        }
        let script = parse_at_depth(inner, self.depth + 1);
        self.too_deep |= script.too_deep;
        Part::Subst { script, quoted }
    }

    /// A nested command line up to its closing `)` (the opening one read).
    fn nested(&mut self, close: char) -> Script {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            self.skip_to_close();
            return Script { pipelines: Vec::new(), too_deep: true };
        }
        let saved = std::mem::take(&mut self.pending);
        self.depth += 1;
        let script = self.script(Some(close));
        self.depth -= 1;
        self.pending = saved;
        script
    }

    /// The body of `$'…'` (the opening `$'` read), its escapes decoded.
    fn ansi_c(&mut self) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek(0) {
            self.i += 1;
            match c {
                '\'' => break,
                '\\' => {
                    let Some(e) = self.peek(0) else { break };
                    self.i += 1;
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'a' => out.push('\x07'),
                        'b' => out.push('\x08'),
                        'e' | 'E' => out.push('\x1b'),
                        'f' => out.push('\x0c'),
                        'v' => out.push('\x0b'),
                        'x' => out.push(self.number(16, 2).unwrap_or('x')),
                        'u' => out.push(self.number(16, 4).unwrap_or('u')),
                        'U' => out.push(self.number(16, 8).unwrap_or('U')),
                        '0'..='7' => {
                            self.i -= 1;
                            out.push(self.number(8, 3).unwrap_or('0'));
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
        out
    }

    fn number(&mut self, radix: u32, max: usize) -> Option<char> {
        let start = self.i;
        while self.i - start < max && self.peek(0).is_some_and(|c| c.is_digit(radix)) {
            self.i += 1;
        }
        let digits: String = self.chars[start..self.i].iter().collect();
        u32::from_str_radix(&digits, radix).ok().and_then(char::from_u32)
    }
}

/// Ends the simple command being read, if it has anything in it.
fn finish_stage(pipeline: &mut Pipeline, command: &mut Command) {
    let empty = command.words.is_empty()
        && command.assignments.is_empty()
        && command.redirects.is_empty()
        && command.stdin_texts.is_empty();
    if !empty {
        pipeline.stages.push(Stage::Command(std::mem::take(command)));
    }
}

/// `NAME=value` (or `NAME+=value`) with an unquoted name: an assignment word.
fn assignment(word: &Word) -> Option<(String, Word)> {
    let Some(Part::Text { text, quoted: false }) = word.parts.first() else { return None };
    let eq = text.find('=')?;
    let name = text[..eq].strip_suffix('+').unwrap_or(&text[..eq]);
    let mut chars = name.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    let mut value = Word::default();
    let rest = &text[eq + 1..];
    if !rest.is_empty() {
        value.parts.push(Part::Text { text: rest.to_string(), quoted: false });
    }
    value.parts.extend(word.parts[1..].iter().cloned());
    Some((name.to_string(), value))
}

/// Quotes a word for a shell (for rebuilding a command line from words).
pub fn quote(word: &str) -> String {
    if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c)) {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The literal words of each simple command, in order (a word that is not literal
    /// shows as `?`).
    fn words(line: &str) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        fn walk(script: &Script, out: &mut Vec<Vec<String>>) {
            for p in &script.pipelines {
                for s in &p.stages {
                    match s {
                        Stage::Command(c) => {
                            out.push(c.words.iter().map(|w| w.literal().unwrap_or_else(|| "?".into())).collect());
                            for w in &c.words {
                                for inner in w.scripts() {
                                    walk(inner, out);
                                }
                            }
                        }
                        Stage::Subshell(inner) => walk(inner, out),
                    }
                }
            }
        }
        walk(&parse(line), &mut out);
        out
    }

    fn first(line: &str) -> Command {
        match &parse(line).pipelines[0].stages[0] {
            Stage::Command(c) => c.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn quotes_and_escapes_make_one_word() {
        assert_eq!(words("git commit '--no-verify'"), [["git", "commit", "--no-verify"]]);
        assert_eq!(words("git commit --no-ver\\ify"), [["git", "commit", "--no-verify"]]);
        assert_eq!(words("git commit \"--no\"-'verify'"), [["git", "commit", "--no-verify"]]);
        assert_eq!(words("echo \"a \\\"b\\\" \\n\""), [["echo", "a \"b\" \\n"]]);
    }

    #[test]
    fn backslash_newline_joins_lines() {
        assert_eq!(words("git commit --no-\\\nverify"), [["git", "commit", "--no-verify"]]);
        assert_eq!(words("git \\\n  push"), [["git", "push"]]);
    }

    #[test]
    fn ansi_c_quotes_decode_their_escapes() {
        assert_eq!(words("git $'\\x63ommit' $'-\\156'"), [["git", "commit", "-n"]]);
        assert_eq!(words("echo $'a\\'b'"), [["echo", "a'b"]]);
    }

    #[test]
    fn comments_end_at_the_line() {
        assert_eq!(words("ls # git push --no-verify\necho a#b"), [vec!["ls"], vec!["echo", "a#b"]]);
    }

    #[test]
    fn operators_separate_commands() {
        assert_eq!(
            words("a; b && c || d | e & f\ng"),
            [["a"], ["b"], ["c"], ["d"], ["e"], ["f"], ["g"]].map(|w| w.map(String::from).to_vec())
        );
        let s = parse("cat x | sh");
        assert_eq!(s.pipelines.len(), 1);
        assert_eq!(s.pipelines[0].stages.len(), 2);
    }

    #[test]
    fn subshells_and_groups_are_read_inside() {
        assert_eq!(words("(cd x && git push)"), [vec!["cd", "x"], vec!["git", "push"]]);
        assert_eq!(words("{ git commit -n; }"), [vec!["{", "git", "commit", "-n"], vec!["}"]]);
    }

    #[test]
    fn substitutions_are_parsed_too() {
        assert_eq!(words("echo $(git commit -n)"), [vec!["echo", "?"], vec!["git", "commit", "-n"]]);
        assert_eq!(words("echo \"`git push --no-verify`\""), [vec!["echo", "?"], vec!["git", "push", "--no-verify"]]);
        assert_eq!(words("bash <(curl -s u)"), [vec!["bash", "?"], vec!["curl", "-s", "u"]]);
    }

    #[test]
    fn assignments_before_a_command_are_kept_apart() {
        let c = first("GIT_CONFIG_COUNT=1 HUSKY=\"0\" git commit");
        let names: Vec<_> = c.assignments.iter().map(|(n, v)| (n.as_str(), v.literal().unwrap())).collect();
        assert_eq!(names, [("GIT_CONFIG_COUNT", "1".to_string()), ("HUSKY", "0".to_string())]);
        assert_eq!(c.words.len(), 2);
        // After the command name, `a=b` is an argument.
        assert_eq!(first("git -c a=b x").assignments.len(), 0);
    }

    #[test]
    fn parameters_are_parts_of_words() {
        let c = first("git $c \"${d}x\" ${e:-f}");
        assert_eq!(c.words[1].parts, [Part::Param { name: "c".into(), quoted: false }]);
        assert_eq!(c.words[2].parts[0], Part::Param { name: "d".into(), quoted: true });
        assert_eq!(c.words[3].parts, [Part::Param { name: String::new(), quoted: false }]);
    }

    #[test]
    fn redirections_name_their_targets() {
        let c = first("echo x >> .git/hooks/pre-commit 2>/dev/null <in");
        let ops: Vec<_> =
            c.redirects.iter().map(|r| (r.op.as_str(), r.target.literal().unwrap(), r.writes())).collect();
        assert_eq!(
            ops,
            [(">>", ".git/hooks/pre-commit".into(), true), (">", "/dev/null".into(), true), ("<", "in".into(), false)]
        );
        assert!(!first("x 2>&1").redirects[0].writes());
    }

    #[test]
    fn heredoc_bodies_are_stdin_text_not_commands() {
        let s = parse("cat > notes.md <<'EOF'\ngit push --no-verify\nEOF\necho done");
        assert_eq!(s.pipelines.len(), 2);
        let Stage::Command(c) = &s.pipelines[0].stages[0] else { panic!() };
        assert_eq!(c.stdin_texts[0].literal().unwrap(), "git push --no-verify\n");
        let c = first("bash <<-END\n\trm -rf .git/hooks\n\tEND\n");
        assert_eq!(c.stdin_texts[0].literal().unwrap(), "rm -rf .git/hooks\n");
        let c = first("sh <<EOF\ngit $(echo commit) -n\nEOF");
        assert!(c.stdin_texts[0].literal().is_none(), "an unquoted delimiter expands the body");
        let c = first("sh <<< 'git push --no-verify'");
        assert_eq!(c.stdin_texts[0].literal().unwrap(), "git push --no-verify");
    }

    #[test]
    fn deep_nesting_is_cut_off_not_a_stack_overflow() {
        let line = format!("{}x{}", "$(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&line).too_deep);
        let line = format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&line).too_deep);
    }

    #[test]
    fn broken_lines_do_not_panic() {
        for text in [
            "echo 'abc",
            "echo \"abc",
            "echo \"$(ls",
            "echo \\",
            "cat <<",
            "cat <<EOF\nx",
            "x=\"",
            "$",
            "${",
            "$((",
            "`",
            "a)",
            "2>",
            "<(",
            "$'\\x",
            "$'\\u{",
            ")",
            "&>",
            "|&",
            "<<-",
        ] {
            let _ = parse(text);
        }
    }

    #[test]
    fn quoting_round_trips() {
        for w in ["plain", "two words", "it's", "", "--no-verify", "$x"] {
            assert_eq!(words(&format!("echo {}", quote(w))), [vec!["echo".to_string(), w.to_string()]]);
        }
    }
}
