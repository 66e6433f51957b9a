#!/usr/bin/env python3
"""Great-circle distances between county interior points, for the Hess/p-median benchmarks.

Reads a state's units.csv (istat,name,pop,lon,lat) -- or any CSV with
istat,lon,lat such as centroids.csv -- and writes (a,b,d) with every unordered
pair once, a < b as GEOID text, d = distance in km rounded to the nearest
integer: by default haversine on a sphere of radius 6371.0088 km (the IUGG
mean radius); with --wgs84 the geodesic on the WGS84 ellipsoid (Vincenty's
inverse formula), which on centroids.csv reproduces the distance matrix behind
the published Hess objectives (checked on DE and SD, k = 1). Stdlib only.

Usage:
  county-distances.py benches/data/counties/WV/units.csv            # -> WV/distances.csv
  county-distances.py --wgs84 benches/data/counties/WV/centroids.csv benches/data/counties/WV/distances-centroid.csv
  county-distances.py --check benches/data/counties/WV              # units/edges/distances sanity
"""
import csv
import math
import os
import sys
from collections import deque

R_KM = 6371.0088


def read_units(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return [(r["istat"], r.get("name", ""), int(r.get("pop") or 0), float(r["lon"]), float(r["lat"])) for r in rows]


def haversine(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R_KM * math.asin(min(1.0, math.sqrt(h)))


def vincenty(lon1, lat1, lon2, lat2):
    """Geodesic distance in km on the WGS84 ellipsoid (Vincenty 1975, inverse problem)."""
    a, f = 6378137.0, 1 / 298.257223563
    b = a * (1 - f)
    if (lon1, lat1) == (lon2, lat2):
        return 0.0
    big_l = math.radians(lon2 - lon1)
    u1 = math.atan((1 - f) * math.tan(math.radians(lat1)))
    u2 = math.atan((1 - f) * math.tan(math.radians(lat2)))
    su1, cu1, su2, cu2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    lam = big_l
    for _ in range(200):
        sl, cl = math.sin(lam), math.cos(lam)
        ss = math.hypot(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
        cs = su1 * su2 + cu1 * cu2 * cl
        sig = math.atan2(ss, cs)
        sa = cu1 * cu2 * sl / ss
        c2a = 1 - sa * sa
        c2sm = cs - 2 * su1 * su2 / c2a if c2a else 0.0
        c = f / 16 * c2a * (4 + f * (4 - 3 * c2a))
        prev = lam
        lam = big_l + (1 - c) * f * sa * (sig + c * ss * (c2sm + c * cs * (-1 + 2 * c2sm * c2sm)))
        if abs(lam - prev) < 1e-12:
            break
    else:
        raise ValueError("Vincenty did not converge")
    u_sq = c2a * (a * a - b * b) / (b * b)
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    ds = big_b * ss * (c2sm + big_b / 4 * (cs * (-1 + 2 * c2sm * c2sm) - big_b / 6 * c2sm * (-3 + 4 * ss * ss) * (-3 + 4 * c2sm * c2sm)))
    return b * big_a * (sig - ds) / 1000


def write_distances(units_path, out_path, dist=haversine):
    units = sorted(read_units(units_path))
    n = 0
    with open(out_path, "w", newline="") as f:
        f.write("a,b,d\n")
        for i, (a, _, _, lon1, lat1) in enumerate(units):
            for b, _, _, lon2, lat2 in units[i + 1:]:
                f.write(f"{a},{b},{round(dist(lon1, lat1, lon2, lat2))}\n")
                n += 1
    m = len(units)
    assert n == m * (m - 1) // 2, (n, m)
    return m, n


def check(state_dir):
    units = read_units(os.path.join(state_dir, "units.csv"))
    ids = [u[0] for u in units]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), "units not sorted/unique"
    adj = {i: set() for i in ids}
    with open(os.path.join(state_dir, "edges.csv"), newline="") as f:
        edges = [(r["a"], r["b"]) for r in csv.DictReader(f)]
    assert edges == sorted(set(edges)), "edges not sorted/unique"
    for a, b in edges:
        assert a < b and a in adj and b in adj, (a, b)
        adj[a].add(b)
        adj[b].add(a)
    seen, q = {ids[0]}, deque([ids[0]])
    while q:
        for v in adj[q.popleft()]:
            if v not in seen:
                seen.add(v)
                q.append(v)
    n = len(ids)
    assert len(seen) == n, f"{state_dir}: graph not connected ({len(seen)} of {n} reached)"
    rows = None
    for name in ("distances.csv", "distances-centroid.csv"):
        dist = os.path.join(state_dir, name)
        if os.path.exists(dist):
            with open(dist) as f:
                rows = sum(1 for _ in f) - 1
            assert rows == n * (n - 1) // 2, (name, rows, n)
    pop = sum(u[2] for u in units)
    print(f"{state_dir}: n={n} edges={len(edges)} connected pop={pop} distance_rows={rows}")


def main(argv):
    if len(argv) >= 2 and argv[0] == "--check":
        for d in argv[1:]:
            check(d)
        return 0
    dist = haversine
    if argv and argv[0] == "--wgs84":
        dist, argv = vincenty, argv[1:]
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[1] if len(argv) == 2 else os.path.join(os.path.dirname(argv[0]), "distances.csv")
    m, n = write_distances(argv[0], out, dist)
    print(f"{out}: {m} units, {n} pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
