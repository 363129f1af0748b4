"""区域评估 (area assessments): the administrator records an assessment done once for an area
— its boundary (GeoJSON, WGS-84), the materials it stands for (e.g. M038 环境影响报告书 for a
zone's 区域环评, M039 水土保持方案 for its 水土保持 assessment), its approval and validity. A
project whose site lies inside a valid assessment's boundary is exempt from those materials
on its forms (``covering``; the boundary decides, with shapely), and is reported with SFWCQYPG
= 1. Without coordinates a project is covered by nothing: the site must be known."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from shapely.errors import GEOSException
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from sqlmodel import Session, col, select

from eap.errors import DomainError
from eap.models import AreaAssessment, Material, Region
from eap.services.core.audit import record
from eap.services.core.authz import region_prefix
from eap.services.core.geo import LAT_RANGE, LON_RANGE
from eap.services.core.principal import Principal, Role

KINDS = ("env", "soil", "geohazard", "seismic", "mineral", "other")


def _geometry(boundary: dict[str, Any]) -> dict[str, Any]:
    """The area from a GeoJSON geometry, Feature or one-feature FeatureCollection."""
    if boundary.get("type") == "FeatureCollection":
        features = boundary.get("features") or []
        if len(features) != 1:
            raise DomainError("assessment.one_area", field="boundary")
        boundary = features[0]
    if boundary.get("type") == "Feature":
        boundary = boundary.get("geometry") or {}
    return boundary


def _shape(geometry: dict[str, Any]) -> BaseGeometry:
    try:
        area = shape(geometry)
    except (GEOSException, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DomainError("assessment.bad_boundary", field="boundary") from exc
    if area.geom_type not in ("Polygon", "MultiPolygon") or not area.is_valid or area.is_empty:
        raise DomainError("assessment.bad_boundary", field="boundary")
    lon0, lat0, lon1, lat1 = area.bounds
    if not (
        LON_RANGE[0] <= lon0
        and lon1 <= LON_RANGE[1]
        and LAT_RANGE[0] <= lat0
        and lat1 <= LAT_RANGE[1]
    ):
        raise DomainError("assessment.outside_province", field="boundary")
    return area


def add_assessment(
    session: Session,
    *,
    principal: Principal,
    name: str,
    kind: str,
    region_code: str,
    boundary: dict[str, Any],
    exempts: list[str],
    document_no: str = "",
    valid_until: dt.date | None = None,
) -> AreaAssessment:
    principal.require_role(Role.ADMIN)
    if not name.strip() or len(name) > 120:
        raise DomainError("assessment.name", field="name")
    if kind not in KINDS:
        raise DomainError("assessment.kind", field="kind")
    region = session.get(Region, region_code)
    if region is None or region.level == "province":
        raise DomainError("assessment.region", field="region_code")
    known = set(session.exec(select(Material.code).where(col(Material.code).in_(exempts))).all())
    unknown = sorted(set(exempts) - known)
    if not exempts or unknown:
        raise DomainError("assessment.materials", field="exempts", codes=",".join(unknown) or "—")
    geometry = _geometry(boundary)
    _shape(geometry)
    row = AreaAssessment(
        name=name.strip(),
        kind=kind,
        region_code=region_code,
        boundary=geometry,
        exempts=sorted(set(exempts)),
        document_no=document_no.strip()[:80],
        valid_until=valid_until,
        created_by=principal.user_id,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="assessment.add",
        entity="area_assessment",
        entity_id=row.id or "",
        detail={"name": row.name, "kind": kind, "exempts": row.exempts},
    )
    return row


@dataclass(frozen=True)
class AssessmentRow:
    """An assessment as the administrator's page lists it."""

    id: int = 0
    name: str = ""
    kind: str = ""  # one of KINDS
    region_name: str = ""
    exempts: str = ""  # material codes and names, joined for display
    document_no: str = ""
    valid_until: str = ""
    active: bool = True
    expired: bool = False


def assessment_rows(
    session: Session, *, principal: Principal, today: dt.date
) -> list[AssessmentRow]:
    """Every recorded assessment, the newest first."""
    principal.require_role(Role.ADMIN)
    regions = dict(session.exec(select(Region.code, Region.name)).all())
    materials = dict(session.exec(select(Material.code, Material.name_zh)).all())
    rows = session.exec(select(AreaAssessment).order_by(col(AreaAssessment.id).desc()))
    return [
        AssessmentRow(
            id=r.id or 0,
            name=r.name,
            kind=r.kind,
            region_name=regions.get(r.region_code, r.region_code),
            exempts="、".join(f"{c} {materials.get(c, '')}".strip() for c in r.exempts),
            document_no=r.document_no,
            valid_until=r.valid_until.isoformat() if r.valid_until else "",
            active=r.active,
            expired=r.valid_until is not None and r.valid_until < today,
        )
        for r in rows
    ]


def withdraw(session: Session, *, principal: Principal, assessment_id: int) -> None:
    principal.require_role(Role.ADMIN)
    row = session.get(AreaAssessment, assessment_id)
    if row is None:
        raise DomainError("error.not_found")
    row.active = False
    session.add(row)
    record(
        session,
        actor_id=principal.user_id,
        action="assessment.withdraw",
        entity="area_assessment",
        entity_id=assessment_id,
    )
    session.flush()


def covering(
    session: Session,
    *,
    region_code: str,
    longitude: float | None,
    latitude: float | None,
    today: dt.date,
) -> list[AreaAssessment]:
    """The valid assessments whose area holds the site (none without coordinates)."""
    if longitude is None or latitude is None:
        return []
    site = Point(longitude, latitude)
    found = []
    for row in session.exec(
        select(AreaAssessment)
        .where(col(AreaAssessment.active).is_(True))
        .where(col(AreaAssessment.region_code).startswith(region_code[:4]))
        .order_by(col(AreaAssessment.id))
    ):
        if row.valid_until is not None and row.valid_until < today:
            continue
        if not region_code.startswith(region_prefix(row.region_code) or row.region_code):
            continue
        if _shape(row.boundary).covers(site):
            found.append(row)
    return found
