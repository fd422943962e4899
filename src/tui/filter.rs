//! Fuzzy filtering over search text built once per row. Runs when the query changes, never per
//! frame, and must stay under a frame (16 ms) for 100k rows. So a keystroke only scores rows,
//! with an O(n) matcher (fzf's "v1": the tightest window that ends earliest, scored for word
//! starts, runs and gaps) that rejects a non-match on the first pass and allocates nothing;
//! a query that extends the previous one only re-scores the previous matches. The matched char
//! positions, for highlighting, are computed later and only for the rows drawn (`indices`).

/// One matching row: its index in the pane's rows and the score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    pub idx: usize,
    pub score: i64,
}

/// A pane's filter: the query and, when it is not empty, the matches best first.
#[derive(Debug, Default)]
pub struct Filter {
    query: String,
    matches: Vec<Match>,
    /// The query is being typed.
    pub editing: bool,
}

/// Smart case: an upper-case letter in the query makes it exact.
fn case_sensitive(query: &str) -> bool {
    query.chars().any(char::is_uppercase)
}

fn lower(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

const SCORE_MATCH: i64 = 16;
const GAP_START: i64 = 3;
const GAP_EXTEND: i64 = 1;
const BONUS_BOUNDARY: i64 = 8;
const BONUS_CAMEL: i64 = 7;
const BONUS_CONSECUTIVE: i64 = 4;

/// The bonus for a match at a char after `prev` (None: the first char).
fn bonus(prev: Option<char>, c: char) -> i64 {
    match prev {
        None => BONUS_BOUNDARY,
        Some(p) if !p.is_alphanumeric() && c.is_alphanumeric() => BONUS_BOUNDARY,
        Some(p) if p.is_lowercase() && c.is_uppercase() => BONUS_CAMEL,
        Some(p) if p.is_alphabetic() && c.is_numeric() => BONUS_CAMEL,
        _ => 0,
    }
}

/// A compiled query: its chars (lower-cased unless case matters).
#[derive(Clone, Debug, Default)]
pub struct Pattern {
    chars: Vec<char>,
    exact: bool,
}

impl Pattern {
    pub fn new(query: &str) -> Pattern {
        let exact = case_sensitive(query);
        Pattern {
            chars: query
                .chars()
                .map(|c| if exact { c } else { lower(c) })
                .collect(),
            exact,
        }
    }

    /// The score of the pattern in `text`, or None when it does not match; with `pos`, the
    /// matched char positions too.
    pub fn score(&self, text: &str, pos: Option<&mut Vec<usize>>) -> Option<i64> {
        if self.chars.is_empty() {
            return Some(0);
        }
        if text.is_ascii() {
            let b = text.as_bytes();
            self.v1(b.len(), |i| b[i] as char, pos)
        } else {
            let cs: Vec<char> = text.chars().collect();
            self.v1(cs.len(), |i| cs[i], pos)
        }
    }

    fn v1(
        &self,
        n: usize,
        at: impl Fn(usize) -> char,
        pos: Option<&mut Vec<usize>>,
    ) -> Option<i64> {
        let q = &self.chars;
        let eq = |i: usize, p: char| {
            let c = at(i);
            if self.exact {
                c == p
            } else {
                c == p || lower(c) == p
            }
        };
        // forward: where the earliest complete match ends
        let mut qi = 0;
        let mut end = None;
        for i in 0..n {
            if eq(i, q[qi]) {
                qi += 1;
                if qi == q.len() {
                    end = Some(i);
                    break;
                }
            }
        }
        let end = end?;
        // backward: the latest start of a match ending there (the tightest window)
        let mut qi = q.len();
        let mut start = end;
        let mut i = end + 1;
        while i > 0 {
            i -= 1;
            if eq(i, q[qi - 1]) {
                qi -= 1;
                if qi == 0 {
                    start = i;
                    break;
                }
            }
        }
        // score the window, matching greedily
        let mut out = pos;
        let mut score = 0;
        let mut qi = 0;
        let mut prev: Option<usize> = None;
        for i in start..=end {
            if qi == q.len() {
                break;
            }
            if !eq(i, q[qi]) {
                continue;
            }
            let b = bonus(i.checked_sub(1).map(&at), at(i));
            score += SCORE_MATCH + if qi == 0 { 2 * b } else { b };
            match prev {
                Some(p) if p + 1 == i => score += BONUS_CONSECUTIVE,
                Some(p) => score -= GAP_START + (i - p - 2) as i64 * GAP_EXTEND,
                None => {}
            }
            if let Some(v) = out.as_deref_mut() {
                v.push(i);
            }
            prev = Some(i);
            qi += 1;
        }
        Some(score)
    }
}

impl Filter {
    pub fn query(&self) -> &str {
        &self.query
    }
    pub fn is_active(&self) -> bool {
        !self.query.is_empty()
    }
    pub fn matches(&self) -> &[Match] {
        &self.matches
    }

    /// Set a new query and re-run it over `haystack` (one search text per row).
    pub fn set_query(&mut self, query: &str, haystack: &[String]) {
        if query.is_empty() {
            self.query.clear();
            self.matches.clear();
            return;
        }
        if query == self.query {
            return;
        }
        let narrowing = !self.query.is_empty()
            && query.starts_with(self.query.as_str())
            && case_sensitive(query) == case_sensitive(&self.query);
        let pat = Pattern::new(query);
        let score = |idx: usize| {
            let text = haystack.get(idx)?;
            pat.score(text, None).map(|score| Match { idx, score })
        };
        let mut next: Vec<Match> = if narrowing {
            // in row order: the search texts are read front to back, not in score order
            let mut prev: Vec<usize> = self.matches.iter().map(|m| m.idx).collect();
            prev.sort_unstable();
            prev.into_iter().filter_map(score).collect()
        } else {
            (0..haystack.len()).filter_map(score).collect()
        };
        // best first, then row order: one packed integer key sorts fastest
        next.sort_unstable_by_key(|m| {
            let s = (m.score.clamp(-(1 << 30), 1 << 30) + (1 << 30)) as u64;
            (((1u64 << 31) - s) << 32) | (m.idx as u64 & 0xffff_ffff)
        });
        self.query = query.to_string();
        self.matches = next;
    }

    /// The matched char positions of the query in `text` (for highlighting a drawn row).
    pub fn indices(&self, text: &str) -> Vec<usize> {
        if self.query.is_empty() {
            return Vec::new();
        }
        let mut pos = Vec::new();
        Pattern::new(&self.query).score(text, Some(&mut pos));
        pos
    }

    pub fn clear(&mut self) {
        self.query.clear();
        self.matches.clear();
        self.editing = false;
    }

    /// Keep only the matches of rows `keep` accepts (a pane showing only some rows).
    pub fn retain(&mut self, keep: impl Fn(usize) -> bool) {
        self.matches.retain(|m| keep(m.idx));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hay() -> Vec<String> {
        ["ep-fraud", "ep-churn", "gpu-cluster", "fraud-store"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn narrows_best_first_with_indices() {
        let h = hay();
        let mut f = Filter::default();
        f.set_query("fr", &h);
        let idx: Vec<usize> = f.matches().iter().map(|m| m.idx).collect();
        assert!(idx.contains(&0) && idx.contains(&3) && !idx.contains(&2));
        f.set_query("frau", &h);
        assert!(f.matches().iter().any(|m| m.idx == 0));
        assert_eq!(f.indices(&h[0]), vec![3, 4, 5, 6]);
        f.set_query("fraux", &h);
        assert!(f.matches().is_empty());
        f.set_query("", &h);
        assert!(!f.is_active());
    }

    #[test]
    fn a_shorter_query_searches_everything_again() {
        let h = hay();
        let mut f = Filter::default();
        f.set_query("gpu", &h);
        assert_eq!(f.matches().len(), 1);
        f.set_query("u", &h);
        assert!(f.matches().len() >= 2);
    }

    #[test]
    fn matches_exactly_what_a_fuzzy_matcher_matches_and_prefers_word_starts() {
        use fuzzy_matcher::skim::SkimMatcherV2;
        use fuzzy_matcher::FuzzyMatcher;
        let m = SkimMatcherV2::default().smart_case();
        let texts = [
            "ep-fraud",
            "Fraud-Store",
            "ÄBC-straße",
            "gpu",
            "",
            "a-b-c",
            "fr",
        ];
        for q in [
            "fr", "FR", "Fr", "äb", "ss", "e-d", "x", "straße", "abc", "a",
        ] {
            let p = Pattern::new(q);
            for t in texts {
                let (mine, skim) = (p.score(t, None).is_some(), m.fuzzy_match(t, q).is_some());
                if t.is_ascii() && q.is_ascii() {
                    assert_eq!(mine, skim, "{q:?} in {t:?}");
                } else {
                    // non-ASCII letters are case-folded here too (`äb` finds `ÄBC`)
                    assert!(mine || !skim, "{q:?} in {t:?}");
                }
            }
        }
        assert!(Pattern::new("äb").score("ÄBC", None).is_some());
        let p = Pattern::new("fs");
        let word_starts = p.score("fraud-store", None).unwrap();
        let inside = p.score("xfxxxs", None).unwrap();
        assert!(word_starts > inside);
        let mut pos = Vec::new();
        Pattern::new("store").score("st-store", Some(&mut pos));
        assert_eq!(pos, vec![3, 4, 5, 6, 7]);
    }
}
