//! Fuzzy filtering over search text built once per row, with nucleo-matcher (helix's matcher;
//! chosen over fuzzy-matcher on speed over 100k rows and Unicode handling: see the TUI section
//! of docs/performance.md). Runs when the query changes, never per frame. A keystroke only
//! scores rows; a query that extends the previous one re-scores only the previous matches. The
//! matched char positions, for highlighting, are computed later and only for the rows drawn
//! (`indices`).
//!
//! The query is fzf's syntax: words separated by spaces must all match; `^word` anchors at the
//! start, `word$` at the end, `'word` matches exactly, `!word` excludes. Smart case (an upper
//! case letter makes the word case-sensitive) and smart normalisation (`e` finds `é` unless the
//! query has an accent itself).

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::cell::RefCell;

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
    pattern: Pattern,
    matches: Vec<Match>,
    /// The matcher's scratch memory, reused across rows and keystrokes (drawing asks for the
    /// highlight positions through `&self`).
    matcher: RefCell<Matcher>,
    /// The query is being typed.
    pub editing: bool,
}

/// The query as a pattern.
fn compile(query: &str) -> Pattern {
    Pattern::parse(query, CaseMatching::Smart, Normalization::Smart)
}

/// `text` as the matcher reads it: bytes when ASCII, else one entry per char (so that matched
/// positions are char positions, as the panes count them).
fn utf32<'a>(text: &'a str, buf: &'a mut Vec<char>) -> Utf32Str<'a> {
    if text.is_ascii() {
        Utf32Str::Ascii(text.as_bytes())
    } else {
        buf.clear();
        buf.extend(text.chars());
        Utf32Str::Unicode(buf)
    }
}

/// Whether every row `new` matches also matches `old` (so only `old`'s matches need scoring
/// again): `new` extends `old`, and `old` has no operator a longer word loosens (`!` excludes
/// less as it grows, `$` stops anchoring once followed, `\` escapes).
fn narrows(old: &str, new: &str) -> bool {
    !old.is_empty() && new.starts_with(old) && !old.contains(['!', '$', '\\'])
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
            self.pattern = Pattern::default();
            self.matches.clear();
            return;
        }
        if query == self.query {
            return;
        }
        let pattern = compile(query);
        let narrowing = narrows(&self.query, query);
        let matcher = self.matcher.get_mut();
        let mut buf = Vec::new();
        let mut score = |idx: usize| {
            let text = haystack.get(idx)?;
            let s = pattern.score(utf32(text, &mut buf), matcher)?;
            Some(Match {
                idx,
                score: i64::from(s),
            })
        };
        let mut next: Vec<Match> = if narrowing {
            // in row order: the search texts are read front to back, not in score order
            let mut prev: Vec<usize> = self.matches.iter().map(|m| m.idx).collect();
            prev.sort_unstable();
            prev.into_iter().filter_map(&mut score).collect()
        } else {
            (0..haystack.len()).filter_map(&mut score).collect()
        };
        // best first, then row order: one packed integer key sorts fastest (scores are u32)
        next.sort_unstable_by_key(|m| {
            let s = m.score.clamp(0, u32::MAX.into()) as u64;
            ((u64::from(u32::MAX) - s) << 32) | (m.idx as u64 & 0xffff_ffff)
        });
        self.query = query.to_string();
        self.pattern = pattern;
        self.matches = next;
    }

    /// The matched char positions of the query in `text`, sorted (for highlighting a row).
    pub fn indices(&self, text: &str) -> Vec<usize> {
        if self.query.is_empty() {
            return Vec::new();
        }
        let mut pos: Vec<u32> = Vec::new();
        let mut buf = Vec::new();
        if let Ok(mut m) = self.matcher.try_borrow_mut() {
            self.pattern
                .indices(utf32(text, &mut buf), &mut m, &mut pos);
        } else {
            let mut m = Matcher::new(Config::DEFAULT);
            self.pattern
                .indices(utf32(text, &mut buf), &mut m, &mut pos);
        }
        pos.sort_unstable();
        pos.dedup();
        pos.into_iter().map(|p| p as usize).collect()
    }

    pub fn clear(&mut self) {
        self.query.clear();
        self.pattern = Pattern::default();
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

    fn hay(rows: &[&str]) -> Vec<String> {
        rows.iter().map(|s| s.to_string()).collect()
    }

    fn found(f: &Filter) -> Vec<usize> {
        f.matches().iter().map(|m| m.idx).collect()
    }

    #[test]
    fn narrows_best_first_with_indices() {
        let h = hay(&["ep-fraud", "ep-churn", "gpu-cluster", "fraud-store"]);
        let mut f = Filter::default();
        f.set_query("fr", &h);
        let idx = found(&f);
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
        let h = hay(&["ep-fraud", "ep-churn", "gpu-cluster", "fraud-store"]);
        let mut f = Filter::default();
        f.set_query("gpu", &h);
        assert_eq!(f.matches().len(), 1);
        f.set_query("u", &h);
        assert!(f.matches().len() >= 2);
    }

    #[test]
    fn words_must_all_match_and_operators_anchor_and_exclude() {
        let h = hay(&["kv-main", "acr-private", "kv-private", "judy@contoso.com"]);
        let mut f = Filter::default();
        f.set_query("kv", &h);
        assert_eq!(found(&f).len(), 2, "kv matches the two key vaults only");
        f.set_query("kv priv", &h);
        assert_eq!(found(&f), vec![2]);
        f.set_query("^acr", &h);
        assert_eq!(found(&f), vec![1]);
        f.set_query("!kv", &h);
        assert_eq!(found(&f), vec![1, 3]);
        // `!k` excludes more than `!kv`: growing it must search everything again
        f.set_query("!k", &h);
        f.set_query("!kv", &h);
        assert_eq!(found(&f), vec![1, 3]);
        f.set_query("main$", &h);
        assert_eq!(found(&f), vec![0]);
    }

    #[test]
    fn unicode_case_folds_and_accents_normalise_with_char_positions() {
        let h = hay(&["ÄBC-straße", "café-team", "cafe-ops", "名前-team"]);
        let mut f = Filter::default();
        f.set_query("äb", &h);
        assert_eq!(found(&f), vec![0]);
        // no accent in the query: both cafés match; with one, only the accented
        f.set_query("cafe", &h);
        let mut both = found(&f);
        both.sort_unstable();
        assert_eq!(both, vec![1, 2]);
        f.set_query("café", &h);
        assert_eq!(found(&f), vec![1]);
        // positions are chars, not bytes: `ß` is one char
        f.set_query("straße", &h);
        assert_eq!(f.indices(&h[0]), vec![4, 5, 6, 7, 8, 9]);
        f.set_query("前", &h);
        assert_eq!(f.indices(&h[3]), vec![1]);
    }

    #[test]
    fn smart_case_and_word_starts_rank_first() {
        let h = hay(&["xfxxxs", "fraud-store", "Fraud-Store"]);
        let mut f = Filter::default();
        f.set_query("fs", &h);
        assert_ne!(found(&f)[0], 0, "word starts beat a scattered match");
        f.set_query("FS", &h);
        assert_eq!(found(&f), vec![2]);
    }
}
