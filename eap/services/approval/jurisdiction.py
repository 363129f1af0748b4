"""事权 (jurisdiction): which level of government handles an item for a project, and so which
department decides it and which window takes the application.

The rule, as data (``ItemJurisdiction``, loaded from ``eap/data/jurisdiction.toml``): an item is
handled at the level its city's rule names, else the province's rule, else the city. A rule
with a minimum investment applies from it up (the largest one the project reaches wins). Level
county means the project's 县 or 县级市; a municipal district's (市辖区) project stays with the
city unless the rule includes districts. A stage's application is taken by the county's window
when any of its items is handled at the county, else by the city's (一窗受理 at the level that
handles the case); its lead department is the stage's lead kind at that window's level. Where a
county has no active department of the kind, the case goes to its city's.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlmodel import Session, select as sm_select

from eap.db import reading
from eap.errors import DomainError, FieldErrors
from eap.models import Department, Item, ItemJurisdiction, Project, Region
from eap.models.catalogue import Level
from eap.models.common import table_of
from eap.services.core.audit import record
from eap.services.core.authz import PROVINCE, city_of
from eap.services.core.principal import Principal, Role

_T_RULE = table_of(ItemJurisdiction)
_RULES = select(
    _T_RULE.c.item_code,
    _T_RULE.c.region_code,
    _T_RULE.c.level,
    _T_RULE.c.min_investment,
    _T_RULE.c.districts,
).where(_T_RULE.c.region_code.in_(bindparam("regions", expanding=True)))
_T_DEPT = table_of(Department)
_DEPARTMENT_OF_KIND = (
    select(_T_DEPT.c.id)
    .where(
        _T_DEPT.c.region_code == bindparam("region"),
        _T_DEPT.c.kind == bindparam("kind"),
        _T_DEPT.c.active.is_(True),
    )
    .order_by(_T_DEPT.c.id)
    .limit(1)
)
_T_REGION = table_of(Region)
_REGION = select(_T_REGION.c.level, _T_REGION.c.parent_code).where(
    _T_REGION.c.code == bindparam("code")
)


@dataclass(frozen=True)
class Rule:
    item_code: str
    region_code: str
    level: Level
    min_investment: float = 0
    districts: bool = False


@dataclass(frozen=True)
class Routing:
    """Where a project's items go: the region of each item's department, and the window's."""

    item_regions: dict[str, str]
    window_region: str

    def region_of(self, item_code: str) -> str:
        return self.item_regions[item_code]


def is_district(region_code: str) -> bool:
    """市辖区: GB/T 2260 gives a city's municipal districts the codes xx01–xx20."""
    return 1 <= int(region_code[4:]) <= 20


def _county_of(session: Session, region_code: str) -> str | None:
    """The county-level region a project lies in, or None for a project at city level."""
    row = reading(session).execute(_REGION, {"code": region_code}).first()
    return region_code if row is not None and row.level == "county" else None


def rules_for(session: Session, *, city: str) -> dict[str, list[Rule]]:
    """The rules in force for a city's projects, per item: the city's own replace the
    province's for the same item."""
    rows = reading(session).execute(_RULES, {"regions": [city, PROVINCE]}).all()
    mine = {r.item_code for r in rows if r.region_code == city and city != PROVINCE}
    out: dict[str, list[Rule]] = {}
    for r in rows:
        if r.region_code == PROVINCE and r.item_code in mine:
            continue
        out.setdefault(r.item_code, []).append(
            Rule(r.item_code, r.region_code, Level(r.level), r.min_investment, r.districts)
        )
    return out


def rule_for(rules: Iterable[Rule], *, investment: float) -> Rule | None:
    """The rule that applies to a project of that total investment (万元)."""
    fitting = [r for r in rules if investment >= r.min_investment]
    return max(fitting, key=lambda r: r.min_investment, default=None)


def route(session: Session, *, project: Project, item_codes: Iterable[str]) -> Routing:
    """The region of the department for each item, and the window's region."""
    city = city_of(session, project.region_code)
    county = _county_of(session, project.region_code)
    rules = rules_for(session, city=city)
    regions: dict[str, str] = {}
    for code in item_codes:
        rule = rule_for(rules.get(code, ()), investment=project.total_investment)
        level = rule.level if rule is not None else Level.CITY
        if level is Level.PROVINCE:
            regions[code] = PROVINCE
        elif (
            level is Level.COUNTY
            and county is not None
            and (rule is not None and (rule.districts or not is_district(county)))
        ):
            regions[code] = county
        else:
            regions[code] = city
    window = county if county is not None and county in regions.values() else city
    return Routing(regions, window)


def kinds_handled_at(session: Session, *, region_code: str) -> set[str]:
    """The department kinds some rule sends items to at this region (a county, or the
    province), e.g. to know whom a county's office must staff."""
    item_kinds = dict(
        reading(session).execute(select(table_of(Item).c.code, table_of(Item).c.dept_kind)).all()
    )
    if region_code == PROVINCE:
        rows = reading(session).execute(
            select(_T_RULE.c.item_code).where(_T_RULE.c.level == Level.PROVINCE.value)
        )
        return {item_kinds[code] for (code,) in rows if code in item_kinds}
    if _county_of(session, region_code) is None:
        return set()
    rules = rules_for(session, city=city_of(session, region_code))
    return {
        item_kinds[code]
        for code, found in rules.items()
        if code in item_kinds
        and any(
            r.level is Level.COUNTY and (r.districts or not is_district(region_code)) for r in found
        )
    }


