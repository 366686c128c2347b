#!/usr/bin/env bash
# Memory bar: generates a ~2 GB CSV under /tmp (the dev table's rows repeated)
# and reports the peak RSS of `aigis scan` over it (JSON output to /dev/null).
#   scripts/rss-2gb.sh [SIZE_MB]    (default 2048)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${AIGIS_SHARED:-$(cd .. && pwd)/shared}
size_mb=${1:-2048}
big=/tmp/aigis-rss-${size_mb}mb.csv
cargo build --release -q -p aigis
aigis=${CARGO_TARGET_DIR:-target}/release/aigis
if [ ! -f "$big" ] || [ "$(stat -c %s "$big")" -lt $((size_mb * 1000000)) ]; then
  src="$shared/eval/pii/data/dev/table.csv"
  head -1 "$src" > "$big"
  body=$(mktemp)
  tail -n +2 "$src" > "$body"
  while [ "$(stat -c %s "$big")" -lt $((size_mb * 1024 * 1024)) ]; do cat "$body" >> "$big"; done
  rm -f "$body"
fi
echo "input: $big ($(( $(stat -c %s "$big") / 1000000 )) MB)"
for args in "--format json" "--format json --columns"; do
  /usr/bin/time -v "$aigis" --quiet scan $args "$big" > /dev/null 2> /tmp/aigis-rss.time
  rss_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' /tmp/aigis-rss.time)
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' /tmp/aigis-rss.time)
  echo "aigis scan $args: peak RSS $((rss_kb / 1024)) MiB, wall $secs"
done
