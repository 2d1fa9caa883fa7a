//! PEP 440 versions: parsing with the specification's normalisation and its total order.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Which kind of pre-release; the order of the variants is PEP 440's (`a < b < rc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PreKind {
    Alpha,
    Beta,
    ReleaseCandidate,
}

impl PreKind {
    fn normalised(self) -> &'static str {
        match self {
            PreKind::Alpha => "a",
            PreKind::Beta => "b",
            PreKind::ReleaseCandidate => "rc",
        }
    }
}

/// One segment of a local version label (`+ubuntu.1` has `ubuntu` and `1`).
/// Numeric segments sort after alphanumeric ones, as PEP 440 asks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LocalSegment {
    Text(String),
    Number(u64),
}

/// A version as PEP 440 defines it. Equality and hashing follow the ordering, so
/// `1.0 == 1.0.0` (trailing zeros in the release do not count).
#[derive(Debug, Clone)]
pub struct Pep440Version {
    pub epoch: u64,
    pub release: Vec<u64>,
    pub pre: Option<(PreKind, u64)>,
    pub post: Option<u64>,
    pub dev: Option<u64>,
    pub local: Vec<LocalSegment>,
}

impl Pep440Version {
    /// Parses and normalises (`V1.0-ALPHA` is `1.0a0`). The error says what was expected.
    pub fn parse(text: &str) -> Result<Pep440Version, String> {
        let lowered = text.trim().to_ascii_lowercase();
        let mut cursor = Cursor { rest: lowered.as_str() };
        cursor.eat("v");
        let mut epoch = 0;
        let mut release = Vec::new();
        let first = cursor.number().ok_or("expected a release number")?;
        if cursor.eat("!") {
            epoch = first;
            release.push(cursor.number().ok_or("expected a release number after the epoch")?);
        } else {
            release.push(first);
        }
        loop {
            let saved = cursor.rest;
            if cursor.eat(".") {
                if let Some(n) = cursor.number() {
                    release.push(n);
                    continue;
                }
            }
            cursor.rest = saved;
            break;
        }
        let pre = cursor.pre_release();
        let post = cursor.post_release();
        let dev = cursor.dev_release();
        let mut local = Vec::new();
        if cursor.eat("+") {
            for segment in cursor.rest.split(['.', '-', '_']) {
                if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(format!("invalid local version label {:?}", cursor.rest));
                }
                local.push(match segment.parse::<u64>() {
                    Ok(n) if segment.bytes().all(|b| b.is_ascii_digit()) => LocalSegment::Number(n),
                    _ => LocalSegment::Text(segment.to_string()),
                });
            }
            cursor.rest = "";
        }
        if !cursor.rest.is_empty() {
            return Err(format!("unexpected {:?}", cursor.rest));
        }
        Ok(Pep440Version { epoch, release, pre, post, dev, local })
    }

    /// A final release `epoch!release` with nothing else.
    pub fn final_release(epoch: u64, release: Vec<u64>) -> Pep440Version {
        Pep440Version { epoch, release, pre: None, post: None, dev: None, local: Vec::new() }
    }

    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    pub fn is_postrelease(&self) -> bool {
        self.post.is_some()
    }

    /// The same version without its local label.
    pub fn public(&self) -> Pep440Version {
        Pep440Version { local: Vec::new(), ..self.clone() }
    }

    /// `epoch!release` alone: the final release this version belongs to.
    pub fn base(&self) -> Pep440Version {
        Pep440Version::final_release(self.epoch, self.release.clone())
    }

    /// The smallest version with this epoch and release (`1.0.dev0`): every pre-,
    /// dev-, final and post-release of `1.0` is at or above it.
    pub fn first_of_release(&self) -> Pep440Version {
        Pep440Version { dev: Some(0), ..self.base() }
    }

    /// The smallest version above this public version and all its local variants.
    /// `1.0` → `1.0.post0.dev0`, `1.0.dev3` → `1.0.dev4`.
    pub fn after_locals(&self) -> Pep440Version {
        let mut next = self.public();
        match next.dev {
            Some(d) => next.dev = Some(d.saturating_add(1)),
            None => {
                next.post = Some(next.post.map_or(0, |p| p.saturating_add(1)));
                next.dev = Some(0);
            }
        }
        next
    }

    fn trimmed_release(&self) -> &[u64] {
        let keep = self.release.iter().rposition(|&n| n != 0).map_or(0, |i| i + 1);
        &self.release[..keep]
    }
}

