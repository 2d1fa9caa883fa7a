//! Sets of versions as unions of intervals, so that "which versions does this
//! requirement admit" and "which versions does this advisory affect" can be compared.
//!
//! Versions are treated as dense: an open interval between two different versions is
//! never empty (between `1.0.0` and `1.0.1` lies `1.0.1-0`; between `1.0` and `1.0.1`
//! lies `1.0.0.1`). An isolated version is the closed interval `[v, v]`.

use std::cmp::Ordering;
use std::fmt;

use super::Version;

/// One end of an interval.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Bound {
    Unbounded,
    Included(Version),
    Excluded(Version),
}

impl Bound {
    fn version(&self) -> Option<&Version> {
        match self {
            Bound::Unbounded => None,
            Bound::Included(v) | Bound::Excluded(v) => Some(v),
        }
    }

    /// The same end seen from the other side (`<v` ends where `>=v` starts).
    fn flipped(&self) -> Bound {
        match self {
            Bound::Unbounded => Bound::Unbounded,
            Bound::Included(v) => Bound::Excluded(v.clone()),
            Bound::Excluded(v) => Bound::Included(v.clone()),
        }
    }
}

/// Compares two lower bounds: which one starts earlier.
fn cmp_lower(a: &Bound, b: &Bound) -> Ordering {
    match (a, b) {
        (Bound::Unbounded, Bound::Unbounded) => Ordering::Equal,
        (Bound::Unbounded, _) => Ordering::Less,
        (_, Bound::Unbounded) => Ordering::Greater,
        (Bound::Included(x), Bound::Excluded(y)) => x.cmp(y).then(Ordering::Less),
        (Bound::Excluded(x), Bound::Included(y)) => x.cmp(y).then(Ordering::Greater),
        (Bound::Included(x), Bound::Included(y)) | (Bound::Excluded(x), Bound::Excluded(y)) => x.cmp(y),
    }
}

/// Compares two upper bounds: which one ends earlier.
fn cmp_upper(a: &Bound, b: &Bound) -> Ordering {
    match (a, b) {
        (Bound::Unbounded, Bound::Unbounded) => Ordering::Equal,
        (Bound::Unbounded, _) => Ordering::Greater,
        (_, Bound::Unbounded) => Ordering::Less,
        (Bound::Included(x), Bound::Excluded(y)) => x.cmp(y).then(Ordering::Greater),
        (Bound::Excluded(x), Bound::Included(y)) => x.cmp(y).then(Ordering::Less),
        (Bound::Included(x), Bound::Included(y)) | (Bound::Excluded(x), Bound::Excluded(y)) => x.cmp(y),
    }
}

/// Whether an interval from `lower` to `upper` holds at least one version.
fn non_empty(lower: &Bound, upper: &Bound) -> bool {
    match (lower.version(), upper.version()) {
        (Some(l), Some(u)) => match l.cmp(u) {
            Ordering::Less => true,
            Ordering::Equal => matches!((lower, upper), (Bound::Included(_), Bound::Included(_))),
            Ordering::Greater => false,
        },
        _ => true,
    }
}

/// Whether an interval ending at `upper` and one starting at `lower` leave no gap.
fn touches(upper: &Bound, lower: &Bound) -> bool {
    match (upper.version(), lower.version()) {
        (Some(u), Some(l)) => match u.cmp(l) {
            Ordering::Greater => true,
            Ordering::Equal => !matches!((upper, lower), (Bound::Excluded(_), Bound::Excluded(_))),
            Ordering::Less => false,
        },
        _ => true,
    }
}

/// A non-empty run of versions between two bounds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Interval {
    pub lower: Bound,
    pub upper: Bound,
}

impl Interval {
    pub fn contains(&self, version: &Version) -> bool {
        let above = match &self.lower {
            Bound::Unbounded => true,
            Bound::Included(l) => version >= l,
            Bound::Excluded(l) => version > l,
        };
        let below = match &self.upper {
            Bound::Unbounded => true,
            Bound::Included(u) => version <= u,
            Bound::Excluded(u) => version < u,
        };
        above && below
    }
}

/// A union of disjoint intervals, kept sorted and merged so that equal sets compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct VersionSet {
    intervals: Vec<Interval>,
}

impl VersionSet {
    pub fn empty() -> VersionSet {
        VersionSet::default()
    }

    /// Every version.
    pub fn all() -> VersionSet {
        VersionSet::between(Bound::Unbounded, Bound::Unbounded)
    }

    /// Exactly one version.
    pub fn point(version: Version) -> VersionSet {
        VersionSet::between(Bound::Included(version.clone()), Bound::Included(version))
    }

    /// The versions between two bounds; empty when the bounds cross.
    pub fn between(lower: Bound, upper: Bound) -> VersionSet {
        if non_empty(&lower, &upper) {
            VersionSet { intervals: vec![Interval { lower, upper }] }
        } else {
            VersionSet::empty()
        }
    }

    /// `>= version`.
    pub fn at_least(version: Version) -> VersionSet {
        VersionSet::between(Bound::Included(version), Bound::Unbounded)
    }

