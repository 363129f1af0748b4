"""策划生成 (project generation): a planned project circulated by the lead department, the
departments' opinions and conditions, one conclusion; the builder registers it and the
conditions follow into stage 1."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from eap.errors import DomainError, FieldErrors, PermissionDenied
from eap.models import AuditLog, Company, PlannedProject, Project
from eap.models.projects import PlanStatus, ProjectCreate
from eap.services.approval import generation, workbench
from eap.services.hall import projects
from tests.factories import applicant, at, city_staff, file_stage, next_code

DAY = dt.date(2026, 3, 2)
CONSULTED = ("zj", "sthj", "sl")


def _builder_uscc(session: Session, owner) -> str:  # type: ignore[no-untyped-def]
    company = session.get(Company, owner.company_id)
    assert company is not None
    return company.uscc


def _plan(session: Session, city, owner) -> PlannedProject:  # type: ignore[no-untyped-def]
    return generation.propose(
        session,
        principal=city.approvers["zrzy"],
        name="赣江新区生物医药产业园一期",
        region_code="360102",
        total_investment=32000,
        land_area=86000,
        location="东湖区规划产业用地 A-07 地块",
        description="标准厂房及研发楼",
        builder_uscc=_builder_uscc(session, owner),
        kinds=CONSULTED,
        now=at(DAY, 9),
    )


def _row(session: Session, principal, plan: PlannedProject) -> generation.PlanRow:  # type: ignore[no-untyped-def]
    """This test's plan as the department's list shows it (other plans may be committed)."""
    return next(
        p for p in generation.plans_for_department(session, principal=principal) if p.id == plan.id
    )


def _all_agree(session: Session, city, plan: PlannedProject) -> None:  # type: ignore[no-untyped-def]
    rows = {
        r.department: r
        for r in generation.plans_for_department(session, principal=city.approvers["zrzy"])[
            0
        ].opinions
    }
    assert len(rows) == 4  # the lead's own and the three consulted
    for kind, conditions in (
        ("zrzy", "容积率不大于 2.0，建筑限高 45 米"),
        ("zj", ""),
        ("sthj", "须按园区规划环评要求建设污水预处理设施"),
        ("sl", "场地排水接入市政管网，雨污分流"),
    ):
        mine = next(
            o
            for o in generation.plans_for_department(session, principal=city.approvers[kind])[
                0
            ].opinions
            if o.mine
        )
        generation.record_opinion(
            session,
            principal=city.approvers[kind],
            opinion_id=mine.id,
            agreed=True,
            opinion="同意",
            conditions=conditions,
            now=at(DAY, 11),
        )


def test_a_plan_is_circulated_agreed_registered_and_its_conditions_reach_stage_one(
    session: Session,
) -> None:
    city = city_staff(session)
    owner = applicant(session)
    plan = _plan(session, city, owner)
    assert plan.code.startswith("CH3601002026") and plan.status == PlanStatus.CIRCULATING
    # the consulted departments see it waiting on them; not the builder yet
    sthj = _row(session, city.approvers["sthj"], plan)
    assert sthj.waiting_on_me and not sthj.leading
    assert generation.plans_to_register(session, principal=owner) == []
    with pytest.raises(DomainError) as early:  # the lead waits for every opinion
        generation.conclude(
            session, principal=city.approvers["zrzy"], planned_id=plan.id or 0, conclusion="同意"
        )
    assert early.value.key == "generation.opinions_missing"
    _all_agree(session, city, plan)
    with pytest.raises(PermissionDenied):  # only the lead concludes
        generation.conclude(
            session, principal=city.approvers["zj"], planned_id=plan.id or 0, conclusion="同意"
        )
    generation.conclude(
        session,
        principal=city.approvers["zrzy"],
        planned_id=plan.id or 0,
        conclusion="各部门同意，策划生成",
        now=at(DAY, 15),
    )
    assert plan.status == PlanStatus.AGREED
    # the builder registers it from the plan
    [choice] = generation.plans_to_register(session, principal=owner)
    assert (choice.name, choice.total_investment) == (plan.name, 32000)
    project = projects.register_project(
        session,
        principal=owner,
        data=ProjectCreate(
            project_code=next_code(),
            name=choice.name,
            region_code=choice.region_code,
            location=choice.location,
            total_investment=choice.total_investment,
            land_area=choice.land_area,
            process_type=3,
            attributes={"filing_only": True},
        ),
        planned_id=choice.id,
    )
    assert project.planned_id == plan.id and plan.status == PlanStatus.REGISTERED
    assert generation.plans_to_register(session, principal=owner) == []
    # the conditions follow into stage 1: every department of the stage sees them
    sc = file_stage(session, owner, project.id or 0, 1, day=DAY + dt.timedelta(days=7))
    view = workbench.stage_case_view(session, principal=city.window, stage_case_id=sc.id or 0)
    assert {c.conditions for c in view.conditions} == {
        "容积率不大于 2.0，建筑限高 45 米",
        "须按园区规划环评要求建设污水预处理设施",
        "场地排水接入市政管网，雨污分流",
    }
    assert len(view.conditions) == 3  # the department without conditions adds none
    audit = session.exec(
        select(AuditLog.action).where(
            AuditLog.entity == "plannedproject", AuditLog.entity_id == str(plan.id)
        )
    ).all()
    assert sorted(set(audit)) == ["generation.conclude", "generation.opinion", "generation.propose"]


def test_one_department_not_agreeing_returns_the_plan(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    plan = _plan(session, city, owner)
    for kind in ("zrzy", *CONSULTED):
        mine = next(
            o
            for o in generation.plans_for_department(session, principal=city.approvers[kind])[
                0
            ].opinions
            if o.mine
        )
        generation.record_opinion(
            session,
            principal=city.approvers[kind],
            opinion_id=mine.id,
            agreed=kind != "sl",
            opinion="地块位于洪水淹没区，不同意" if kind == "sl" else "同意",
        )
    generation.conclude(
        session, principal=city.approvers["zrzy"], planned_id=plan.id or 0, conclusion="退回调整"
    )
    assert plan.status == PlanStatus.RETURNED
    assert generation.plans_to_register(session, principal=owner) == []
    with pytest.raises(DomainError) as refused:  # not registrable from a returned plan
        projects.register_project(
            session,
            principal=owner,
            data=ProjectCreate(
                project_code=next_code(),
                name=plan.name,
                region_code="360102",
                location="东湖区",
                total_investment=1,
                process_type=3,
            ),
            planned_id=plan.id,
        )
    assert refused.value.key == "generation.not_registrable"
    assert session.exec(select(Project).where(Project.name == plan.name)).first() is None


def test_who_may_start_a_plan_and_what_it_must_say(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    with pytest.raises(PermissionDenied):  # 住建 does not keep the blueprint
        generation.propose(
            session,
            principal=city.approvers["zj"],
            name="x",
            region_code="360102",
            total_investment=1,
            kinds=("zrzy",),
        )
    with pytest.raises(FieldErrors) as bad:
        generation.propose(
            session,
            principal=city.approvers["fgw"],
            name=" ",
            region_code="360702",  # 赣州's: not this city
            total_investment=-5,
            builder_uscc="123",
            kinds=(),
        )
    assert set(bad.value.by_field("zh")) == {
        "name",
        "region_code",
        "total_investment",
        "builder_uscc",
        "kinds",
    }
    # an opinion only from the department it is asked of
    plan = _plan(session, city, owner)
    other = next(
        o
        for o in generation.plans_for_department(session, principal=city.approvers["zj"])[
            0
        ].opinions
        if not o.mine
    )
    with pytest.raises(PermissionDenied):
        generation.record_opinion(
            session,
            principal=city.approvers["zj"],
            opinion_id=other.id,
            agreed=True,
            opinion="同意",
        )
    assert plan.status == PlanStatus.CIRCULATING
