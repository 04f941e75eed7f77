//! The text layer: normalizing raw text and cutting it into tokens.
//!
//! An [`Analyzer`] composes the three parts every later stage relies on: a [`Normalizer`]
//! (NFKC, lowercase, typographic folding, whitespace), a [`Tokenizer`] (words or characters) and
//! a [`Filter`] (for example dropping English stopwords). Analyzers are small `Copy` values that
//! compare equal when they would produce the same tokens, so signatures can record them.
//!
//! # Example
//!
//! ```
//! use reprint::text::{Analyzer, Filter, Tokenizer};
//!
//! let analyzer = Analyzer::new(Tokenizer::Words).with_filter(Filter::EnglishStopwords);
//! let mut buf = String::new();
//! let mut tokens = Vec::new();
//! analyzer.for_each_token("The Ceasefire was “completely false”", &mut buf, |t| tokens.push(t.to_string()));
//! assert_eq!(tokens, ["ceasefire", "completely", "false"]);
//! ```

mod filter;
mod normalize;
mod sentence;
mod tokenize;

pub use filter::{ENGLISH_STOPWORDS, Filter, is_english_stopword};
pub use normalize::Normalizer;
pub(crate) use sentence::ascii_breaks;
pub use sentence::{Sentences, sentences};
pub use tokenize::Tokenizer;
pub(crate) use tokenize::ascii_word_spans;

/// A normalizer, a tokenizer and a filter, applied in that order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Analyzer {
    normalizer: Normalizer,
    tokenizer: Tokenizer,
    filter: Filter,
}

impl Analyzer {
    /// An analyzer with the default normalizer, the given tokenizer and no filter.
    pub fn new(tokenizer: Tokenizer) -> Analyzer {
        Analyzer { normalizer: Normalizer::new(), tokenizer, filter: Filter::None }
    }

    /// The same analyzer with `filter` applied to tokens.
    pub fn with_filter(mut self, filter: Filter) -> Analyzer {
        self.filter = filter;
        self
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> Tokenizer {
        self.tokenizer
    }

    /// The filter.
    pub fn filter(&self) -> Filter {
        self.filter
    }

    /// The normalizer.
    pub fn normalizer(&self) -> Normalizer {
        self.normalizer
    }

    /// Normalizes `text` into `buf` (reused across calls), then calls `f` on each kept token.
    pub fn for_each_token<'b>(&self, text: &str, buf: &'b mut String, mut f: impl FnMut(&'b str)) {
        self.normalizer.normalize_into(text, buf);
        let filter = self.filter;
        self.tokenizer.for_each_token(buf.as_str(), |t| {
            if filter.keep(t) {
                f(t)
            }
        });
    }
}
