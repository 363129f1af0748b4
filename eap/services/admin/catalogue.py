"""Reference data and the item catalogue (事项目录), and versioned city processes.

The data files under ``eap/data`` are the initial state; loading is idempotent. A process is
changed only by publishing a new version: cases pin the ``process_id`` they started on, so
running cases never see a change.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, func, select

from eap.errors import DomainError
from eap.models import (
    Department,
    Item,
    ItemCode,
    ItemDependency,
    ItemMaterial,
    Material,
    Process,
    ProcessItem,
    ProcessStage,
    ProcessType,
    Region,
    StageDef,
)
from eap.services.agency.catalogue import load_service_types
from eap.services.approval import jurisdiction
from eap.services.core.audit import record

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
CITY_LEVELS = ("city", "zone")


def _toml(name: str) -> dict:
    with (DATA_DIR / name).open("rb") as fh:
        return tomllib.load(fh)


def load_regions(session: Session) -> int:
    added = 0
    with (DATA_DIR / "regions.csv").open(encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: (r["level"] != "province", r["code"]))
    for r in rows:
        if session.get(Region, r["code"]):
            continue
        session.add(
            Region(
                code=r["code"],
                name=r["name"],
                level=r["level"],
                parent_code=r["parent_code"] or None,
                longitude=float(r["longitude"]) if r["longitude"] else None,
                latitude=float(r["latitude"]) if r["latitude"] else None,
            )
        )
        added += 1
        session.flush()
    return added


def department_kinds() -> list[dict[str, str]]:
    return list(_toml("reference.toml")["department_kind"])


def load_reference(session: Session) -> None:
    ref = _toml("reference.toml")
    for pt in ref["process_type"]:
        if not session.get(ProcessType, pt["code"]):
            session.add(ProcessType(**pt))
    for st in ref["stage"]:
        if not session.get(StageDef, st["code"]):
            session.add(StageDef(**st))
    session.flush()


def load_departments(session: Session, *, region_codes: list[str]) -> int:
    """One department of every kind in each given region (city, zone or county)."""
    kinds = department_kinds()
    existing = set(session.exec(select(Department.code)))
    added = 0
    for code in region_codes:
        region = session.get(Region, code)
        if region is None:
            raise DomainError("error.not_found")
        prefix = region.name
        for k in kinds:
            dcode = f"{code}-{k['kind']}"
            if dcode in existing:
                continue
            session.add(
                Department(
                    code=dcode,
                    name=f"{prefix}{k['name_zh']}",
                    kind=k["kind"],
                    region_code=code,
                    address=f"{prefix}政务服务中心",
                    office_hours="周一至周五 9:00-12:00, 13:30-17:00",
                )
            )
            added += 1
    session.flush()
    return added


def load_reporting_codes(session: Session) -> int:
    """Departments' organisation codes (SPBMBM) and the cities' 实施清单 item codes (SPSXBM)
    from ``department_codes.csv`` and ``item_codes.csv``; a code set by hand is kept."""
    changed = 0
    with (DATA_DIR / "department_codes.csv").open(encoding="utf-8") as fh:
        org_codes = {r["department_code"]: r["org_code"] for r in csv.DictReader(fh)}
    for dept in session.exec(select(Department).where(Department.org_code == "")):
        if dept.code in org_codes:
            dept.org_code = org_codes[dept.code]
            session.add(dept)
            changed += 1
    have = set(session.exec(select(ItemCode.item_code, ItemCode.region_code)).all())
    regions = set(session.exec(select(Region.code)))
    with (DATA_DIR / "item_codes.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            key = (r["item_code"], r["region_code"])
            if key not in have and r["region_code"] in regions:
                session.add(
                    ItemCode(
                        item_code=r["item_code"],
                        region_code=r["region_code"],
                        listed_code=r["listed_code"],
                    )
                )
                changed += 1
    session.flush()
    return changed


def load_items(session: Session) -> int:
    cat = _toml("catalogue.toml")
    materials: dict[str, Material] = {m.code: m for m in session.exec(select(Material))}
    for code, spec in cat["materials"].items():
        if code not in materials:
            m = Material(
                code=code,
                name_zh=spec[0],
                name_en=spec[1],
                satisfied_by_item=spec[2] if len(spec) > 2 else None,
                company_wide=code in cat.get("company_wide", ()),
            )
            session.add(m)
            materials[code] = m
    session.flush()
    added = 0
    for spec in cat["item"]:
        if session.exec(select(Item).where(Item.code == spec["code"])).first():
            continue
        item = Item(
            code=spec["code"],
            version=1,
            name_zh=spec["name_zh"],
            name_en=spec["name_en"],
            dept_kind=spec["dept"],
            stage_code=spec["stage"],
            limit_days=spec["limit"],
            promise_allowed=spec.get("promise", False),
            result_kind=spec["result"],
            certificate_name=spec.get("certificate", ""),
            legal_basis=spec.get("basis", ""),
            fee=spec.get("fee", ""),
            intermediary=spec.get("intermediary", False),
        )
        session.add(item)
        session.flush()
        assert item.id is not None
        for mcode, is_key, deferrable in spec["materials"]:
            session.add(
                ItemMaterial(
                    item_id=item.id,
                    material_id=materials[mcode].id or 0,  # flushed above: never 0
                    is_key=is_key,
                    deferrable=deferrable and not is_key,
                )
            )
        for req in spec.get("requires", []):
            session.add(ItemDependency(item_id=item.id, requires_code=req))
        added += 1
    session.flush()
    return added


def latest_items(session: Session) -> dict[str, Item]:
    """The newest version of every item, by code."""
    items: dict[str, Item] = {}
    for item in session.exec(select(Item).order_by(col(Item.code), col(Item.version))):
        items[item.code] = item
    return items


@dataclass(frozen=True)
class ProcessSpec:
    stage_limits: dict[int, int]
    items: dict[int, list[tuple[str, str]]]  # stage -> [(item code, condition)]


@dataclass(frozen=True)
class ProcessContents:
    """A published process version as it stands: the spec to publish it again from, each
    item's promised limit in it and its item version's statutory limit."""

    spec: ProcessSpec
    promised: dict[str, int]
    statutory: dict[str, int]


def process_contents(session: Session, *, process_id: int) -> ProcessContents:
    items: dict[int, list[tuple[str, str]]] = {}
    promised: dict[str, int] = {}
    statutory: dict[str, int] = {}
    for pi, item in session.exec(
        select(ProcessItem, Item)
        .join(Item, col(Item.id) == col(ProcessItem.item_id))
        .where(ProcessItem.process_id == process_id)
        .order_by(col(Item.code))
    ):
        items.setdefault(pi.stage_code, []).append((item.code, pi.condition))
        promised[item.code], statutory[item.code] = pi.limit_days, item.limit_days
    stages = {
        s.stage_code: s.limit_days
        for s in session.exec(select(ProcessStage).where(ProcessStage.process_id == process_id))
    }
    return ProcessContents(ProcessSpec(stages, items), promised, statutory)


def template_spec(process_type: int) -> ProcessSpec:
    raw = _toml("processes.toml")["type"][str(process_type)]
    items: dict[int, list[tuple[str, str]]] = {}
    for stage, entries in raw["items"].items():
        items[int(stage)] = [(e, "") if isinstance(e, str) else (e[0], e[1]) for e in entries]
    return ProcessSpec({int(k): v for k, v in raw["stages"].items()}, items)


def process_code(region_code: str, process_type: int) -> str:
    return f"{region_code}-SPLC-{process_type:02d}"


def publish_process_version(
    session: Session,
    *,
    region_code: str,
    process_type: int,
    spec: ProcessSpec,
    actor_id: int | None,
    item_limits: dict[str, int] | None = None,
) -> Process:
    """Publish a new version of a city's process; the previous one stops taking new cases.

    Older versions' rows are left exactly as they were, so running cases keep their rules.
    """
    region = session.get(Region, region_code)
    ptype = session.get(ProcessType, process_type)
    if region is None or ptype is None:
        raise DomainError("error.not_found")
    items = latest_items(session)
    for entries in spec.items.values():
        for code, _cond in entries:
            if code not in items:
                raise DomainError("catalogue.unknown_item", code=code)
    code = process_code(region_code, process_type)
    current = session.exec(select(func.max(Process.version)).where(Process.code == code)).one()
    for old in session.exec(select(Process).where(Process.code == code, col(Process.active))):
        old.active = False
        session.add(old)
    stages = {s.code: s for s in session.exec(select(StageDef))}
    process = Process(
        code=code,
        version=(current or 0) + 1,
        region_code=region_code,
        process_type=process_type,
        name=f"{region.name}{ptype.name_zh}审批流程",
    )
    session.add(process)
    session.flush()
    assert process.id is not None
    for stage_code, limit in spec.stage_limits.items():
        session.add(
            ProcessStage(
                process_id=process.id,
                stage_code=stage_code,
                limit_days=limit,
                lead_kind=stages[stage_code].lead_kind,
            )
        )
    for stage_code, entries in spec.items.items():
        for item_code, condition in entries:
            item = items[item_code]
            assert item.id is not None
            session.add(
                ProcessItem(
                    process_id=process.id,
                    item_id=item.id,
                    stage_code=stage_code,
                    limit_days=(item_limits or {}).get(item_code, item.limit_days),
                    required=not condition,
                    condition=condition,
                )
            )
    record(
        session,
        actor_id=actor_id,
        action="process.publish",
        entity="process",
        entity_id=process.id,
        detail={"code": code, "version": process.version},
    )
    session.flush()
    return process


def active_process(session: Session, *, region_code: str, process_type: int) -> Process | None:
    return session.exec(
        select(Process).where(
            Process.code == process_code(region_code, process_type), col(Process.active)
        )
    ).first()


def city_codes(session: Session) -> list[str]:
    return list(
        session.exec(
            select(Region.code).where(col(Region.level).in_(CITY_LEVELS)).order_by(Region.code)
        )
    )


def load_all(session: Session, *, actor_id: int | None = None) -> dict[str, int]:
    """Load regions, reference tables, departments, items and v1 processes (idempotent)."""
    counts = {"regions": load_regions(session)}
    load_reference(session)
    cities = city_codes(session)
    counties = list(session.exec(select(Region.code).where(Region.level == "county")))
    counts["departments"] = load_departments(session, region_codes=["360000", *cities, *counties])
    counts["items"] = load_items(session)
    counts["intermediary_services"] = load_service_types(session)
    counts["reporting_codes"] = load_reporting_codes(session)
    counts["jurisdiction"] = jurisdiction.load_rules(session, str(DATA_DIR / "jurisdiction.toml"))
    published = 0
    for city in cities:
        for ptype in range(1, 7):
            if active_process(session, region_code=city, process_type=ptype) is None:
                publish_process_version(
                    session,
                    region_code=city,
                    process_type=ptype,
                    spec=template_spec(ptype),
                    actor_id=actor_id,
                )
                published += 1
    counts["processes"] = published
    return counts
