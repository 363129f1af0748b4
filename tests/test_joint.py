"""联合验收: one request, each department's inspection, one combined result."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from eap.errors import DomainError, PermissionDenied
from eap.models import JointInspection, Notification
from eap.services.approval import filing, intake, joint
from tests.factories import applicant, at, city_staff, project, run_stage, upload_missing

D = dt.date


def test_joint_acceptance(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    day = D(2026, 3, 2)
    for stage in (1, 2, 3):
        _sc, day = run_stage(session, city, owner, pid, stage, day)
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=4,
        uploads=upload_missing(session, owner, pid, 4),
        now=at(day, 9),
    )
    with pytest.raises(DomainError) as err:  # not accepted yet
        joint.request_joint_acceptance(
            session,
            principal=city.approvers["zj"],
            stage_case_id=sc.id,
            site_visit_on=day,
            now=at(day, 9),
        )
    assert err.value.key == "joint.not_acceptance_stage"
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 10))
    intake.accept_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 11))
    with pytest.raises(PermissionDenied):  # only the lead department (住建) requests it
        joint.request_joint_acceptance(
            session,
            principal=city.approvers["zrzy"],
            stage_case_id=sc.id,
            site_visit_on=day + dt.timedelta(3),
            now=at(day, 12),
        )
    j = joint.request_joint_acceptance(
        session,
        principal=city.approvers["zj"],
        stage_case_id=sc.id,
        site_visit_on=day + dt.timedelta(3),
        now=at(day, 12),
    )
    with pytest.raises(DomainError):
        joint.request_joint_acceptance(
            session,
            principal=city.approvers["zj"],
            stage_case_id=sc.id,
            site_visit_on=day + dt.timedelta(3),
            now=at(day, 12),
        )
    slots = session.exec(select(JointInspection).where(JointInspection.joint_id == j.id)).all()
    assert len(slots) == 3  # 规划核实, 城建档案, 竣工验收备案
    visit = day + dt.timedelta(3)
    with pytest.raises(DomainError) as err:
        joint.conclude(
            session,
            principal=city.approvers["zj"],
            joint_id=j.id,
            conclusion="x",
            now=at(visit, 16),
        )
    assert err.value.key == "joint.inspections_missing"
    for slot in slots:
        kind = "zrzy" if slot.department_id == city.approvers["zrzy"].department_id else "zj"
        with pytest.raises(PermissionDenied):
            other = "jt"
            joint.record_inspection(
                session,
                principal=city.approvers[other],
                inspection_id=slot.id,
                visited_on=visit,
                passed=True,
                opinion="x",
                now=at(visit, 15),
            )
        joint.record_inspection(
            session,
            principal=city.approvers[kind],
            inspection_id=slot.id,
            visited_on=visit,
            passed=kind != "zrzy",
            opinion="现场核查",
            now=at(visit, 15),
        )
    result = joint.conclude(
        session,
        principal=city.approvers["zj"],
        joint_id=j.id,
        conclusion="规划核实不符合，需整改后复验",
        now=at(visit, 16),
    )
    assert result.passed is False and result.status == "concluded"
    view = joint.joint_view(session, principal=city.approvers["zrzy"], stage_case_id=sc.id)
    assert view is not None
    assert [i.recorded and not i.passed for i in view.inspections].count(True) == 1
    keys = {
        n.key for n in session.exec(select(Notification).where(Notification.stage_case_id == sc.id))
    }
    assert {"notify.joint_requested", "notify.joint_failed"} <= keys
    # an inspection changes no 办理状态: the national history still shows one 受理 per case
    from eap.models import ItemCase
    from eap.services.exchange.approval_tables import history_rows

    case_ids = [
        c.id or 0
        for c in session.exec(select(ItemCase).where(ItemCase.stage_case_id == sc.id)).all()
    ]
    rows = [r.fields for r in history_rows(session, case_ids)]
    assert rows and all(
        [r["BLZT"] for r in rows if r["SPSXSLBM"] == no].count(3) == 1
        for no in {r["SPSXSLBM"] for r in rows}
    )
