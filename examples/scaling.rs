//! How cost grows with hostile input: each case is run at a size and at a multiple of it, and
//! the ratio of times is printed beside the ratio of sizes. Linear growth prints a time ratio
//! close to the size ratio; quadratic growth prints its square.
//!
//! ```text
//! cargo run --release --example scaling              # every case, best of 3 runs each
//! cargo run --release --example scaling -- --reps 5
//! ```
//!
//! One JSON object per case on stdout: `{"case", "small", "large", "small_s", "large_s",
//! "size_ratio", "time_ratio"}`. The adversarial tests (`tests/adversarial.rs`) check the
//! outcomes on the same shapes; the times are measured here, not asserted in a test, because
//! the machines that run the tests are shared and noisy.

use std::time::Instant;

use reprint::Deduplicator;
use reprint::group::cluster;

/// A made-up word for `i`, distinct for distinct `i`.
fn word(i: usize) -> String {
    const SYL: [&str; 16] =
        ["ka", "lo", "mi", "ve", "tu", "sa", "re", "di", "no", "pa", "zu", "be", "ho", "gi", "fe", "xo"];
    let mut x = i + 16;
    let mut w = String::new();
    while x > 0 {
        w.push_str(SYL[x % 16]);
        x /= 16;
    }
    w
}

/// Best of `reps` timings of `f`, in seconds.
fn best(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn report(case: &str, small: usize, large: usize, small_s: f64, large_s: f64) {
    println!(
        "{{\"case\":\"{case}\",\"small\":{small},\"large\":{large},\"small_s\":{small_s:.4},\"large_s\":{large_s:.4},\
         \"size_ratio\":{:.1},\"time_ratio\":{:.1}}}",
        large as f64 / small as f64,
        large_s / small_s.max(1e-9)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let reps =
        args.iter().position(|a| a == "--reps").and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(3);
    let dedup = Deduplicator::new();
    let group = |texts: &[String]| {
        std::hint::black_box(dedup.group_texts(texts).expect("grouping never fails on text input"));
    };

    // One sentence repeated n times, against a copy under a headline.
    let sentence = "The quick brown fox jumps over the lazy dog near the old river bank. ";
    let repeated = |n: usize| vec![sentence.repeat(n), format!("Breaking news\n{}", sentence.repeat(n - 1))];
    let (a, b) = (repeated(2_500), repeated(20_000));
    report("same sentence repeated (pair)", 2_500, 20_000, best(reps, || group(&a)), best(reps, || group(&b)));

    // Many tiny texts of one to three words.
    let tiny = |n: usize| -> Vec<String> {
        (0..n).map(|i| (0..1 + i % 3).map(|k| word(i * 3 + k)).collect::<Vec<_>>().join(" ")).collect()
    };
    let (a, b) = (tiny(25_000), tiny(100_000));
    report("tiny texts", 25_000, 100_000, best(reps, || group(&a)), best(reps, || group(&b)));

    // Distinct articles sharing one block of boilerplate.
    let footer = "Share this story on Facebook, Twitter and WhatsApp. Sign up for our daily newsletter to get \
        the top headlines every morning. Copyright 2024 Example Media Group, all rights reserved.";
    let articles = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| {
                let body: Vec<String> = (0..6)
                    .map(|s| (0..12).map(|k| word(i * 97 + s * 13 + k)).collect::<Vec<_>>().join(" ") + ".")
                    .collect();
                format!("{}\n{footer}", body.join(" "))
            })
            .collect()
    };
    let (a, b) = (articles(1_000), articles(4_000));
    report("articles sharing boilerplate", 1_000, 4_000, best(reps, || group(&a)), best(reps, || group(&b)));

    // One long text, analysed: bytes in, features out.
    let long = |n: usize| -> String { (0..n).map(word).collect::<Vec<_>>().join(" ") + "." };
    let (a, b) = (long(100_000), long(800_000));
    let sa = best(reps, || {
        std::hint::black_box(dedup.analyze(&a));
    });
    let sb = best(reps, || {
        std::hint::black_box(dedup.analyze(&b));
    });
    report("one long text, bytes", a.len(), b.len(), sa, sb);

    // Grouping a giant candidate component: a chain and a star of links.
    let chain = |n: usize| -> Vec<(usize, usize, f64)> { (0..n - 1).map(|i| (i, i + 1, 0.5)).collect() };
    let star = |n: usize| -> Vec<(usize, usize, f64)> {
        (1..n).flat_map(|i| (0..i.min(8)).map(move |j| (j, i, 0.4 + (i % 7) as f64 / 20.0))).collect()
    };
    for (name, links) in
        [("cluster chain", &chain as &dyn Fn(usize) -> Vec<(usize, usize, f64)>), ("cluster star", &star)]
    {
        let (la, lb) = (links(25_000), links(100_000));
        let (pa, pb) = (vec![0u64; 25_000], vec![0u64; 100_000]);
        let sa = best(reps, || {
            std::hint::black_box(cluster(25_000, &la, &pa));
        });
        let sb = best(reps, || {
            std::hint::black_box(cluster(100_000, &lb, &pb));
        });
        report(name, 25_000, 100_000, sa, sb);
    }
}
