//! Fuzzy filtering over search text built once per row. Runs when the query changes, never per
//! frame. A keystroke only scores rows (`fuzzy_match`, no match positions); a query that
//! extends the previous one only re-scores the previous matches, and a cheap subsequence test
//! rejects most rows before the matcher sees them. The matched char positions, for
//! highlighting, are computed later and only for the rows drawn (`indices`).

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

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

/// Smart case, as the matcher does it: an upper-case letter in the query makes it exact.
fn case_sensitive(query: &str) -> bool {
    query.chars().any(char::is_uppercase)
}

/// Is `query` a subsequence of `text` (ASCII case folded unless `exact`)? Necessary for a fuzzy
/// match, and far cheaper than the matcher; non-ASCII falls back to char comparison.
fn subsequence(text: &str, query: &[char], exact: bool) -> bool {
    let mut q = query.iter();
    let Some(mut want) = q.next() else {
        return true;
    };
    for c in text.chars() {
        let hit = if exact {
            c == *want
        } else {
            c == *want || c.to_lowercase().eq(want.to_lowercase())
        };
        if hit {
            match q.next() {
                Some(n) => want = n,
                None => return true,
            }
        }
    }
    false
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
        let matcher = SkimMatcherV2::default().smart_case();
        let exact = case_sensitive(query);
        let qchars: Vec<char> = query.chars().collect();
        let score = |idx: usize| {
            let text = haystack.get(idx)?;
            if !subsequence(text, &qchars, exact) {
                return None;
            }
            matcher
                .fuzzy_match(text, query)
                .map(|score| Match { idx, score })
        };
        let mut next: Vec<Match> = if narrowing {
            self.matches.iter().filter_map(|m| score(m.idx)).collect()
        } else {
            (0..haystack.len()).filter_map(score).collect()
        };
        next.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(a.idx.cmp(&b.idx)));
        self.query = query.to_string();
        self.matches = next;
    }

    /// The matched char positions of the query in `text` (for highlighting a drawn row).
    pub fn indices(&self, text: &str) -> Vec<usize> {
        if self.query.is_empty() {
            return Vec::new();
        }
        SkimMatcherV2::default()
            .smart_case()
            .fuzzy_indices(text, &self.query)
            .map(|(_, i)| i)
            .unwrap_or_default()
    }

    pub fn clear(&mut self) {
        self.query.clear();
        self.matches.clear();
        self.editing = false;
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
    fn the_prefilter_agrees_with_the_matcher() {
        let m = SkimMatcherV2::default().smart_case();
        let texts = ["ep-fraud", "Fraud-Store", "ÄBC-straße", "gpu", ""];
        for q in ["fr", "FR", "Fr", "äb", "ss", "e-d", "x", "straße"] {
            let qc: Vec<char> = q.chars().collect();
            for t in texts {
                let fast = subsequence(t, &qc, case_sensitive(q));
                let slow = m.fuzzy_match(t, q).is_some();
                assert!(fast || !slow, "{q:?} in {t:?}: prefilter rejects a match");
            }
        }
    }
}
