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
