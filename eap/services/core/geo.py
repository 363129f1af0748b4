"""Where a place is (地理位置): a project's coordinates against its county's boundary.

The boundaries are the committed files in ``assets/maps/`` (see SOURCE.md there), read once per
process — they never change while it runs. Geometry is shapely's (GEOS), not hand-written.
"""

from __future__ import annotations

import json
import random
from functools import lru_cache
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from eap.errors import DomainError, FieldErrors

MAPS = Path(__file__).resolve().parents[3] / "assets" / "maps"
# Jiangxi lies within these bounds; a point outside them is a typing error, not a county question.
LON_RANGE, LAT_RANGE = (113.5, 118.5), (24.4, 30.1)


@lru_cache(maxsize=1)
def county_shapes() -> dict[str, BaseGeometry]:
    data = json.loads((MAPS / "jiangxi_counties.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["code"]: shape(f["geometry"]) for f in data["features"]}


@lru_cache(maxsize=32)
def region_shape(code: str) -> BaseGeometry | None:
    """A county's boundary, or a city's (the union of its counties); None where none is known."""
    counties = county_shapes()
    if code in counties:
        return counties[code]
    if code.endswith("00") and not code.endswith("0000"):
        parts = [g for c, g in counties.items() if c[:4] == code[:4]]
        return unary_union(parts) if parts else None
    return None


def parse_coordinates(raw_lon: str, raw_lat: str) -> tuple[float | None, float | None]:
    """Typed coordinates, both or neither; each wrong one refused under its own field."""
    raw_lon, raw_lat = raw_lon.strip(), raw_lat.strip()
    if not raw_lon and not raw_lat:
        return None, None
    problems: list[DomainError] = []
    values: dict[str, float] = {}
    for name, raw, (lo, hi) in (
        ("longitude", raw_lon, LON_RANGE),
        ("latitude", raw_lat, LAT_RANGE),
    ):
        if not raw:
            problems.append(DomainError("project.coordinate_pair", field=name))
            continue
        try:
            value = float(raw)
        except ValueError:
            problems.append(DomainError("project.not_number", field=name))
            continue
        if not lo <= value <= hi:
            problems.append(DomainError("project.outside_jiangxi", field=name))
            continue
        values[name] = value
    if problems:
        raise FieldErrors(problems)
    return values["longitude"], values["latitude"]


def check_in_region(region_code: str, longitude: float, latitude: float) -> DomainError | None:
    """None when the point lies in the region (a county, or a city's counties), else the
    refusal to show beside the longitude."""
    area = region_shape(region_code)
    if area is None:
        return None  # no boundary known for it (赣江新区): only the province's bounds apply
    if not area.covers(Point(longitude, latitude)):
        return DomainError("project.outside_county", field="longitude")
    return None


def random_point_in(region_code: str, rng: random.Random) -> tuple[float, float] | None:
    """A point inside the region, for demo and simulated projects."""
    area = region_shape(region_code)
    if area is None:
        return None
    min_x, min_y, max_x, max_y = area.bounds
    for _ in range(1000):
        p = Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if area.contains(p):
            return round(p.x, 6), round(p.y, 6)
    c = area.representative_point()
    return round(c.x, 6), round(c.y, 6)


def outline(region_code: str) -> list[list[tuple[float, float]]]:
    """The region's boundary rings (exterior of each part), for drawing it."""
    area = region_shape(region_code)
    if area is None:
        return []
    parts = list(getattr(area, "geoms", [area]))
    return [[(round(x, 5), round(y, 5)) for x, y in p.exterior.coords] for p in parts]


def pick_grid(region_code: str, *, across: int = 45) -> list[tuple[float, float]]:
    """Points on a regular grid inside the region — the places a click on the project form's
    map can pick (about ``across`` to a side; a county's is a few hundred metres apart)."""
    area = region_shape(region_code)
    if area is None:
        return []
    min_x, min_y, max_x, max_y = area.bounds
    step = max(max_x - min_x, max_y - min_y) / across
    points = []
    y = min_y + step / 2
    while y < max_y:
        x = min_x + step / 2
        while x < max_x:
            if area.contains(Point(x, y)):
                points.append((round(x, 6), round(y, 6)))
            x += step
        y += step
    return points
