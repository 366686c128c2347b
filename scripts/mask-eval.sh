#!/usr/bin/env bash
# Masks the whole PII dev set with the default rules through the release
# `aigis` binary (in a temporary workspace) and measures what survives with
# shared/eval/pii/residual.py: text and table, residual and kept.
#   scripts/mask-eval.sh [SPLIT_DIR]     (default: ../shared/eval/pii/data/dev)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${AIGIS_SHARED:-$(cd .. && pwd)/shared}
data=${1:-$shared/eval/pii/data/dev}
out=${AIGIS_EVAL_OUT:-$(mktemp -d /tmp/aigis-mask-eval.XXXXXX)}
cargo build --release -q -p aigis
target=${CARGO_TARGET_DIR:-target}
[[ $target == /* ]] || target=$(pwd)/$target
aigis=$target/release/aigis
export AIGIS_MASTER_KEY=${AIGIS_MASTER_KEY:-$(head -c32 /dev/urandom | base64)}
unset AIGIS_HOME
cd "$out"
"$aigis" --quiet init >/dev/null
cp "$data/table.labels.json" "$out/table.labels.json"
cp "$data/table.csv" "$out/table.csv"
"$aigis" mask "$data/text.jsonl" -o text.masked.jsonl --verify
"$aigis" mask table.csv -o table.masked.csv --verify
echo "== text"
python3 "$shared/eval/pii/residual.py" --gold "$data/text.jsonl" --masked text.masked.jsonl | tail -1
echo "== table"
python3 "$shared/eval/pii/residual.py" --table table.csv --masked table.masked.csv | tail -1
echo "outputs and reports in $out"
