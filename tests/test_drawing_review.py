"""联合审图 (joint drawing review): one submission, the review departments' opinions in
parallel, one combined result — configured per city."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from eap.errors import DomainError, FieldErrors, PermissionDenied
from eap.models import AuditLog, JointAcceptance, JointInspection, Notification
from eap.models.cases import Blzt, JointKind
from eap.services.approval import drawing_review, handling, joint
from tests.factories import (
    applicant,
    at,
    cases_by_code,
    city_staff,
    everyone,
    file_and_accept,
    next_wd,
    project,
    run_stage,
)

DAY = dt.date(2026, 3, 2)  # a Monday
REVIEWED = {"S3-01", "S3-02", "S3-03"}  # 施工图审查, 消防设计审查 (住建), 人防设计审查 (人防)


def _admin(session: Session, city):  # type: ignore[no-untyped-def]
    return everyone(session, city, city_staff(session, "360700"), applicant(session))["admin"]


def _to_stage_three(session: Session, *, plan: bool = True):  # type: ignore[no-untyped-def]
    city = city_staff(session)
    if plan:
        drawing_review.set_plan(
            session, principal=_admin(session, city), region_code="360100", enabled=True
        )
    owner = applicant(session)
    pid = project(
        session, owner, ptype=3, attributes={"filing_only": True, "civil_air_defence": True}
    )
    day = DAY
    for stage in (1, 2):
        _sc, day = run_stage(session, city, owner, pid, stage, day)
    sc = file_and_accept(session, city, owner, pid, 3, day=day)
    return city, owner, sc, day


def _review(session: Session, stage_case_id: int) -> JointAcceptance | None:
    return session.exec(
        select(JointAcceptance).where(JointAcceptance.stage_case_id == stage_case_id)
    ).first()


def _opinions(session: Session, review: JointAcceptance) -> dict[str, JointInspection]:
    by_case = {c.id: code for code, c in cases_by_code(session, review.stage_case_id).items()}
    rows = session.exec(select(JointInspection).where(JointInspection.joint_id == review.id))
    return {by_case[i.item_case_id]: i for i in rows}


def _start_and_decide(session: Session, who, case, outcome: str, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    if case.status == Blzt.ACCEPTED:
        handling.start_handling(session, principal=who, item_case_id=case.id, now=at(day, 12))
    handling.decide(
        session,
        principal=who,
        item_case_id=case.id,
        outcome=outcome,
        opinion="依联合审图结论" if outcome == "refuse" else "同意",
        now=at(day, 15),
    )


def test_the_review_opens_at_acceptance_and_holds_its_items_until_one_result(
    session: Session,
) -> None:
    city, owner, sc, day = _to_stage_three(session)
    review = _review(session, sc.id)
    assert review is not None and review.kind == JointKind.DRAWINGS and review.status == "open"
    opinions = _opinions(session, review)
    assert set(opinions) == REVIEWED  # the permit and the other stage-3 items take no part
    assert session.exec(
        select(Notification).where(
            Notification.stage_case_id == sc.id, Notification.key == "notify.drawing_review_opened"
        )
    ).first()
    cases = cases_by_code(session, sc.id)
    day = next_wd(day)
    # no review item is decided before the combined result; the others go on as usual
    with pytest.raises(DomainError) as held:
        _start_and_decide(session, city.approvers["zj"], cases["S3-01"], "approve", day)
    assert held.value.key == "drawing_review.open"
    _start_and_decide(session, city.approvers["cg"], cases["S3-06"], "approve", day)
    assert cases["S3-06"].status == Blzt.APPROVED
    # parallel opinions: each department its own, in any order; not another's
    with pytest.raises(PermissionDenied):
        joint.record_inspection(
            session,
            principal=city.approvers["rf"],
            inspection_id=opinions["S3-01"].id or 0,
            visited_on=None,
            passed=True,
            opinion="同意",
            now=at(day, 10),
        )
    joint.record_inspection(
        session,
        principal=city.approvers["rf"],
        inspection_id=opinions["S3-03"].id or 0,
        visited_on=None,
        passed=True,
        opinion="人防设计符合规范",
        now=at(day, 10),
    )
    with pytest.raises(DomainError) as missing:  # the lead waits for every opinion
        joint.conclude(
            session, principal=city.approvers["zj"], joint_id=review.id or 0, conclusion="通过"
        )
    assert missing.value.key == "joint.inspections_missing"
    for code in ("S3-01", "S3-02"):
        joint.record_inspection(
            session,
            principal=city.approvers["zj"],
            inspection_id=opinions[code].id or 0,
            visited_on=None,  # a drawing review has no site visit
            passed=True,
            opinion="符合审查要点",
            now=at(day, 11),
        )
    assert opinions["S3-01"].visited_on is None
    with pytest.raises(PermissionDenied):  # the stage's lead (住建) concludes, no one else
        joint.conclude(
            session, principal=city.approvers["rf"], joint_id=review.id or 0, conclusion="通过"
        )
    joint.conclude(
        session,
        principal=city.approvers["zj"],
        joint_id=review.id or 0,
        conclusion="联合审图通过",
        now=at(day, 14),
    )
    assert review.passed is True and review.status == "concluded"
    told = session.exec(
        select(Notification.key).where(
            Notification.stage_case_id == sc.id,
            Notification.key.startswith("notify.drawing"),  # type: ignore[attr-defined]
        )
    ).all()
    assert sorted(told) == ["notify.drawing_review_opened", "notify.drawing_review_passed"]
    # after the one result, each department decides its item
    _start_and_decide(session, city.approvers["zj"], cases["S3-01"], "approve", day)
    _start_and_decide(session, city.approvers["rf"], cases["S3-03"], "approve", day)
    assert cases["S3-01"].status == cases["S3-03"].status == Blzt.APPROVED


def test_a_failed_review_lets_no_review_item_be_approved(session: Session) -> None:
    city, _owner, sc, day = _to_stage_three(session)
    review = _review(session, sc.id)
    assert review is not None
    for code, insp in _opinions(session, review).items():
        who = city.approvers["rf" if code == "S3-03" else "zj"]
        joint.record_inspection(
            session,
            principal=who,
            inspection_id=insp.id or 0,
            visited_on=None,
            passed=code != "S3-02",  # the fire design fails
            opinion="消防车道宽度不足" if code == "S3-02" else "符合",
            now=at(day, 16),
        )
    joint.conclude(
        session,
        principal=city.approvers["zj"],
        joint_id=review.id or 0,
        conclusion="消防设计不符合，联合审图不通过",
        now=at(day, 17),
    )
    assert review.passed is False
    cases = cases_by_code(session, sc.id)
    day = next_wd(day)
    # even the item whose own opinion passed waits for revised drawings: refused, not approved
    with pytest.raises(DomainError) as barred:
        _start_and_decide(session, city.approvers["zj"], cases["S3-01"], "approve", day)
    assert barred.value.key == "drawing_review.failed"
    _start_and_decide(session, city.approvers["zj"], cases["S3-01"], "refuse", day)
    assert cases["S3-01"].status == Blzt.REFUSED


def test_a_city_without_the_plan_reviews_each_item_alone(session: Session) -> None:
    city, _owner, sc, day = _to_stage_three(session, plan=False)
    assert _review(session, sc.id) is None
    cases = cases_by_code(session, sc.id)
    _start_and_decide(session, city.approvers["zj"], cases["S3-01"], "approve", next_wd(day))
    assert cases["S3-01"].status == Blzt.APPROVED


def test_the_plan_is_the_administrators_checked_and_audited(session: Session) -> None:
    city = city_staff(session)
    admin = _admin(session, city)
    with pytest.raises(PermissionDenied):
        drawing_review.set_plan(
            session, principal=city.approvers["zj"], region_code="360100", enabled=True
        )
    with pytest.raises(FieldErrors) as bad:
        drawing_review.set_plan(
            session, principal=admin, region_code="360123", enabled=True, item_codes=["S1-04"]
        )
    assert set(bad.value.by_field("zh")) == {"region_code", "item_codes"}
    with pytest.raises(FieldErrors) as one:
        drawing_review.set_plan(
            session, principal=admin, region_code="360100", enabled=True, item_codes=["S3-01"]
        )
    assert one.value.key == "drawing_review.too_few"
    plan = drawing_review.set_plan(
        session, principal=admin, region_code="360100", enabled=True, item_codes=["S3-01", "S3-02"]
    )
    assert drawing_review.plan_for(session, city="360100") is plan
    drawing_review.set_plan(session, principal=admin, region_code="360100", enabled=False)
    assert drawing_review.plan_for(session, city="360100") is None
    entries = session.exec(
        select(AuditLog).where(
            AuditLog.action == "drawing_review.plan", AuditLog.entity_id == 360100
        )
    ).all()
    assert [e.detail["enabled"] for e in entries] == [True, False]
