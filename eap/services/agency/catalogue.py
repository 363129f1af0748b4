"""The catalogue of intermediary services (中介服务事项) from ``data/intermediary.toml``."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlmodel import Session, col, select

from eap.models import ServiceType

DATA = Path(__file__).resolve().parents[2] / "data" / "intermediary.toml"


def load_service_types(session: Session) -> int:
    """Insert or update every service type of the data file (idempotent); returns how many
    were new."""
    with DATA.open("rb") as fh:
        specs = tomllib.load(fh)["service"]
    added = 0
    for spec in specs:
        row = session.get(ServiceType, spec["code"])
        if row is None:
            row, added = ServiceType(code=spec["code"], name_zh="", name_en=""), added + 1
        row.name_zh, row.name_en = spec["name_zh"], spec["name_en"]
        row.item_code = spec.get("item")
        row.material_code = spec.get("material")
        row.qualification = spec.get("qualification", "")
        row.legal_basis = spec.get("basis", "")
        session.add(row)
    session.flush()
    return added


def service_types(session: Session) -> list[ServiceType]:
    return list(session.exec(select(ServiceType).order_by(col(ServiceType.code))))


def service_type(session: Session, code: str) -> ServiceType | None:
    return session.get(ServiceType, code) if code else None
