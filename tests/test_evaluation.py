"""好差评: once per finished case, bad grades rectified within 15 working days."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from eap.errors import DomainError, PermissionDenied
from eap.services.approval import filing
from eap.services.hall import evaluation
from tests.factories import applicant, at, city_staff, project, upload_missing

D = dt.date


def _finished(session: Session):  # type: ignore[no-untyped-def]
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        uploads=upload_missing(session, owner, pid, 1),
        now=at(D(2026, 11, 2), 9),
    )
    return city, owner, sc


def test_rating_rules(session: Session) -> None:
    city, owner, sc = _finished(session)
    with pytest.raises(DomainError) as err:
        evaluation.rate_case(session, principal=owner, stage_case_id=sc.id, grade=5)
    assert err.value.key == "evaluation.not_finished"
    filing.withdraw_application(session, principal=owner, stage_case_id=sc.id, reason="不建了")
    with pytest.raises(PermissionDenied):
        evaluation.rate_case(session, principal=applicant(session), stage_case_id=sc.id, grade=5)
    with pytest.raises(DomainError) as err:
        evaluation.rate_case(session, principal=owner, stage_case_id=sc.id, grade=6)
    assert err.value.key == "evaluation.grade"
    with pytest.raises(DomainError) as err:
        evaluation.rate_case(session, principal=owner, stage_case_id=sc.id, grade=1)
    assert err.value.key == "evaluation.comment_required"
    ev = evaluation.rate_case(
        session,
        principal=owner,
        stage_case_id=sc.id,
        grade=1,
        comment="窗口态度差",
        now=at(D(2026, 11, 3)),
    )
    assert ev.rectify_by == D(2026, 11, 24)  # 15 working days after 3 Nov
    with pytest.raises(DomainError) as err:
        evaluation.rate_case(session, principal=owner, stage_case_id=sc.id, grade=5)
    assert err.value.key == "evaluation.once"
    with pytest.raises(PermissionDenied):
        evaluation.rectify(
            session,
            principal=city.approvers["zj"],
            evaluation_id=ev.id,
            rectification="x",
            callback_note="y",
        )
    done = evaluation.rectify(
        session,
        principal=city.approvers["fgw"],
        evaluation_id=ev.id,
        rectification="已约谈窗口人员并整改",
        callback_note="电话回访，申请人认可",
    )
    assert done.rectified_at is not None and done.callback_at is not None


def test_bad_grades_listed_for_the_lead_until_rectified(session: Session) -> None:
    from eap.services.approval import workbench

    city, owner, sc = _finished(session)
    filing.withdraw_application(session, principal=owner, stage_case_id=sc.id, reason="不建了")
    ev = evaluation.rate_case(
        session, principal=owner, stage_case_id=sc.id, grade=2, comment="等待时间长"
    )
    rows = workbench.bad_grades(session, principal=city.approvers["fgw"])
    assert [r.id for r in rows if r.id == ev.id]
    assert not [
        r for r in workbench.bad_grades(session, principal=city.approvers["zj"]) if r.id == ev.id
    ]
    evaluation.rectify(
        session,
        principal=city.approvers["fgw"],
        evaluation_id=ev.id,
        rectification="优化排队叫号",
        callback_note="已回访",
    )
    assert not [
        r for r in workbench.bad_grades(session, principal=city.approvers["fgw"]) if r.id == ev.id
    ]
