#!/usr/bin/env bash
# Runs the whole PII dev set through the release `aigis` binary and scores it
# with shared/eval/pii/score.py: text (overlap F1, leak, over-mask, per-label
# F1), table cells (leak) and column classification.
#   scripts/pii-eval.sh [SPLIT_DIR]     (default: ../shared/eval/pii/data/dev)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${AIGIS_SHARED:-$(cd .. && pwd)/shared}
data=${1:-$shared/eval/pii/data/dev}
out=${AIGIS_EVAL_OUT:-$(mktemp -d /tmp/aigis-eval.XXXXXX)}
cargo build --release -q -p aigis
aigis=${CARGO_TARGET_DIR:-target}/release/aigis

"$aigis" scan --quiet --format json "$data/text.jsonl" > "$out/text.findings.jsonl"
"$aigis" scan --quiet --format json "$data/table.csv" > "$out/table.findings.jsonl"
"$aigis" scan --quiet --format json --columns "$data/table.csv" > "$out/table.columns.jsonl"

python3 - "$data" "$out" <<'PY'
import json, sys
data, out = sys.argv[1], sys.argv[2]
ids = [json.loads(l)["id"] for l in open(f"{data}/text.jsonl", encoding="utf-8") if l.strip()]
def convert(src, dst, key):
    recs = {}
    for line in open(src, encoding="utf-8"):
        f = json.loads(line)
        k = key(f)
        if k is None:
            continue
        recs.setdefault(k, []).append({"start": f["start"], "end": f["end"], "label": f["entity"], "score": f["score"]})
    with open(dst, "w", encoding="utf-8") as w:
        for k, spans in recs.items():
            w.write(json.dumps({"id": k, "spans": spans}) + "\n")
convert(f"{out}/text.findings.jsonl", f"{out}/text.pred.jsonl",
        lambda f: ids[f["record"] - 1] if f["field"] == "$.text" else None)
convert(f"{out}/table.findings.jsonl", f"{out}/table.pred.jsonl",
        lambda f: f"{f['record'] - 1}:{f['field']}")
labels = json.load(open(f"{data}/table.labels.json", encoding="utf-8"))
cols = {c["column"]: c for c in map(json.loads, open(f"{out}/table.columns.jsonl", encoding="utf-8"))}
right = 0
for g in labels["columns"]:
    c = cols.get(g["name"], {"entities": {}, "class": "none"})
    top = max(c["entities"].items(), key=lambda kv: kv[1])[0] if c["entities"] else None
    ok = (top == g["label"] and c["class"] != "none") if g["label"] else c["class"] == "none"
    right += ok
    print(f"column {g['name']:16} gold {str(g['label']):18} got {c['class']:18} top {top} {'ok' if ok else 'WRONG'}")
print(f"columns right: {right}/{len(labels['columns'])} = {right / len(labels['columns']):.3f}")
PY
python3 "$shared/eval/pii/score.py" --gold "$data/text.jsonl" --pred "$out/text.pred.jsonl" --title "dev text through aigis scan"
python3 "$shared/eval/pii/score.py" --table "$data/table.csv" --pred "$out/table.pred.jsonl" --title "dev table through aigis scan"
echo "outputs in $out" >&2
