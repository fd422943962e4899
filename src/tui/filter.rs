//! Fuzzy filtering over search text built once per row. Runs when the query changes, never per
//! frame; a query that extends the previous one only re-scores the previous matches.

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

/// One matching row: its index in the pane's rows, the score, and the matched char positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub idx: usize,
    pub score: i64,
    pub indices: Vec<usize>,
}

/// A pane's filter: the query and, when it is not empty, the matches best first.
#[derive(Debug, Default)]
pub struct Filter {
    query: String,
    matches: Vec<Match>,
    /// The query is being typed.
    pub editing: bool,
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
        let narrowing = !self.query.is_empty() && query.starts_with(self.query.as_str());
        let matcher = SkimMatcherV2::default().smart_case();
        let score = |idx: usize| {
            let text = haystack.get(idx)?;
            matcher
                .fuzzy_indices(text, query)
                .map(|(score, indices)| Match {
                    idx,
                    score,
                    indices,
                })
        };
        let mut next: Vec<Match> = if narrowing {
            self.matches.iter().filter_map(|m| score(m.idx)).collect()
        } else {
            (0..haystack.len()).filter_map(score).collect()
        };
        next.sort_by(|a, b| b.score.cmp(&a.score).then(a.idx.cmp(&b.idx)));
        self.query = query.to_string();
        self.matches = next;
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
        let m0 = f.matches().iter().find(|m| m.idx == 0).unwrap();
        assert_eq!(m0.indices, vec![3, 4, 5, 6]);
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
}