/// The sort keys PEP 440 prescribes for the pre, post and dev parts.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Rank<T> {
    Below,
    Value(T),
    Above,
}

impl Pep440Version {
    fn pre_rank(&self) -> Rank<(PreKind, u64)> {
        match (self.pre, self.post, self.dev) {
            // `1.0.dev0` sorts before `1.0a0`: a dev release of the final comes first.
            (None, None, Some(_)) => Rank::Below,
            (None, _, _) => Rank::Above,
            (Some(p), _, _) => Rank::Value(p),
        }
    }

    fn post_rank(&self) -> Rank<u64> {
        self.post.map_or(Rank::Below, Rank::Value)
    }

    fn dev_rank(&self) -> Rank<u64> {
        self.dev.map_or(Rank::Above, Rank::Value)
    }
}

impl Ord for Pep440Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| self.trimmed_release().cmp(other.trimmed_release()))
            .then_with(|| self.pre_rank().cmp(&other.pre_rank()))
            .then_with(|| self.post_rank().cmp(&other.post_rank()))
            .then_with(|| self.dev_rank().cmp(&other.dev_rank()))
            // No local label sorts before any; then segment by segment, a longer
            // label after its prefix (the derived `Vec` order does exactly that).
            .then_with(|| self.local.cmp(&other.local))
    }
}

impl PartialOrd for Pep440Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Pep440Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pep440Version {}

impl Hash for Pep440Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.epoch.hash(state);
        self.trimmed_release().hash(state);
        self.pre.hash(state);
        self.post.hash(state);
        self.dev.hash(state);
        self.local.hash(state);
    }
}

impl fmt::Display for Pep440Version {
    /// The normalised form (`1!2.0rc1.post0.dev3+ubuntu.1`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch != 0 {
            write!(f, "{}!", self.epoch)?;
        }
        let release: Vec<String> = self.release.iter().map(u64::to_string).collect();
        f.write_str(&release.join("."))?;
        if let Some((kind, n)) = self.pre {
            write!(f, "{}{n}", kind.normalised())?;
        }
        if let Some(n) = self.post {
            write!(f, ".post{n}")?;
        }
        if let Some(n) = self.dev {
            write!(f, ".dev{n}")?;
        }
        if !self.local.is_empty() {
            let local: Vec<String> = self
                .local
                .iter()
                .map(|s| match s {
                    LocalSegment::Text(t) => t.clone(),
                    LocalSegment::Number(n) => n.to_string(),
                })
                .collect();
            write!(f, "+{}", local.join("."))?;
        }
        Ok(())
    }
}