    /// `< version`.
    pub fn below(version: Version) -> VersionSet {
        VersionSet::between(Bound::Unbounded, Bound::Excluded(version))
    }

    pub fn intervals(&self) -> &[Interval] {
        &self.intervals
    }

    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    pub fn is_all(&self) -> bool {
        matches!(self.intervals.as_slice(), [Interval { lower: Bound::Unbounded, upper: Bound::Unbounded }])
    }

    pub fn contains(&self, version: &Version) -> bool {
        self.intervals.iter().any(|i| i.contains(version))
    }

    pub fn union(&self, other: &VersionSet) -> VersionSet {
        let mut all: Vec<Interval> = self.intervals.iter().chain(&other.intervals).cloned().collect();
        all.sort_by(|a, b| cmp_lower(&a.lower, &b.lower));
        let mut merged: Vec<Interval> = Vec::with_capacity(all.len());
        for interval in all {
            match merged.last_mut() {
                Some(last) if touches(&last.upper, &interval.lower) => {
                    if cmp_upper(&interval.upper, &last.upper) == Ordering::Greater {
                        last.upper = interval.upper;
                    }
                }
                _ => merged.push(interval),
            }
        }
        VersionSet { intervals: merged }
    }

    pub fn intersection(&self, other: &VersionSet) -> VersionSet {
        let mut pieces = VersionSet::empty();
        for a in &self.intervals {
            for b in &other.intervals {
                let lower = if cmp_lower(&a.lower, &b.lower) == Ordering::Greater { &a.lower } else { &b.lower };
                let upper = if cmp_upper(&a.upper, &b.upper) == Ordering::Less { &a.upper } else { &b.upper };
                pieces = pieces.union(&VersionSet::between(lower.clone(), upper.clone()));
            }
        }
        pieces
    }

    /// Every version not in this set.
    pub fn complement(&self) -> VersionSet {
        let mut gaps = Vec::new();
        let mut start = Bound::Unbounded;
        for interval in &self.intervals {
            // Merged intervals leave a non-empty gap between them, at least one point.
            if !matches!(interval.lower, Bound::Unbounded) {
                gaps.push(Interval { lower: start.clone(), upper: interval.lower.flipped() });
            }
            start = interval.upper.flipped();
            if matches!(interval.upper, Bound::Unbounded) {
                return VersionSet { intervals: gaps };
            }
        }
        gaps.push(Interval { lower: start, upper: Bound::Unbounded });
        VersionSet { intervals: gaps }
    }

    pub fn difference(&self, other: &VersionSet) -> VersionSet {
        self.intersection(&other.complement())
    }

    pub fn is_subset_of(&self, other: &VersionSet) -> bool {
        self.difference(other).is_empty()
    }

    pub fn intersects(&self, other: &VersionSet) -> bool {
        !self.intersection(other).is_empty()
    }
}

