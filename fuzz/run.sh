#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, one after the other, and prints
# each target's executions. Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable
# toolchain, RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly-only flags.
#
#   fuzz/run.sh 300                  # every target, 5 minutes each
#   fuzz/run.sh 60 group jsonl       # two targets, 1 minute each
#
# Crashes land in fuzz/artifacts/<target>/; reproduce one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-300}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(normalize tokenize shingle minhash simhash lsh group cluster index_bytes jsonl)
fi
export RUSTC_BOOTSTRAP=1
# Release build with debug assertions (overflow checks); no sanitizer, as the crate has no
# unsafe code, so every execution goes to finding panics, hangs and blow-ups.
flags=(-O -a --sanitizer none)
cargo fuzz build "${flags[@]}"
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    # -close_fd_mask=2 silences the reader's warnings on standard error (libFuzzer keeps its own).
    cargo fuzz run "${flags[@]}" "$t" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 -close_fd_mask=2 -print_final_stats=1 2>&1 | tee "artifacts/$t.log" \
        | grep -E "stat::number_of_executed_units|Done [0-9]+ runs|panicked|deadly|timeout|SUMMARY" || true
done
