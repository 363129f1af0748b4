"""The loaded catalogue: regions, departments, items, versioned processes."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from eap.models import (
    Department,
    Item,
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
from eap.services.admin import catalogue


def test_regions(session: Session) -> None:
    cities = session.exec(select(Region).where(Region.level == "city")).all()
    assert {c.code for c in cities} == {
        "360100",
        "360200",
        "360300",
        "360400",
        "360500",
        "360600",
        "360700",
        "360800",
        "360900",
        "361000",
        "361100",
    }
    counties = session.exec(select(Region).where(Region.level == "county")).all()
    assert len(counties) >= 95
    assert all(c.parent_code and c.parent_code[:4] == c.code[:4] for c in counties)
    assert session.get(Region, "369900").name == "赣江新区"


def test_every_city_has_every_department_kind(session: Session) -> None:
    kinds = {k["kind"] for k in catalogue.department_kinds()}
    assert {"fgw", "zrzy", "zj", "sthj", "sl", "rf", "jt", "cg", "szgy", "window"} <= kinds
    for city in catalogue.city_codes(session):
        have = set(session.exec(select(Department.kind).where(Department.region_code == city)))
        assert have == kinds, city


def test_codes_tables(session: Session) -> None:
    assert [p.code for p in session.exec(select(ProcessType).order_by(ProcessType.code))] == list(
        range(1, 11)
    )
    assert [s.code for s in session.exec(select(StageDef).order_by(StageDef.code))] == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_items_are_complete(session: Session) -> None:
    items = session.exec(select(Item)).all()
    assert len({i.code for i in items}) >= 30
    assert {i.stage_code for i in items} == {1, 2, 3, 4, 5}
    codes = {i.code for i in items}
    for item in items:
        assert item.limit_days >= 1 and item.legal_basis and item.dept_kind
        assert item.result_kind in ("permit", "opinion", "filing")
        mats = session.exec(select(ItemMaterial).where(ItemMaterial.item_id == item.id)).all()
        assert mats, item.code
        assert all(not (m.is_key and m.deferrable) for m in mats)
        if item.result_kind == "permit":
            assert item.certificate_name
    for dep in session.exec(select(ItemDependency)):
        assert dep.requires_code in codes
    # Certificates reused as materials point at permit items that exist.
    for m in session.exec(select(Material).where(col(Material.satisfied_by_item).is_not(None))):
        assert m.satisfied_by_item in codes
    assert any(i.promise_allowed for i in items)
    assert any(m.deferrable for m in session.exec(select(ItemMaterial)))


def test_every_city_publishes_types_1_to_6(session: Session) -> None:
    for city in catalogue.city_codes(session):
        for ptype in range(1, 7):
            proc = catalogue.active_process(session, region_code=city, process_type=ptype)
            assert proc is not None, (city, ptype)
            stages = session.exec(select(ProcessStage).where(ProcessStage.process_id == proc.id))
            assert {s.stage_code for s in stages} == {1, 2, 3, 4, 5}


def test_new_version_leaves_old_one_untouched(session: Session) -> None:
    old = catalogue.active_process(session, region_code="360700", process_type=3)
    assert old is not None
    old_items = [
        (pi.item_id, pi.stage_code, pi.limit_days)
        for pi in session.exec(select(ProcessItem).where(ProcessItem.process_id == old.id))
    ]
    spec = catalogue.template_spec(3)
    spec.items[3] = [e for e in spec.items[3] if e[0] != "S3-07"]
    spec.stage_limits[3] = 12
    new = catalogue.publish_process_version(
        session, region_code="360700", process_type=3, spec=spec, actor_id=None
    )
    session.refresh(old)
    assert new.version == old.version + 1 and new.active and not old.active
    assert catalogue.active_process(session, region_code="360700", process_type=3).id == new.id
    still = [
        (pi.item_id, pi.stage_code, pi.limit_days)
        for pi in session.exec(select(ProcessItem).where(ProcessItem.process_id == old.id))
    ]
    assert still == old_items
    new_count = session.exec(
        select(func.count()).select_from(ProcessItem).where(ProcessItem.process_id == new.id)
    ).one()
    assert new_count == len(old_items) - 1
    old_stage3 = session.exec(
        select(ProcessStage).where(ProcessStage.process_id == old.id, ProcessStage.stage_code == 3)
    ).one()
    assert old_stage3.limit_days == 15


def test_load_is_idempotent(session: Session) -> None:
    before = session.exec(select(func.count()).select_from(Process)).one()
    counts = catalogue.load_all(session)
    assert counts == {
        "jurisdiction": 0,
        "regions": 0,
        "departments": 0,
        "items": 0,
        "intermediary_services": 0,
        "reporting_codes": 0,
        "processes": 0,
    }
    assert session.exec(select(func.count()).select_from(Process)).one() == before
