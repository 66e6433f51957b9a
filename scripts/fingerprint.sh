#!/usr/bin/env bash
# Runs the default jobs of every command with a given pianura binary and prints one SHA-256
# per output, so two versions can be shown to compute the same thing:
#   scripts/fingerprint.sh target/release/pianura /tmp/fp-new > new.txt; diff old.txt new.txt
# Wall-clock fields (`seconds` in JSON and CSV) are removed before hashing; timings.json is
# skipped, report.html's run time is blanked; compare.html and ensemble.html show seconds, so
# they differ between runs. `scripts/fingerprint.sh --hash-only DIR` hashes an earlier run again.
set -euo pipefail
bin=$1
dir=$2
cd "$(dirname "$0")/.."
if [ "$bin" != --hash-only ]; then
bin=$(realpath "$bin")
if [ -e "$dir" ]; then echo "fingerprint: $dir exists; give a new folder" >&2; exit 1; fi
mkdir -p "$dir"
"$bin" plan --quiet --out "$dir/plan"
"$bin" compare --scenarios fixtures/scenarios/bassa.toml --out "$dir/compare" > /dev/null
"$bin" ensemble --k 4 --out "$dir/ensemble" > /dev/null
"$bin" zones --k 4 --json > "$dir/zones-k4.json"
"$bin" zones --k 5 --objective ssd --min-pop 20000 --json > "$dir/zones-k5-ssd.json"
"$bin" zones --max-p --min-pop 30000 --json > "$dir/zones-maxp.json"
"$bin" graph --json > "$dir/graph.json"
"$bin" features --json > "$dir/features.json"
fi
find "$dir" -type f ! -name timings.json ! -name .pianura | sort | python3 -c '
import csv, hashlib, io, json, re, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k != "seconds"}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
root = sys.argv[1].rstrip("/") + "/"
for path in sys.stdin.read().split():
    data = open(path, "rb").read()
    if path.endswith(".json"):
        data = json.dumps(strip(json.loads(data)), ensure_ascii=False).encode()
    elif path.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(data.decode())))
        keep = [i for i, h in enumerate(rows[0]) if h != "seconds"] if rows else []
        data = "\n".join(",".join(r[i] for i in keep) for r in rows).encode()
    elif path.endswith("report.html"):
        data = re.sub(rb"Run time [0-9.]+ s", b"Run time", data)
    print(hashlib.sha256(data).hexdigest()[:16], path[len(root):])
' "$dir"
