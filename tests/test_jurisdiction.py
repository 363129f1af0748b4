"""事权 (jurisdiction): each item case goes to the department of the level that handles it —
province, city or county — and the application to the window of that level."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, col, select

from eap.demo.seed import make_uscc
from eap.errors import DomainError, FieldErrors, PermissionDenied
from eap.models import AuditLog, Department, Item, ItemCase, Project, StageCase
from eap.models.projects import ProjectCreate
from eap.models.supervision import KpiDaily
from eap.services.approval import counter, intake, jurisdiction, workbench
from eap.services.hall import hall
from eap.services.supervision import kpi
from tests.factories import (
    _rng,
    applicant,
    at,
    city_staff,
    everyone,
    file_stage,
    pdf,
    project,
)

DAY = dt.date(2026, 3, 2)  # a Monday


def _where(session: Session, sc: StageCase) -> dict[str, str]:
    """item code → the region of the department its case went to."""
    rows = session.exec(
        select(Item.code, Department.region_code)
        .join(ItemCase, col(ItemCase.item_id) == col(Item.id))
        .join(Department, col(Department.id) == col(ItemCase.department_id))
        .where(ItemCase.stage_case_id == sc.id)
    )
    return dict(rows.all())


def test_a_county_project_files_with_its_county_for_county_items(session: Session) -> None:
    # 安义县 (360123) is a 县 of 南昌: 备案 (S1-04) is the county's by the province's rule,
    # 建设用地规划许可 (S1-06) has no rule and stays with the city.
    county, city = city_staff(session, "360123"), city_staff(session, "360100")
    owner = applicant(session, "360123")
    pid = project(session, owner, ptype=4, region="360123")
    sc = file_stage(session, owner, pid, 1, day=DAY)
    assert _where(session, sc) == {"S1-04": "360123", "S1-06": "360100"}
    assert (sc.region_code, sc.window_region_code) == ("360100", "360123")
    lead = session.get(Department, sc.lead_department_id)
    assert lead is not None and (lead.region_code, lead.kind) == ("360123", "fgw")
    # the county's window has it in its queue and takes it in; the city's does neither
    assert sc.id in {r.id for r in workbench.window_queue(session, principal=county.window).rows}
    assert sc.id not in {r.id for r in workbench.window_queue(session, principal=city.window).rows}
    with pytest.raises(PermissionDenied):
        intake.receive_case(session, principal=city.window, stage_case_id=sc.id, now=at(DAY, 10))
    intake.receive_case(session, principal=county.window, stage_case_id=sc.id, now=at(DAY, 10))
    intake.accept_case(session, principal=county.window, stage_case_id=sc.id, now=at(DAY, 11))
    # the applicant is told which window has it
    card = next(c for c in hall.my_projects(session, principal=owner) if c.id == pid)
    assert card.stages[0].window.startswith("安义县")
    # each level's department decides its own item; the other's cannot
    cases = {
        c.item_id: c for c in session.exec(select(ItemCase).where(ItemCase.stage_case_id == sc.id))
    }
    filing_case = next(c for c in cases.values() if session.get(Item, c.item_id).code == "S1-04")  # type: ignore[union-attr]
    assert filing_case.department_id == county.approvers["fgw"].department_id
    assert filing_case.department_id != city.approvers["fgw"].department_id


def test_a_district_project_stays_with_the_city(session: Session) -> None:
    # 东湖区 (360102) is a 市辖区: the county-level rule does not reach districts
    owner = applicant(session, "360102")
    pid = project(session, owner, ptype=4, region="360102")
    sc = file_stage(session, owner, pid, 1, day=DAY)
    assert _where(session, sc) == {"S1-04": "360100", "S1-06": "360100"}
    assert sc.window_region_code == "360100"


def test_a_large_core_approval_goes_to_the_province(session: Session) -> None:
    # 核准 (S1-03) from 50 000 万元 up is the province's 发改委; below it the city's
    owner = applicant(session, "360102")
    big = project(session, owner, ptype=3, attributes={"needs_core_approval": True})
    small = project(session, owner, ptype=3, attributes={"needs_core_approval": True})
    for pid, investment in ((big, 60000), (small, 49999)):
        p = session.get(Project, pid)
        assert p is not None
        p.total_investment = investment
        session.add(p)
    session.flush()
    assert _where(session, file_stage(session, owner, big, 1, day=DAY))["S1-03"] == "360000"
    assert _where(session, file_stage(session, owner, small, 1, day=DAY))["S1-03"] == "360100"


def test_a_city_rule_replaces_the_provinces_for_its_projects(session: Session) -> None:
    # 赣州 delegates the planning permit (S2-02) to its counties and districts (章贡区 360702
    # included); 吉安 keeps the construction permit (S3-04) at the city while the quality
    # registration (S3-05) follows the province's rule to the county (吉安县 360821).
    admin = everyone(
        session, city_staff(session), city_staff(session, "360700"), applicant(session)
    )["admin"]
    for item, city, level, districts in (
        ("S2-02", "360700", "county", True),
        ("S3-04", "360800", "city", False),
    ):
        jurisdiction.set_rule(
            session,
            principal=admin,
            item_code=item,
            region_code=city,
            level=level,
            districts=districts,
        )
    rules = jurisdiction.rules_for(session, city="360800")
    assert [r.level for r in rules["S3-04"]] == ["city"]
    owner = applicant(session, "360702")
    pid = project(session, owner, ptype=4, region="360702")
    routing = jurisdiction.route(
        session,
        project=session.get(Project, pid),
        item_codes=["S2-02", "S3-04"],  # type: ignore[arg-type]
    )
    assert routing.item_regions == {"S2-02": "360702", "S3-04": "360700"}
    assert routing.window_region == "360702"
    jian = project(session, applicant(session, "360821"), ptype=4, region="360821")
    routing = jurisdiction.route(
        session,
        project=session.get(Project, jian),
        item_codes=["S3-04", "S3-05"],  # type: ignore[arg-type]
    )
    assert routing.item_regions == {"S3-04": "360800", "S3-05": "360821"}


def test_without_an_active_department_the_case_goes_up_a_level(session: Session) -> None:
    for dept in session.exec(
        select(Department).where(Department.region_code == "360123", Department.kind == "fgw")
    ):
        dept.active = False
        session.add(dept)
    session.flush()
    owner = applicant(session, "360123")
    pid = project(session, owner, ptype=4, region="360123")
    sc = file_stage(session, owner, pid, 1, day=DAY)
    # the item is still the county's by 事权, so the county's window takes the application,
    # but its case and the stage's lead go to the city's 发改委
    assert _where(session, sc)["S1-04"] == "360100"
    assert sc.window_region_code == "360123"
    lead = session.get(Department, sc.lead_department_id)
    assert lead is not None and lead.region_code == "360100"


def test_the_administrator_sets_a_rule_checked_and_audited(session: Session) -> None:
    admin = everyone(
        session, city_staff(session), city_staff(session, "360700"), applicant(session)
    )["admin"]
    owner = applicant(session, "360123")
    with pytest.raises(PermissionDenied):
        jurisdiction.set_rule(
            session, principal=owner, item_code="S1-06", region_code="360100", level="county"
        )
    with pytest.raises(FieldErrors) as bad:
        jurisdiction.set_rule(
            session,
            principal=admin,
            item_code="S9-99",
            region_code="360123",
            level="village",
            min_investment=-1,
        )
    assert set(bad.value.by_field("zh")) == {"item_code", "region_code", "level", "min_investment"}
    rule = jurisdiction.set_rule(
        session,
        principal=admin,
        item_code="S1-06",
        region_code="360100",
        level="county",
        basis="南昌市下放（测试）",
    )
    pid = project(session, owner, ptype=4, region="360123")
    sc = file_stage(session, owner, pid, 1, day=DAY)
    assert _where(session, sc) == {"S1-04": "360123", "S1-06": "360123"}
    audit = session.exec(
        select(AuditLog).where(AuditLog.action == "jurisdiction.set", AuditLog.entity_id == rule.id)
    ).first()
    assert audit is not None and audit.actor_id == admin.user_id


def _walk_in_project(session: Session, window, region: str) -> int:  # type: ignore[no-untyped-def]
    walk_in = counter.register_walk_in(
        session,
        principal=window,
        uscc=make_uscc(_rng, region),
        name="安义建设有限公司",
        legal_rep="赵六",
        phone="13911112222",
        region_code=region,
    )
    n = _rng.randint(100000, 899999)
    return (
        counter.register_walk_in_project(
            session,
            principal=window,
            company_id=walk_in.company_id,
            data=ProjectCreate(
                project_code=f"2026-{region}-47-01-{n:06d}",
                name=f"安义厂房{n}",
                region_code=region,
                location="安义县工业园",
                total_investment=8000,
                process_type=4,
            ),
        ).id
        or 0
    )


def _scan(session: Session, window, pid: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    form = counter.counter_form(session, principal=window, project_id=pid, stage_code=1)
    return {
        n.code: counter.scan_material(
            session, principal=window, project_id=pid, filename=f"{n.code}.pdf", content=pdf()
        ).id
        or 0
        for n in form.materials
        if not n.satisfied_by
    }


def test_the_counter_files_at_the_window_of_the_stages_level(session: Session) -> None:
    county, city = city_staff(session, "360123"), city_staff(session, "360100")
    # the city's window may serve a county's walk-in, but a stage of county items is the
    # county window's: refused with where to go, nothing kept
    pid = _walk_in_project(session, city.window, "360123")
    with pytest.raises(DomainError) as refused:
        counter.file_at_counter(
            session,
            principal=city.window,
            project_id=pid,
            stage_code=1,
            uploads=_scan(session, city.window, pid),
            now=at(DAY, 9),
        )
    assert refused.value.key == "counter.other_window"
    assert "安义县" in refused.value.translate("zh")
    session.rollback()
    # the county's window serves only its county
    with pytest.raises(DomainError) as outside:
        counter.register_walk_in(
            session,
            principal=county.window,
            uscc=make_uscc(_rng, "360102"),
            name="东湖建设",
            legal_rep="钱七",
            phone="13911112222",
            region_code="360102",
        )
    assert outside.value.key == "counter.region"


def test_a_county_case_rolls_up_into_its_city(session: Session) -> None:
    county = city_staff(session, "360123")
    city_staff(session, "360100")
    owner = applicant(session, "360123")
    pid = project(session, owner, ptype=4, region="360123")
    sc = file_stage(session, owner, pid, 1, day=DAY)
    intake.receive_case(session, principal=county.window, stage_case_id=sc.id, now=at(DAY, 10))
    intake.accept_case(session, principal=county.window, stage_case_id=sc.id, now=at(DAY, 11))
    kpi.rollup(session, start=DAY, end=DAY)
    rows = session.exec(
        select(KpiDaily).where(KpiDaily.day == DAY, KpiDaily.county_code == "360123")
    ).all()
    by_dept = {r.department_id: r for r in rows}
    county_fgw = county.approvers["fgw"].department_id
    assert by_dept[county_fgw].city_code == "360100" and by_dept[county_fgw].accepted == 1
