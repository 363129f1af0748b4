"""Convert Jiangxi's city boundaries from the npm package ``echarts`` 4.9.0 into GeoJSON, once.

Run ``python scripts/build_jiangxi_map.py`` (needs npm and the npm registry); it writes
``assets/maps/jiangxi_cities.geojson``, which is committed, so nothing is fetched at run time.
ECharts 4 ships ``map/json/province/jiangxi.json`` with coordinates encoded (``UTF8Encoding``):
each ring is a string of zig-zag, delta-encoded pairs scaled by 1024. This is ECharts' own
decoding (``parseGeoJson.js``), so the points are exactly those ECharts draws.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "echarts@4.9.0"
MEMBER = "package/map/json/province/jiangxi.json"
OUT = Path(__file__).resolve().parent.parent / "assets" / "maps" / "jiangxi_cities.geojson"


def decode_ring(encoded: str, offsets: list[int], scale: float) -> list[list[float]]:
    prev_x, prev_y = offsets
    ring = []
    for i in range(0, len(encoded), 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))  # zig-zag
        y = (y >> 1) ^ (-(y & 1))
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        ring.append([round(x / scale, 5), round(y / scale, 5)])
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])  # GeoJSON rings are closed
    return ring


def decode(data: dict) -> dict:
    scale = data.get("UTF8Scale") or 1024
    features = []
    for f in data["features"]:
        geom = f["geometry"]
        if geom["type"] == "Polygon":
            coords = [
                decode_ring(r, o, scale)
                for r, o in zip(geom["coordinates"], geom["encodeOffsets"], strict=True)
            ]
        else:
            coords = [
                [decode_ring(r, o, scale) for r, o in zip(poly, offs, strict=True)]
                for poly, offs in zip(geom["coordinates"], geom["encodeOffsets"], strict=True)
            ]
        features.append(
            {
                "type": "Feature",
                "id": f["id"],
                "properties": {"code": f["id"], "name": f["properties"]["name"]},
                "geometry": {"type": geom["type"], "coordinates": coords},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True)
        tarball = next(Path(tmp).glob("echarts-*.tgz"))
        with tarfile.open(tarball) as tar:
            member = tar.extractfile(MEMBER)
            assert member is not None
            data = json.load(member)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(decode(data), ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({len(data['features'])} cities)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