def department_for(session: Session, *, region_code: str, kind: str) -> int:
    """The active department of a kind at a region, e.g. the 住建局 of 安义县; where a county
    has none, its city's (a city or the province never hands its cases on)."""
    conn = reading(session)
    found = conn.execute(_DEPARTMENT_OF_KIND, {"region": region_code, "kind": kind}).scalar()
    if found is None and _county_of(session, region_code) is not None:
        city = city_of(session, region_code)
        found = conn.execute(_DEPARTMENT_OF_KIND, {"region": city, "kind": kind}).scalar()
    if found is None:
        raise DomainError("intake.no_department", kind=kind)
    return int(found)


# --- the administrator's rules ------------------------------------------------------------


def load_rules(session: Session, path: str) -> int:
    """The shipped rules (``eap/data/jurisdiction.toml``); a rule already held is kept."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    have = {(r.item_code, r.region_code, r.min_investment) for r in _all(session)}
    added = 0
    for r in data.get("rule", []):
        key = (r["item"], r["region"], float(r.get("min_investment", 0)))
        if key in have:
            continue
        session.add(
            ItemJurisdiction(
                item_code=r["item"],
                region_code=r["region"],
                level=Level(r["level"]),
                min_investment=key[2],
                districts=bool(r.get("districts", False)),
                basis=r.get("basis", ""),
            )
        )
        have.add(key)
        added += 1
    session.flush()
    return added


def _all(session: Session) -> list[ItemJurisdiction]:
    return list(session.exec(sm_select(ItemJurisdiction)).all())


@dataclass(frozen=True)
class RuleRow:
    """A rule as the administrator's page lists it."""

    id: int = 0
    item_code: str = ""
    item_name: str = ""
    region_code: str = ""
    region_name: str = ""
    level: str = ""  # Level
    min_investment: float = 0
    districts: bool = False
    basis: str = ""


def rule_rows(session: Session, *, principal: Principal) -> list[RuleRow]:
    """Every rule, the province's first, then each city's, by item."""
    principal.require_role(Role.ADMIN)
    items = dict(session.exec(sm_select(Item.code, Item.name_zh)).all())
    regions = dict(session.exec(sm_select(Region.code, Region.name)).all())
    rules = sorted(
        _all(session),
        key=lambda r: (r.region_code != PROVINCE, r.region_code, r.item_code, r.min_investment),
    )
    return [
        RuleRow(
            id=r.id or 0,
            item_code=r.item_code,
            item_name=items.get(r.item_code, ""),
            region_code=r.region_code,
            region_name=regions.get(r.region_code, r.region_code),
            level=r.level,
            min_investment=r.min_investment,
            districts=r.districts,
            basis=r.basis,
        )
        for r in rules
    ]


def remove_rule(session: Session, *, principal: Principal, rule_id: int) -> None:
    """Remove a rule: a city's falls back to the province's, the province's to the city."""
    principal.require_role(Role.ADMIN)
    rule = session.get(ItemJurisdiction, rule_id)
    if rule is None:
        raise DomainError("error.not_found")
    detail = {"item": rule.item_code, "region": rule.region_code, "level": rule.level}
    session.delete(rule)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="jurisdiction.remove",
        entity="itemjurisdiction",
        entity_id=rule_id,
        detail=detail,
    )


def set_rule(
    session: Session,
    *,
    principal: Principal,
    item_code: str,
    region_code: str,
    level: str,
    min_investment: float = 0,
    districts: bool = False,
    basis: str = "",
) -> ItemJurisdiction:
    """Set (or change) a rule: the administrator only; a city's rule or the province's.
    Running cases keep their departments; new applications follow the rule."""
    principal.require_role(Role.ADMIN)
    errors = []
    if session.exec(sm_select(Item.id).where(Item.code == item_code)).first() is None:
        errors.append(DomainError("jurisdiction.bad_item", field="item_code", code=item_code))
    region = session.get(Region, region_code)
    if region is None or region.level not in ("province", "city", "zone"):
        errors.append(DomainError("jurisdiction.bad_region", field="region_code", code=region_code))
    if level not in {lv.value for lv in Level}:
        errors.append(DomainError("jurisdiction.bad_level", field="level", level=level))
    if min_investment < 0:
        errors.append(DomainError("jurisdiction.bad_investment", field="min_investment"))
    if errors:
        raise FieldErrors(errors)
    rule = session.exec(
        sm_select(ItemJurisdiction).where(
            ItemJurisdiction.item_code == item_code,
            ItemJurisdiction.region_code == region_code,
            ItemJurisdiction.min_investment == min_investment,
        )
    ).first()
    if rule is None:
        rule = ItemJurisdiction(item_code=item_code, region_code=region_code, level=level)
    rule.level = Level(level)
    rule.min_investment = min_investment
    rule.districts = districts
    rule.basis = basis
    session.add(rule)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="jurisdiction.set",
        entity="itemjurisdiction",
        entity_id=rule.id or 0,
        detail={"item": item_code, "region": region_code, "level": level, "from": min_investment},
    )
    return rule
