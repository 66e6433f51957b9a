#!/usr/bin/env python3
"""Compare the committed Bassa Bresciana fixture with the reference in ../shared/reference.

A one-off check (tests never read ../shared): features to 1e-9 relative, queen edges exactly.
Usage: python3 scripts/check_reference.py [REFERENCE_DIR]
"""
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ref_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference"
COLUMNS = {"pop_2023": "pop", "pop_2022": "pop2022", "area_km2": "area_km2", "log_pop": "log_pop",
           "log_density": "log_density", "share_65plus": "share_65plus",
           "share_under15": "share_under15", "growth": "growth"}

fc = json.loads((ROOT / "fixtures/bassa_bresciana/area.geojson").read_text())
ours = {f["properties"]["istat"]: f["properties"] for f in fc["features"]}
with open(ref_dir / "bassa42_features.csv") as f:
    ref = {f"{int(r['id']):06d}": r for r in csv.DictReader(f)}
assert set(ours) == set(ref), f"different municipalities: {set(ours) ^ set(ref)}"
worst = 0.0
for code, r in ref.items():
    for mine, theirs in COLUMNS.items():
        a, b = float(ours[code][mine]), float(r[theirs])
        rel = abs(a - b) / max(abs(b), 1e-12) if b != 0 else abs(a)
        worst = max(worst, rel)
        assert rel < 1e-9, f"{code} {mine}: fixture {a} reference {b}"
with open(ref_dir / "bassa42_queen_edges.csv") as f:
    ref_edges = {tuple(sorted((f"{int(r['id_a']):06d}", f"{int(r['id_b']):06d}"))) for r in csv.DictReader(f)}
with open(ROOT / "fixtures/bassa_bresciana/edges.csv") as f:
    our_edges = {tuple(sorted((r["a"], r["b"]))) for r in csv.DictReader(f)}
assert our_edges == ref_edges, f"edges differ: {our_edges ^ ref_edges}"
print(f"42 municipalities, worst relative feature difference {worst:.2e}; "
      f"{len(our_edges)} queen edges identical to the reference")
