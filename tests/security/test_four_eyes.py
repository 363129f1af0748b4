"""Four eyes (双人复核): in a review chain nobody signs what they proposed, and a case handed
to a person is theirs alone until it is handed on — by them or by the department head."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from eap.errors import DomainError, PermissionDenied
from eap.models.cases import Blzt
from eap.services.approval import filing, handling, intake, steps
from tests.factories import _user, applicant, at, cases_by_code, city_staff, project, upload_missing


def _case(session: Session):  # type: ignore[no-untyped-def]
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        uploads=upload_missing(session, owner, pid, 1),
        now=at(dt.date(2026, 11, 2), 9),
    )
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id)
    intake.accept_case(session, principal=city.window, stage_case_id=sc.id)
    return city, cases_by_code(session, sc.id)["S1-06"]


def test_the_signer_may_not_be_the_proposer(session: Session) -> None:
    city, case = _case(session)
    head = city.heads["zrzy"]
    colleague = _user(session, "approver", region_code="360100", department_id=head.department_id)
    steps.set_chain(
        session,
        principal=head,
        department_id=head.department_id,
        item_id=None,
        steps=["handle", "sign"],
    )
    handling.start_handling(session, principal=head, item_case_id=case.id)
    steps.propose(
        session, principal=head, item_case_id=case.id, outcome="approve", opinion="拟同意"
    )
    with pytest.raises(DomainError) as own:
        steps.sign(session, principal=head, item_case_id=case.id)
    assert own.value.key == "steps.own_proposal" and case.status != Blzt.APPROVED
    with pytest.raises(PermissionDenied):  # and a non-head cannot sign at all
        steps.sign(session, principal=colleague, item_case_id=case.id)
    second_head = _user(
        session, "approver", region_code="360100", department_id=head.department_id, is_head=True
    )
    steps.sign(session, principal=second_head, item_case_id=case.id)
    assert case.status == Blzt.APPROVED


def test_an_assigned_case_is_decided_only_by_its_assignee(session: Session) -> None:
    city, case = _case(session)
    handler, head = city.approvers["zrzy"], city.heads["zrzy"]
    a = _user(session, "approver", region_code="360100", department_id=handler.department_id)
    b = _user(session, "approver", region_code="360100", department_id=handler.department_id)
    steps.transfer(
        session, principal=handler, item_case_id=case.id, to_user_id=a.user_id, reason="分派"
    )
    for move in (
        lambda who: handling.start_handling(session, principal=who, item_case_id=case.id),
        lambda who: handling.decide(
            session, principal=who, item_case_id=case.id, outcome="approve", opinion="同意"
        ),
        lambda who: steps.transfer(
            session, principal=who, item_case_id=case.id, to_user_id=who.user_id, reason="抢办"
        ),
    ):
        for outsider in (handler, b):
            with pytest.raises(PermissionDenied) as refused:
                move(outsider)
            assert refused.value.key == "case.assigned_to_other"
    # the head hands it on explicitly; then it is b's
    steps.transfer(
        session, principal=head, item_case_id=case.id, to_user_id=b.user_id, reason="调整"
    )
    with pytest.raises(PermissionDenied):
        handling.start_handling(session, principal=a, item_case_id=case.id)
    handling.start_handling(session, principal=b, item_case_id=case.id)
    handling.decide(session, principal=b, item_case_id=case.id, outcome="approve", opinion="同意")
    assert case.status == Blzt.APPROVED
