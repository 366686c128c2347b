#!/usr/bin/env bash
# Recall of PERSON and LOCATION per locale (en_US, en_GB, de_DE, fr_FR,
# es_ES). For each locale, shared/eval/pii/gen.py generates a text split with
# the dev templates but every persona from that one locale (another seed
# than the dev set), the release `aigis` scans it, and score.py scores it.
# Faker is used here only to make evaluation data, never by aigis.
#   scripts/pii-locale-recall.sh [RECORDS_PER_LOCALE]   (default 1000)
# Needs PyPI once: faker and phonenumbers (the versions in
# shared/eval/pii/requirements.txt) go into a cached venv.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
shared=${AIGIS_SHARED:-$(cd .. && pwd)/shared}
pii=$shared/eval/pii
venv=${AIGIS_EVAL_VENV:-$HOME/.cache/aigis-eval/venv}
out=${AIGIS_EVAL_OUT:-$(mktemp -d /tmp/aigis-locale.XXXXXX)}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "$(grep '^faker==' "$pii/requirements.txt")" \
        "$(grep '^phonenumbers==' "$pii/requirements.txt")"
fi
cargo build --release -q -p aigis
aigis=${CARGO_TARGET_DIR:-target}/release/aigis

printf '%-6s %8s %8s %8s %8s\n' locale PERSON_n PERSON_R LOC_n LOC_R
for loc in en_US en_GB de_DE fr_FR es_ES; do
    d=$out/$loc
    mkdir -p "$d"
    "$venv/bin/python" - "$pii" "$loc" "$n" "$d" <<'PY' >/dev/null
import sys
pii, loc, n, d = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
sys.path.insert(0, pii)
import gen
gen.LOCALE_WEIGHTS = [1.0 if l == loc else 0.0 for l in gen.LOCALES]
seed = 7919 + gen.LOCALES.index(loc)
gen.gen_split("dev", seed, n, 1, d)
PY
    "$aigis" scan --quiet --format json "$d/text.jsonl" > "$d/findings.jsonl"
    python3 - "$d" <<'PY'
import json, sys
d = sys.argv[1]
ids = [json.loads(l)["id"] for l in open(f"{d}/text.jsonl", encoding="utf-8") if l.strip()]
recs = {}
for line in open(f"{d}/findings.jsonl", encoding="utf-8"):
    f = json.loads(line)
    if f["field"] == "$.text":
        recs.setdefault(ids[f["record"] - 1], []).append(
            {"start": f["start"], "end": f["end"], "label": f["entity"], "score": f["score"]})
with open(f"{d}/pred.jsonl", "w", encoding="utf-8") as w:
    for k, spans in recs.items():
        w.write(json.dumps({"id": k, "spans": spans}) + "\n")
PY
    python3 "$pii/score.py" --gold "$d/text.jsonl" --pred "$d/pred.jsonl" --json "$d/score.json" >/dev/null
    python3 - "$d/score.json" "$loc" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["labels"]
def get(l):
    x = r.get(l)
    return (x["gold"], x["overlap"]["r"]) if x else (0, float("nan"))
(pn, pr), (ln, lr) = get("PERSON"), get("LOCATION")
print(f"{sys.argv[2]:6} {pn:8d} {pr:8.3f} {ln:8d} {lr:8.3f}")
PY
done
echo "outputs in $out" >&2
