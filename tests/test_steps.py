"""经办 → 审核 → 签发 inside a department, with 退回 and 转办."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import CaseEvent
from eap.models.cases import Blzt
from eap.services.approval import filing, handling, intake, steps
from tests.factories import _user, applicant, at, cases_by_code, city_staff, project, upload_missing

D = dt.date


def test_handle_review_sign_with_send_back_and_transfer(session: Session) -> None:
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
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id)
    intake.accept_case(session, principal=city.window, stage_case_id=sc.id)
    case = cases_by_code(session, sc.id)["S1-06"]
    handler, head = city.approvers["zrzy"], city.heads["zrzy"]
    reviewer = _user(session, "approver", region_code="360100", department_id=handler.department_id)
    with pytest.raises(PermissionDenied):  # only the head (or admin) configures
        steps.set_chain(
            session,
            principal=handler,
            department_id=handler.department_id,
            item_id=None,
            steps=["handle", "review", "sign"],
        )
    with pytest.raises(DomainError):
        steps.set_chain(
            session,
            principal=head,
            department_id=head.department_id,
            item_id=None,
            steps=["review", "sign"],
        )
    steps.set_chain(
        session,
        principal=head,
        department_id=head.department_id,
        item_id=None,
        steps=["handle", "review", "sign"],
    )
    handling.start_handling(session, principal=handler, item_case_id=case.id)
    with pytest.raises(DomainError) as err:  # a chain is configured: no direct decision
        handling.decide(
            session, principal=handler, item_case_id=case.id, outcome="approve", opinion="同意"
        )
    assert err.value.key == "steps.required"
    steps.transfer(
        session,
        principal=handler,
        item_case_id=case.id,
        to_user_id=reviewer.user_id,
        reason="休假，转同事办理",
    )
    assert case.assignee_id == reviewer.user_id
    colleague = reviewer  # the case is theirs now; the first handler reviews it instead
    other_city = city_staff(session, "360700")
    with pytest.raises(DomainError) as err:
        steps.transfer(
            session,
            principal=colleague,
            item_case_id=case.id,
            to_user_id=other_city.approvers["zrzy"].user_id,
            reason="x",
        )
    assert err.value.key == "steps.bad_colleague"
    with pytest.raises(PermissionDenied) as taken:  # four eyes: handed on, it is not theirs
        steps.propose(
            session, principal=handler, item_case_id=case.id, outcome="approve", opinion="拟同意"
        )
    assert taken.value.key == "case.assigned_to_other"
    steps.propose(
        session,
        principal=colleague,
        item_case_id=case.id,
        outcome="approve",
        opinion="经审查符合条件，拟同意",
    )
    with pytest.raises(DomainError) as err:
        steps.review(session, principal=colleague, item_case_id=case.id)
    assert err.value.key == "steps.own_proposal"
    with pytest.raises(DomainError):  # not yet at the signing step
        steps.sign(session, principal=head, item_case_id=case.id)
    steps.send_back(session, principal=handler, item_case_id=case.id, reason="请补充核查意见")
    assert case.step == 0 and case.proposal == {}
    steps.propose(
        session,
        principal=colleague,
        item_case_id=case.id,
        outcome="approve",
        opinion="已补充核查意见，拟同意",
    )
    steps.review(session, principal=handler, item_case_id=case.id, opinion="审核通过")
    with pytest.raises(PermissionDenied):
        steps.sign(session, principal=colleague, item_case_id=case.id)
    steps.sign(session, principal=head, item_case_id=case.id, opinion="同意，签发")
    assert case.status == Blzt.APPROVED and case.step == 0
    actions = session.exec(
        select(CaseEvent.action)
        .where(CaseEvent.item_case_id == case.id)
        .order_by(col(CaseEvent.id))
    ).all()
    assert actions == [
        "receive",
        "accept",
        "start",
        "transfer",
        "step.forward",
        "step.back",
        "step.forward",
        "step.forward",
        "approve",
    ]
