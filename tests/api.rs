//! Public API hygiene: every public type is `Debug`, and `Send + Sync` (and unwind-safe) where
//! it can be, so values can cross threads and be logged.

use std::panic::{RefUnwindSafe, UnwindSafe};

fn assert_traits<T: std::fmt::Debug + Send + Sync + UnwindSafe + RefUnwindSafe>() {}

#[test]
fn public_types_are_debug_send_sync() {
    use reprint::*;
    assert_traits::<Error>();
    assert_traits::<ErrorKind>();
    assert_traits::<Deduplicator>();
    assert_traits::<DeduplicatorBuilder>();
    assert_traits::<Config>();
    assert_traits::<Channel>();
    assert_traits::<Analysis>();
    assert_traits::<Scored>();
    assert_traits::<text::Normalizer>();
    assert_traits::<text::Tokenizer>();
    assert_traits::<text::Filter>();
    assert_traits::<text::Analyzer>();
    assert_traits::<shingle::ShingleConfig>();
    assert_traits::<shingle::ShingleUnit>();
    assert_traits::<shingle::Shingler>();
    assert_traits::<shingle::ShingleBuffer>();
    assert_traits::<minhash::MinHashConfig>();
    assert_traits::<minhash::MinHasher>();
    assert_traits::<minhash::MinHashSignature>();
    assert_traits::<minhash::SignatureParams>();
    assert_traits::<minhash::Scheme>();
    assert_traits::<minhash::SignBuffer>();
    assert_traits::<simhash::SimHashConfig>();
    assert_traits::<simhash::SimHasher>();
    assert_traits::<simhash::SimHash>();
    assert_traits::<simhash::Weighting>();
    assert_traits::<lsh::BandingParams>();
    assert_traits::<lsh::MinHashIndex>();
    assert_traits::<lsh::SimHashIndex>();
    assert_traits::<group::Grouping>();
    assert_traits::<group::Group>();
    assert_traits::<group::Link>();
    assert_traits::<group::Stage>();
    assert_traits::<group::Evidence>();
    assert_traits::<group::DocFeatures>();
    assert_traits::<group::FeatureBuffer>();
    assert_traits::<group::Idf>();
    assert_traits::<group::Verifier<'static>>();
    assert_traits::<eval::Report>();
    assert_traits::<eval::Prf>();
    assert_traits::<eval::PairLabel>();
    assert_traits::<eval::PairScores>();
}

#[test]
fn errors_are_std_errors() {
    fn is_error<E: std::error::Error + Send + Sync + 'static>() {}
    is_error::<reprint::Error>();
}
