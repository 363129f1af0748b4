"""流程配置: the administrator publishes a city's new limits as a new version; cases already
filed keep theirs, new applications take the new ones."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from eap.errors import DomainError, PermissionDenied
from eap.models import Process, ProcessItem, ProcessStage, StageCase
from eap.services.admin import catalogue, processes as process_admin
from eap.services.approval import case_store
from tests.factories import _user, applicant, city_staff, file_stage, project

MONDAY = dt.date(2026, 11, 30)


def test_admin_publishes_new_limits_and_running_cases_keep_theirs(session: Session) -> None:
    admin = _user(session, "admin", region_code="360000")
    city_staff(session)
    owner = applicant(session)
    early = project(session, owner, ptype=1)
    old_case = file_stage(session, owner, early, 1, day=MONDAY)
    before = process_admin.process_view(
        session, principal=admin, region_code="360100", process_type=1
    )
    stage1 = next(st for st in before.stages if st.stage == 1)
    item = stage1.process_items[0]
    assert item.limit <= item.statutory
    new = process_admin.publish_revision(
        session,
        principal=admin,
        region_code="360100",
        process_type=1,
        stage_limits={1: 12},
        item_limits={item.code: 1},
    )
    assert new.version == before.version + 1
    old = session.get(Process, before.id)
    assert old is not None and not old.active and new.active
    stage = session.exec(
        select(ProcessStage).where(ProcessStage.process_id == new.id, ProcessStage.stage_code == 1)
    ).one()
    assert stage.limit_days == 12
    limits = {
        pi.item_id: pi.limit_days
        for pi in session.exec(select(ProcessItem).where(ProcessItem.process_id == new.id))
    }
    assert 1 in limits.values()
    # The stage filed before keeps the old version; a new project takes the new one.
    assert session.get(StageCase, old_case.id).process_id == old.id  # type: ignore[union-attr]
    fresh = project(session, owner, ptype=1)
    sc = file_stage(session, owner, fresh, 1, day=MONDAY)
    assert sc.process_id == new.id and sc.limit_days == 12
    cases = case_store.item_cases(session, sc.id or 0)
    assert any(c.limit_days == 1 for c in cases)
    after = process_admin.process_view(
        session, principal=admin, region_code="360100", process_type=1
    )
    assert after.version == new.version


def test_limits_are_checked_and_only_admins_publish(session: Session) -> None:
    admin = _user(session, "admin", region_code="360000")
    view = process_admin.process_view(
        session, principal=admin, region_code="360700", process_type=3
    )
    item = view.stages[0].process_items[0]
    with pytest.raises(DomainError) as exc:
        process_admin.publish_revision(
            session,
            principal=admin,
            region_code="360700",
            process_type=3,
            stage_limits={},
            item_limits={item.code: item.statutory + 1},
        )
    assert exc.value.key == "process.item_limit" and exc.value.field == f"item:{item.code}"
    with pytest.raises(DomainError) as exc:
        process_admin.publish_revision(
            session,
            principal=admin,
            region_code="360700",
            process_type=3,
            stage_limits={1: 0},
            item_limits={},
        )
    assert exc.value.field == "stage:1"
    nc = city_staff(session)
    others = [applicant(session), nc.window, nc.approvers["zj"], nc.heads["zj"]] + [
        _user(session, role, region_code="360000")
        for role in ("supervisor", "leader", "auditor", "security")
    ]
    for other in others:
        with pytest.raises(PermissionDenied):
            process_admin.process_view(
                session, principal=other, region_code="360700", process_type=3
            )
        with pytest.raises(PermissionDenied):
            process_admin.publish_revision(
                session,
                principal=other,
                region_code="360700",
                process_type=3,
                stage_limits={1: 5},
                item_limits={},
            )
    still = catalogue.active_process(session, region_code="360700", process_type=3)
    assert still is not None and still.version == view.version


def test_the_administrator_sets_the_full_process_targets(session: Session) -> None:
    """全流程审批时限目标 are data the administrator keeps; the screen measures against them."""
    from eap.models import AuditLog, ProcessType
    from eap.services.admin.processes import process_targets, set_target
    from eap.services.screen.figures import screen_view

    admin = _user(session, "admin", region_code="360000")
    before = {r.process_type: r.target_days for r in process_targets(session, principal=admin)}
    assert before[1] == 79 and before[3] == 60  # the reform's figures, loaded as data
    set_target(session, principal=admin, process_type=3, target_days=45)
    set_target(session, principal=admin, process_type=6, target_days=None)
    assert session.get(ProcessType, 3).target_days == 45  # type: ignore[union-attr]
    assert session.get(ProcessType, 6).target_days is None  # type: ignore[union-attr]
    leader = _user(session, "leader", region_code="360000")
    shown = {x.process_type: x.target for x in screen_view(session, principal=leader).targets}
    assert shown[3] == 45
    audit = session.exec(select(AuditLog).where(AuditLog.action == "process.target")).all()
    assert {(a.entity_id, a.detail["after"]) for a in audit} >= {("3", 45), ("6", None)}
    for bad in (0, 366):
        with pytest.raises(DomainError) as err:
            set_target(session, principal=admin, process_type=3, target_days=bad)
        assert (err.value.key, err.value.field) == ("process.target_range", "target:3")
    with pytest.raises(DomainError):
        set_target(session, principal=admin, process_type=99, target_days=10)
    for who in (leader, _user(session, "supervisor", region_code="360000")):
        with pytest.raises(PermissionDenied):
            set_target(session, principal=who, process_type=3, target_days=30)
