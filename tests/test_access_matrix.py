"""Every workbench action × every role, in and out of scope: only the right person in the
right region and department may act, and a refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlmodel import Session

from eap.errors import DomainError, PermissionDenied
from eap.models import ItemCase
from eap.services.approval import filing, handling, intake, results, steps, supplements
from eap.services.core.principal import Principal
from tests.factories import (
    applicant,
    at,
    cases_by_code,
    city_staff,
    everyone,
    project,
    upload_missing,
)

D = dt.date


def _scenario(session: Session, phase: str):  # type: ignore[no-untyped-def]
    nc, gz = city_staff(session, "360100"), city_staff(session, "360700")
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
    if phase in ("received", "accepted", "handling", "approved", "closed"):
        intake.receive_case(session, principal=nc.window, stage_case_id=sc.id)
    if phase in ("accepted", "handling", "approved", "closed"):
        intake.accept_case(session, principal=nc.window, stage_case_id=sc.id)
    c = cases_by_code(session, sc.id)
    if phase in ("handling", "approved", "closed"):
        handling.start_handling(session, principal=nc.approvers["zrzy"], item_case_id=c["S1-06"].id)
    if phase in ("approved", "closed"):
        handling.decide(
            session,
            principal=nc.approvers["zrzy"],
            item_case_id=c["S1-06"].id,
            outcome="approve",
            opinion="同意",
        )
    if phase == "closed":
        handling.start_handling(session, principal=nc.approvers["fgw"], item_case_id=c["S1-04"].id)
        handling.decide(
            session,
            principal=nc.approvers["fgw"],
            item_case_id=c["S1-04"].id,
            outcome="approve",
            opinion="同意",
        )
        results.close_stage(session, principal=nc.approvers["fgw"], stage_case_id=sc.id)
    return everyone(session, nc, gz, owner), sc, c["S1-06"]


Action = Callable[[Session, Principal, int, ItemCase], object]
ACTIONS: list[tuple[str, str, str, Action]] = [
    (
        "receive",
        "submitted",
        "nc_window",
        lambda s, p, sc, c: intake.receive_case(s, principal=p, stage_case_id=sc),
    ),
    (
        "accept",
        "received",
        "nc_window",
        lambda s, p, sc, c: intake.accept_case(s, principal=p, stage_case_id=sc),
    ),
    (
        "refuse_intake",
        "received",
        "nc_window",
        lambda s, p, sc, c: intake.refuse_intake(
            s, principal=p, stage_case_id=sc, formal=True, reason="不属于本级"
        ),
    ),
    (
        "one_time_notice",
        "received",
        "nc_window",
        lambda s, p, sc, c: supplements.request_intake_supplement(
            s, principal=p, stage_case_id=sc, materials=[{"code": "M001", "remark": ""}]
        ),
    ),
    (
        "start",
        "accepted",
        "nc_zrzy nc_zrzy_head",
        lambda s, p, sc, c: handling.start_handling(s, principal=p, item_case_id=c.id),
    ),
    (
        "supplement",
        "handling",
        "nc_zrzy nc_zrzy_head",
        lambda s, p, sc, c: handling.request_supplement(
            s, principal=p, item_case_id=c.id, materials=[{"code": "M001", "remark": ""}]
        ),
    ),
    (
        "special",
        "handling",
        "nc_zrzy nc_zrzy_head",
        lambda s, p, sc, c: handling.start_special_procedure(
            s, principal=p, item_case_id=c.id, kind="expert", reason="评审", limit_days=3
        ),
    ),
    (
        "approve",
        "handling",
        "nc_zrzy nc_zrzy_head",
        lambda s, p, sc, c: handling.decide(
            s, principal=p, item_case_id=c.id, outcome="approve", opinion="同意"
        ),
    ),
    (
        "refuse",
        "handling",
        "nc_zrzy nc_zrzy_head",
        lambda s, p, sc, c: handling.decide(
            s, principal=p, item_case_id=c.id, outcome="refuse", opinion="不同意"
        ),
    ),
    (
        "revoke",
        "approved",
        "nc_zrzy_head",
        lambda s, p, sc, c: handling.revoke(s, principal=p, item_case_id=c.id, reason="撤销"),
    ),
    (
        "withdraw",
        "accepted",
        "owner",
        lambda s, p, sc, c: filing.withdraw_application(
            s, principal=p, stage_case_id=sc, reason="撤回"
        ),
    ),
    (
        "deliver",
        "closed",
        "nc_window",
        lambda s, p, sc, c: results.deliver_results(
            s, principal=p, stage_case_id=sc, channel="counter"
        ),
    ),
]


@pytest.mark.parametrize(
    ("name", "phase", "allowed", "action"), ACTIONS, ids=[a[0] for a in ACTIONS]
)
def test_only_the_right_person_may_act(
    session: Session, name: str, phase: str, allowed: str, action: Action
) -> None:
    people, sc, case = _scenario(session, phase)
    before = (case.status, case.version, sc.status, sc.version)
    permitted = allowed.split()
    for who, principal in people.items():
        if who in permitted:
            continue
        with pytest.raises((PermissionDenied, DomainError)) as err, session.begin_nested():
            action(session, principal, sc.id, case)
        # Staff of the right department may hit a rule (e.g. the head's own step) rather
        # than scope; everyone else is refused for scope.
        if who not in ("nc_zrzy", "nc_zrzy_head", "nc_window", "owner"):
            assert isinstance(err.value, PermissionDenied), (name, who)
        session.refresh(case)
        session.refresh(sc)
        assert (case.status, case.version, sc.status, sc.version) == before, (name, who)
    with session.begin_nested():
        action(session, people[permitted[0]], sc.id, case)


def test_transfer_and_chain_steps_stay_in_the_department(session: Session) -> None:
    people, _sc, case = _scenario(session, "handling")
    for who in ("nc_fgw", "gz_zrzy", "nc_window", "owner", "supervisor", "admin"):
        with pytest.raises(PermissionDenied):
            steps.transfer(
                session,
                principal=people[who],
                item_case_id=case.id,
                to_user_id=people["nc_zrzy_head"].user_id,
                reason="x",
            )
    steps.transfer(
        session,
        principal=people["nc_zrzy"],
        item_case_id=case.id,
        to_user_id=people["nc_zrzy_head"].user_id,
        reason="请负责人处理",
    )
