"""联合审图 (joint drawing review): where a city runs it, the construction-drawing review
(施工图审查) and the fire and civil-air-defence design reviews (消防设计审查, 人防设计审查) of a
stage-3 application are one joint review.

The rule:
- one submission: the drawings come in once with the stage's one form; when the window accepts
  a stage-3 case holding two or more of the city's review items, the review opens by itself;
- parallel opinions: each review department records its opinion (pass or not) on its own item
  (``joint.record_inspection``), in any order, changeable until the conclusion;
- one combined result: the stage's lead (住建) concludes once every opinion is in — passed only
  if all passed — and the applicant is told once (``joint.conclude``);
- no result ahead of it: a review item cannot be decided while the review is open, and after a
  failed combined result none of them can be approved (they are refused with the review's
  opinions; the applicant files revised drawings anew).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from eap.errors import DomainError, FieldErrors
from eap.models import (
    DrawingReviewPlan,
    Item,
    ItemCase,
    JointAcceptance,
    JointInspection,
    Project,
    Region,
    StageCase,
)
from eap.models.cases import TERMINAL, JointKind
from eap.services.approval import case_store, joint
from eap.services.core.audit import record
from eap.services.core.clock import now_or
from eap.services.core.notify import notify_applicant
from eap.services.core.principal import Principal, Role

DRAWING_STAGE = 3
DEFAULT_ITEMS = ("S3-01", "S3-02", "S3-03")


def plan_for(session: Session, *, city: str) -> DrawingReviewPlan | None:
    """The city's plan when it runs 联合审图, else None."""
    plan = session.get(DrawingReviewPlan, city)
    return plan if plan is not None and plan.enabled else None


@dataclass(frozen=True)
class PlanRow:
    """A city and whether it runs 联合审图, as the administrator's page lists it."""

    region_code: str = ""
    region_name: str = ""
    enabled: bool = False
    item_codes: str = ""  # joined for display: S3-01、S3-02、S3-03


def plan_rows(session: Session, *, principal: Principal) -> list[PlanRow]:
    principal.require_role(Role.ADMIN)
    plans = {p.region_code: p for p in session.exec(select(DrawingReviewPlan))}
    cities = session.exec(
        select(Region).where(col(Region.level).in_(("city", "zone"))).order_by(col(Region.code))
    )
    rows = []
    for city in cities:
        plan = plans.get(city.code)
        rows.append(
            PlanRow(
                region_code=city.code,
                region_name=city.name,
                enabled=plan is not None and plan.enabled,
                item_codes="、".join(plan.item_codes if plan else DEFAULT_ITEMS),
            )
        )
    return rows


def set_plan(
    session: Session,
    *,
    principal: Principal,
    region_code: str,
    enabled: bool,
    item_codes: Sequence[str] | None = None,
) -> DrawingReviewPlan:
    """The administrator turns 联合审图 on or off for a city and names its items (two or more
    stage-3 items; none given: the plan's own, else the three reviews). Applications accepted
    before keep what they had."""
    principal.require_role(Role.ADMIN)
    if item_codes is None:
        held = session.get(DrawingReviewPlan, region_code)
        item_codes = held.item_codes if held is not None else DEFAULT_ITEMS
    errors = []
    region = session.get(Region, region_code)
    if region is None or region.level not in ("city", "zone"):
        errors.append(DomainError("drawing_review.bad_city", field="region_code"))
    codes = sorted(set(item_codes))
    stage3 = set(session.exec(select(Item.code).where(Item.stage_code == DRAWING_STAGE)))
    if unknown := [c for c in codes if c not in stage3]:
        errors.append(
            DomainError("drawing_review.bad_items", field="item_codes", codes="、".join(unknown))
        )
    elif len(codes) < 2:
        errors.append(DomainError("drawing_review.too_few", field="item_codes"))
    if errors:
        raise FieldErrors(errors)
    plan = session.get(DrawingReviewPlan, region_code) or DrawingReviewPlan(region_code=region_code)
    plan.enabled, plan.item_codes = enabled, codes
    plan.updated_by, plan.updated_at = principal.user_id, now_or(None)
    session.add(plan)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="drawing_review.plan",
        entity="region",
        entity_id=int(region_code),
        detail={"enabled": enabled, "items": codes},
    )
    return plan


def open_review(
    session: Session,
    *,
    stage_case: StageCase,
    project: Project,
    principal: Principal,
    now: dt.datetime,
) -> JointAcceptance | None:
    """At acceptance: open the joint review when the city runs it and two or more of its
    items are in this application (called by ``intake.accept_case``)."""
    if stage_case.stage_code != DRAWING_STAGE:
        return None
    plan = plan_for(session, city=stage_case.region_code)
    if plan is None:
        return None
    taking_part = {
        case_id
        for case_id, code, status in session.exec(
            select(ItemCase.id, Item.code, ItemCase.status)
            .join(Item, col(Item.id) == col(ItemCase.item_id))
            .where(ItemCase.stage_case_id == stage_case.id)
        )
        if code in plan.item_codes and status not in TERMINAL and case_id is not None
    }
    if len(taking_part) < 2:
        return None
    review = joint.open_joint(
        session,
        stage_case=stage_case,
        kind=JointKind.DRAWINGS,
        principal=principal,
        now=now,
        item_case_ids=taking_part,
    )
    case_store.write_event(
        session,
        stage_case_id=stage_case.id,
        item_case=None,
        action="drawing_review.open",
        principal=principal,
        now=now,
        detail={"items": len(taking_part)},
    )
    notify_applicant(
        session,
        project=project,
        key="notify.drawing_review_opened",
        now=now,
        stage_case_id=stage_case.id,
        case_no=stage_case.case_no,
    )
    record(
        session,
        actor_id=principal.user_id,
        action="drawing_review.open",
        entity="joint",
        entity_id=review.id or 0,
    )
    return review


def require_combined_result(session: Session, *, case: ItemCase, outcome: str) -> None:
    """Before a decision on an item: held while its joint drawing review is open; no approval
    after a failed combined result (called by ``handling.decide``)."""
    review = session.exec(
        select(JointAcceptance)
        .join(JointInspection, col(JointInspection.joint_id) == col(JointAcceptance.id))
        .where(
            JointInspection.item_case_id == case.id,
            JointAcceptance.kind == JointKind.DRAWINGS,
        )
    ).first()
    if review is None:
        return
    if review.status == "open":
        raise DomainError("drawing_review.open")
    if outcome != "refuse" and not review.passed:
        raise DomainError("drawing_review.failed")
