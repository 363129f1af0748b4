"""The item catalogue beyond limits (issue 19 item 4): the administrator changes an item's
limit, commitment flag, conditions and materials and publishes a new version; every city
process holding the item is republished with it; new applications follow the new version,
a running case keeps its own; bad drafts are refused by field and change nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import AuditLog, Item, ItemCase, ItemMaterial, Material, Process, Project
from eap.services.admin import catalogue, items
from eap.services.hall import guide
from tests.factories import _user, applicant, file_stage, next_wd, project


def _first_item(session: Session, pid: int) -> guide.FormItem:
    proj = session.get(Project, pid)
    assert proj is not None
    return guide.stage_form(session, project=proj, stage_code=1).items[0]


def test_a_new_item_version_reaches_new_applications_only(session: Session) -> None:
    admin = _user(session, "admin", region_code="360000")
    owner = applicant(session)
    running = project(session, owner)
    code = _first_item(session, running).code
    old = catalogue.latest_items(session)[code]
    sc = file_stage(session, owner, running, 1, day=next_wd(dt.date(2026, 3, 2)))
    from eap.models import ProcessItem

    holding = session.exec(
        select(Process.region_code)
        .join(ProcessItem, col(ProcessItem.process_id) == col(Process.id))
        .where(col(Process.active).is_(True), ProcessItem.item_id == old.id)
    ).all()
    draft = items.item_draft(session, principal=admin, code=code)
    assert draft.version == old.version and draft.materials
    owed = items.add_material_kind(session, principal=admin, name_zh="区域评估成果确认书")
    assert owed.code.startswith("M") and int(owed.code[1:]) > 48
    first = draft.materials[0]
    changed = replace(
        draft,
        limit_days=max(1, draft.limit_days - 2),
        promise_allowed=not draft.promise_allowed,
        conditions="项目已取得用地预审意见",
        materials=[
            replace(first, is_key=False, deferrable=False),
            *draft.materials[1:],
            items.MaterialLine(owed.code, owed.name_zh, False, True),
        ],
    )
    new, republished = items.publish_item_version(session, principal=admin, draft=changed)
    assert new.version == old.version + 1 and new.id != old.id
    assert (new.limit_days, new.promise_allowed, new.conditions) == (
        changed.limit_days,
        changed.promise_allowed,
        "项目已取得用地预审意见",
    )
    assert republished == len(holding) >= 1  # every city process that held the item
    rows = {
        m.code: im
        for im, m in session.exec(
            select(ItemMaterial, Material)
            .join(Material, col(Material.id) == col(ItemMaterial.material_id))
            .where(ItemMaterial.item_id == new.id)
        )
    }
    assert rows[owed.code].deferrable and not rows[owed.code].is_key
    assert not rows[first.code].is_key
    # a new application is offered the new version, with the new material as one it may owe
    fresh = project(session, owner)
    form_item = next(i for i in _form(session, fresh).items if i.code == code)
    assert form_item.item_id == new.id and form_item.limit_days <= new.limit_days
    need = next(n for n in _form(session, fresh).materials if n.code == owed.code)
    assert need.deferrable
    # the running case keeps the version it was filed on
    running_case = session.exec(
        select(ItemCase).where(ItemCase.stage_case_id == sc.id, ItemCase.item_id == old.id)
    ).first()
    assert running_case is not None
    logged = session.exec(
        select(AuditLog).where(AuditLog.action == "item.publish", AuditLog.entity_id == code)
    ).one()
    assert set(logged.detail["changed"]) == {
        "limit_days",
        "promise_allowed",
        "conditions",
        "materials",
    }
    assert logged.detail["processes"] == republished
    # the draft read before the publication is stale now
    with pytest.raises(DomainError) as stale:
        items.publish_item_version(session, principal=admin, draft=changed)
    assert stale.value.key == "item.stale"


def _form(session: Session, pid: int) -> guide.StageForm:
    proj = session.get(Project, pid)
    assert proj is not None
    return guide.stage_form(session, project=proj, stage_code=1)


def test_bad_drafts_are_refused_by_field(session: Session) -> None:
    admin = _user(session, "admin", region_code="360000")
    draft = items.item_draft(session, principal=admin, code="S1-05")
    cases = [
        (replace(draft, name_zh=" "), "item.name_required", "name_zh"),
        (replace(draft, limit_days=0), "process.limit_range", "limit_days"),
        (replace(draft, limit_days=400), "process.limit_range", "limit_days"),
        (replace(draft, materials=[]), "item.materials_required", "materials"),
        (
            replace(draft, materials=[*draft.materials, draft.materials[0]]),
            "item.material_twice",
            "materials",
        ),
        (
            replace(draft, materials=[items.MaterialLine("M999", "?", True, False)]),
            "item.material_unknown",
            "materials",
        ),
        (
            replace(draft, materials=[replace(draft.materials[0], is_key=True, deferrable=True)]),
            "item.key_deferrable",
            "materials",
        ),
        (draft, "item.unchanged", None),
    ]
    for bad, key, field in cases:
        with pytest.raises(DomainError) as refused:
            items.publish_item_version(session, principal=admin, draft=bad)
        assert (refused.value.key, refused.value.field) == (key, field)
    assert catalogue.latest_items(session)["S1-05"].version == draft.version
    assert not session.exec(select(Item).where(Item.code == "S1-05", Item.version > 1)).all()
    with pytest.raises(DomainError) as twice:
        items.add_material_kind(session, principal=admin, name_zh="可行性研究报告")
    assert twice.value.field == "material_name"
    for role in ("security", "auditor", "supervisor"):
        other = _user(session, role, region_code="360000")
        with pytest.raises(PermissionDenied):
            items.publish_item_version(session, principal=other, draft=replace(draft, limit_days=3))