/// A tiny backtracking reader over the lowercased text.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn eat(&mut self, prefix: &str) -> bool {
        match self.rest.strip_prefix(prefix) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn eat_separator(&mut self) -> bool {
        self.eat(".") || self.eat("-") || self.eat("_")
    }

    fn number(&mut self) -> Option<u64> {
        let digits = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let value = self.rest[..digits].parse().ok()?;
        self.rest = &self.rest[digits..];
        Some(value)
    }

    /// `[sep]keyword[sep][n]` for the first keyword that matches; the number is
    /// implicitly 0. Restores the position when no keyword follows.
    fn keyword_number(&mut self, keywords: &[&str]) -> Option<(usize, u64)> {
        let saved = self.rest;
        self.eat_separator();
        let Some(index) = keywords.iter().position(|k| self.rest.starts_with(k)) else {
            self.rest = saved;
            return None;
        };
        self.rest = &self.rest[keywords[index].len()..];
        let before_number = self.rest;
        self.eat_separator();
        let n = match self.number() {
            Some(n) => n,
            None => {
                self.rest = before_number;
                0
            }
        };
        Some((index, n))
    }

    fn pre_release(&mut self) -> Option<(PreKind, u64)> {
        // Longer spellings first so that `preview` is not read as `pre` + `view`.
        const SPELLINGS: [(&str, PreKind); 8] = [
            ("preview", PreKind::ReleaseCandidate),
            ("alpha", PreKind::Alpha),
            ("beta", PreKind::Beta),
            ("pre", PreKind::ReleaseCandidate),
            ("rc", PreKind::ReleaseCandidate),
            ("a", PreKind::Alpha),
            ("b", PreKind::Beta),
            ("c", PreKind::ReleaseCandidate),
        ];
        let keywords: Vec<&str> = SPELLINGS.iter().map(|(k, _)| *k).collect();
        self.keyword_number(&keywords).map(|(i, n)| (SPELLINGS[i].1, n))
    }

    fn post_release(&mut self) -> Option<u64> {
        // The implicit form `1.0-1` needs a dash and a number.
        let saved = self.rest;
        if self.eat("-") {
            if let Some(n) = self.number() {
                return Some(n);
            }
            self.rest = saved;
        }
        self.keyword_number(&["post", "rev", "r"]).map(|(_, n)| n)
    }

    fn dev_release(&mut self) -> Option<u64> {
        self.keyword_number(&["dev"]).map(|(_, n)| n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Pep440Version {
        Pep440Version::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn normalises_spellings() {
        for (input, normal) in [
            ("1.0", "1.0"),
            ("  V1.0  ", "1.0"),
            ("1!2.0", "1!2.0"),
            ("1.0-ALPHA", "1.0a0"),
            ("1.0alpha1", "1.0a1"),
            ("1.0.beta.2", "1.0b2"),
            ("1.0c1", "1.0rc1"),
            ("1.0-pre_3", "1.0rc3"),
            ("1.0preview2", "1.0rc2"),
            ("1.0-1", "1.0.post1"),
            ("1.0.rev", "1.0.post0"),
            ("1.0r4", "1.0.post4"),
            ("1.0_post_5", "1.0.post5"),
            ("1.0-dev", "1.0.dev0"),
            ("1.0rc1.post2.dev3", "1.0rc1.post2.dev3"),
            ("1.0+Ubuntu-1_2", "1.0+ubuntu.1.2"),
        ] {
            assert_eq!(v(input).to_string(), normal, "{input}");
        }
    }

    #[test]
    fn rejects_what_is_not_pep_440() {
        for bad in ["", "abc", "1.0.x", "1.0+", "1.0+a..b", "1.0 beta", "1.0-foo", "2004d"] {
            assert!(Pep440Version::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn trailing_zeros_are_equal_and_hash_alike() {
        use std::collections::HashSet;
        assert_eq!(v("1.0"), v("1.0.0"));
        assert_eq!(v("1"), v("1.0.0.0"));
        let set: HashSet<_> = [v("1.0"), v("1.0.0")].into_iter().collect();
        assert_eq!(set.len(), 1);
        assert_ne!(v("1.0"), v("1.0.1"));
    }

    #[test]
    fn orders_as_the_specification_lists() {
        let ordered = [
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
            "2.0",
            "1!0.1",
        ];
        for pair in ordered.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn local_labels_order_segment_by_segment() {
        assert!(v("1.0+abc") < v("1.0+abc.1"));
        assert!(v("1.0+abc.1") < v("1.0+abd"));
        assert!(v("1.0+zzz") < v("1.0+1"), "numbers sort after text");
        assert!(v("1.0+2") < v("1.0+10"), "numbers compare as numbers");
        assert!(v("1.0") < v("1.0+anything"));
    }

    #[test]
    fn helper_versions_bracket_a_release() {
        assert_eq!(v("1.0").first_of_release().to_string(), "1.0.dev0");
        assert!(v("1.0").first_of_release() < v("1.0a0.dev0"));
        assert_eq!(v("1.0").after_locals().to_string(), "1.0.post0.dev0");
        assert!(v("1.0+zzz.99") < v("1.0").after_locals());
        assert_eq!(v("1.0.dev3").after_locals().to_string(), "1.0.dev4");
        assert_eq!(v("1.0.post2").after_locals().to_string(), "1.0.post3.dev0");
    }
}