impl fmt::Display for VersionSet {
    /// `>=1.0.0, <2.0.0 || =3.0.0`; `*` for every version, `∅` for none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.intervals.is_empty() {
            return f.write_str("∅");
        }
        for (i, interval) in self.intervals.iter().enumerate() {
            if i > 0 {
                f.write_str(" || ")?;
            }
            match (&interval.lower, &interval.upper) {
                (Bound::Unbounded, Bound::Unbounded) => f.write_str("*")?,
                (Bound::Included(l), Bound::Included(u)) if l == u => write!(f, "={l}")?,
                (lower, upper) => {
                    let lower = match lower {
                        Bound::Unbounded => None,
                        Bound::Included(v) => Some(format!(">={v}")),
                        Bound::Excluded(v) => Some(format!(">{v}")),
                    };
                    let upper = match upper {
                        Bound::Unbounded => None,
                        Bound::Included(v) => Some(format!("<={v}")),
                        Bound::Excluded(v) => Some(format!("<{v}")),
                    };
                    let parts: Vec<String> = lower.into_iter().chain(upper).collect();
                    f.write_str(&parts.join(", "))?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ecosystem;

    fn v(text: &str) -> Version {
        Version::parse(Ecosystem::CratesIo, text).unwrap()
    }

    fn range(lower: Bound, upper: Bound) -> VersionSet {
        VersionSet::between(lower, upper)
    }

    fn inc(text: &str) -> Bound {
        Bound::Included(v(text))
    }

    fn exc(text: &str) -> Bound {
        Bound::Excluded(v(text))
    }

    #[test]
    fn contains_respects_each_kind_of_bound() {
        let set = range(inc("1.0.0"), exc("2.0.0")).union(&VersionSet::point(v("3.0.0")));
        assert!(set.contains(&v("1.0.0")));
        assert!(set.contains(&v("1.9.9")));
        assert!(!set.contains(&v("2.0.0")));
        assert!(set.contains(&v("3.0.0")));
        assert!(!set.contains(&v("3.0.1")));
        assert!(!set.contains(&v("0.9.0")));
        assert!(VersionSet::all().contains(&v("0.0.0-0")));
    }

    #[test]
    fn crossed_or_open_point_bounds_are_empty() {
        assert!(range(inc("2.0.0"), exc("1.0.0")).is_empty());
        assert!(range(exc("1.0.0"), inc("1.0.0")).is_empty());
        assert!(range(inc("1.0.0"), exc("1.0.0")).is_empty());
        assert!(!range(inc("1.0.0"), inc("1.0.0")).is_empty());
    }

    #[test]
    fn union_merges_touching_intervals_but_keeps_a_missing_point_out() {
        let joined = range(inc("1.0.0"), exc("2.0.0")).union(&range(inc("2.0.0"), exc("3.0.0")));
        assert_eq!(joined, range(inc("1.0.0"), exc("3.0.0")));
        let holed = range(inc("1.0.0"), exc("2.0.0")).union(&range(exc("2.0.0"), exc("3.0.0")));
        assert_eq!(holed.intervals().len(), 2);
        assert!(!holed.contains(&v("2.0.0")));
        let overlapping = range(inc("1.0.0"), exc("2.5.0")).union(&range(inc("2.0.0"), exc("3.0.0")));
        assert_eq!(overlapping, range(inc("1.0.0"), exc("3.0.0")));
    }

    #[test]
    fn intersection_and_complement() {
        let a = range(inc("1.0.0"), exc("3.0.0"));
        let b = range(inc("2.0.0"), Bound::Unbounded);
        assert_eq!(a.intersection(&b), range(inc("2.0.0"), exc("3.0.0")));
        let not_a = a.complement();
        assert_eq!(not_a, range(Bound::Unbounded, exc("1.0.0")).union(&range(inc("3.0.0"), Bound::Unbounded)));
        assert_eq!(not_a.complement(), a);
        assert!(VersionSet::all().complement().is_empty());
        assert!(VersionSet::empty().complement().is_all());
        let point = VersionSet::point(v("1.5.0"));
        assert!(!a.difference(&point).contains(&v("1.5.0")));
        assert!(a.difference(&point).contains(&v("1.5.1")));
    }

    #[test]
    fn subset_and_intersects() {
        let wide = range(inc("1.0.0"), exc("3.0.0"));
        let narrow = range(inc("1.2.0"), exc("2.0.0"));
        assert!(narrow.is_subset_of(&wide));
        assert!(!wide.is_subset_of(&narrow));
        assert!(wide.intersects(&narrow));
        assert!(!narrow.intersects(&range(inc("2.0.0"), Bound::Unbounded)));
        assert!(range(inc("1.0.0"), inc("2.0.0")).intersects(&range(inc("2.0.0"), Bound::Unbounded)));
        assert!(VersionSet::empty().is_subset_of(&narrow));
        assert!(VersionSet::point(v("2.9.9")).is_subset_of(&wide));
    }

    /// Every combination of small sets against every sample point: the set operations
    /// must agree with the boolean operations on membership.
    #[test]
    fn operations_agree_with_membership_everywhere() {
        let points = ["1.0.0", "2.0.0", "3.0.0"];
        let mut bounds = vec![Bound::Unbounded];
        for p in points {
            bounds.push(inc(p));
            bounds.push(exc(p));
        }
        let mut sets = Vec::new();
        for lower in &bounds {
            for upper in &bounds {
                sets.push(range(lower.clone(), upper.clone()));
            }
        }
        let two: Vec<VersionSet> =
            sets.iter().step_by(3).flat_map(|a| sets.iter().step_by(4).map(|b| a.union(b))).collect();
        sets.extend(two);
        let samples: Vec<Version> =
            ["0.5.0", "1.0.0", "1.5.0", "2.0.0-rc.1", "2.0.0", "2.5.0", "3.0.0", "4.0.0"].into_iter().map(v).collect();
        for a in sets.iter().step_by(5) {
            let not_a = a.complement();
            for b in sets.iter().step_by(7) {
                let (union, both) = (a.union(b), a.intersection(b));
                for s in &samples {
                    let (in_a, in_b) = (a.contains(s), b.contains(s));
                    assert_eq!(union.contains(s), in_a || in_b, "{a} ∪ {b} at {s}");
                    assert_eq!(both.contains(s), in_a && in_b, "{a} ∩ {b} at {s}");
                    assert_eq!(not_a.contains(s), !in_a, "¬({a}) at {s}");
                    if a.is_subset_of(b) && in_a {
                        assert!(in_b, "{a} ⊆ {b} but {s}");
                    }
                }
                assert_eq!(a.intersects(b), !both.is_empty());
                assert_eq!(a.is_subset_of(b), a.union(b) == *b, "{a} ⊆ {b}");
            }
        }
    }

    #[test]
    fn displays_readably() {
        let set = range(inc("1.0.0"), exc("2.0.0")).union(&VersionSet::point(v("3.0.0")));
        assert_eq!(set.to_string(), ">=1.0.0, <2.0.0 || =3.0.0");
        assert_eq!(VersionSet::all().to_string(), "*");
    }
}
