"""The administrator's departments (issue 19 item 4, service part): add one to a county,
rename it and set its organisation code (checked like any USCC); only the administrator."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from eap.errors import DomainError, PermissionDenied
from eap.models import AuditLog, Department
from eap.services.admin import departments
from tests.factories import _user, at


def test_rename_and_code(session: Session) -> None:
    admin = _user(session, "admin", region_code="360000")
    county = "360123"  # 安义县: one department of every kind
    target = next(
        r
        for r in departments.departments_of(session, principal=admin, region_code=county)
        if r.kind == "zrzy"
    )
    with pytest.raises(DomainError) as bad:
        departments.update_department(
            session, principal=admin, department_id=target.id, name="改名", org_code="12345"
        )
    assert bad.value.field == "org_code"
    with pytest.raises(DomainError) as nameless:
        departments.update_department(
            session, principal=admin, department_id=target.id, name=" ", org_code=""
        )
    assert nameless.value.field == "name"
    from eap.services.core.identifiers import uscc_check_char

    good = "113601230145000" + "00"
    good += uscc_check_char(good)
    updated = departments.update_department(
        session,
        principal=admin,
        department_id=target.id,
        name="安义县自然资源局（新）",
        org_code=good,
    )
    assert (updated.name, updated.org_code) == ("安义县自然资源局（新）", good)
    row = next(
        r
        for r in departments.departments_of(session, principal=admin, region_code=county)
        if r.id == target.id
    )
    assert (row.name, row.org_code) == ("安义县自然资源局（新）", good)
    audit = session.exec(
        select(AuditLog).where(
            AuditLog.action == "department.update", AuditLog.entity_id == str(target.id)
        )
    ).first()
    assert audit is not None and audit.detail["before"]["name"] == target.name


def test_only_the_administrator(session: Session) -> None:
    for role in ("security", "auditor", "supervisor"):
        with pytest.raises(PermissionDenied):
            departments.departments_of(
                session, principal=_user(session, role, region_code="360000"), region_code="360100"
            )
    assert session.exec(select(Department)).first() is not None


def _kind_row(session: Session, admin, region: str, kind: str) -> departments.DepartmentRow:  # type: ignore[no-untyped-def]
    return next(
        r
        for r in departments.departments_of(session, principal=admin, region_code=region)
        if r.kind == kind and r.active
    )


def test_a_reform_deactivates_a_department_and_its_successor_takes_new_cases(
    session: Session,
) -> None:
    """机构改革: the old department keeps its history; new cases, staff and the kind go to the
    successor; nothing open may be stranded in a deactivated one."""
    from eap.models import Project
    from eap.services.admin import staff
    from eap.services.approval import filing
    from eap.services.hall import guide
    from tests.factories import applicant, city_staff, file_stage, next_wd, project, upload_missing

    admin = _user(session, "admin", region_code="360000")
    nc = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner)
    proj = session.get(Project, pid)
    assert proj is not None
    kind = guide.stage_form(session, project=proj, stage_code=1).items[0].dept_kind
    old = _kind_row(session, admin, "360100", kind)
    # its two staff accounts keep it busy
    with pytest.raises(DomainError) as busy:
        departments.set_department_active(
            session, principal=admin, department_id=old.id, active=False
        )
    assert busy.value.key == "department.busy" and busy.value.params["staff"] == 2
    with pytest.raises(DomainError) as taken:
        departments.create_department(
            session, principal=admin, region_code="360100", kind=kind, name="新局", org_code=""
        )
    assert (taken.value.key, taken.value.field) == ("department.kind_taken", "kind")
    # an open case keeps it busy too
    day = next_wd(dt.date(2026, 3, 2))
    sc = file_stage(session, owner, pid, 1, day=day)
    assert sc.id is not None
    for p in (nc.approvers[kind], nc.heads[kind]):
        staff.set_active(session, principal=admin, user_id=p.user_id, active=False)
    with pytest.raises(DomainError) as open_case:
        departments.set_department_active(
            session, principal=admin, department_id=old.id, active=False
        )
    assert open_case.value.params["cases"] >= 1 and open_case.value.params["staff"] == 0
    # the applicant withdraws; now nothing is left with the department
    filing.withdraw_application(
        session, principal=owner, stage_case_id=sc.id, reason="重新申请", now=at(day, 15)
    )
    departments.set_department_active(session, principal=admin, department_id=old.id, active=False)
    assert session.exec(
        select(AuditLog).where(
            AuditLog.action == "department.deactivate", AuditLog.entity_id == str(old.id)
        )
    ).first()
    # no active department of the kind: a new application is refused, naming the kind
    with pytest.raises(DomainError) as none_left:
        filing.submit_stage_application(
            session,
            principal=owner,
            project_id=pid,
            stage_code=1,
            uploads=upload_missing(session, owner, pid, 1),
            now=dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC),
        )
    assert none_left.value.key == "intake.no_department"
    # no staff account may join the deactivated department
    with pytest.raises(DomainError) as joined:
        staff.create_staff(
            session,
            principal=admin,
            form=staff.StaffForm(
                "tnew1", "新人", "approver", "360100", old.id, False, "13800000001"
            ),
        )
    assert joined.value.key == "department.inactive"
    successor = departments.create_department(
        session, principal=admin, region_code="360100", kind=kind, name="南昌市新局", org_code=""
    )
    assert successor.code == f"360100-{kind}-2" and successor.active
    with pytest.raises(DomainError):  # two active departments of one kind: refused
        departments.set_department_active(
            session, principal=admin, department_id=old.id, active=True
        )
    sc2 = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        uploads=upload_missing(session, owner, pid, 1),
        now=dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC),
    )
    from eap.models import ItemCase

    routed = {
        c.department_id
        for c in session.exec(select(ItemCase).where(ItemCase.stage_case_id == sc2.id))
    }
    assert successor.id in routed and old.id not in routed
    rows = departments.departments_of(session, principal=admin, region_code="360100")
    shown = {r.id: r for r in rows}
    assert not shown[old.id].active and shown[successor.id].open_cases >= 1
    assert rows[-1].active is False  # the deactivated ones come last


def test_review_chain_per_department_and_per_item(session: Session) -> None:
    from eap.models import ItemCase
    from eap.services.approval.step_chains import chain_for

    admin = _user(session, "admin", region_code="360000")
    dept = _kind_row(session, admin, "360100", "zj")
    items = departments.chains_of(session, principal=admin, department_id=dept.id)
    assert items and all(i.chain == "" for i in items)
    departments.set_department_chain(
        session, principal=admin, department_id=dept.id, item_id=None, chain="handle-review-sign"
    )
    first = items[0]
    departments.set_department_chain(
        session, principal=admin, department_id=dept.id, item_id=first.item_id, chain="handle"
    )
    assert _kind_row(session, admin, "360100", "zj").chain == "handle-review-sign"
    after = {
        i.item_id: i.chain
        for i in departments.chains_of(session, principal=admin, department_id=dept.id)
    }
    assert after[first.item_id] == "handle" and after[items[1].item_id] == ""
    probe = ItemCase(department_id=dept.id, item_id=first.item_id)  # not stored: a lookup key
    assert chain_for(session, case=probe) == ["handle"]
    probe_other = ItemCase(department_id=dept.id, item_id=items[1].item_id)
    assert chain_for(session, case=probe_other) == ["handle", "review", "sign"]
    # back to the department's chain
    departments.set_department_chain(
        session, principal=admin, department_id=dept.id, item_id=first.item_id, chain=""
    )
    assert chain_for(session, case=probe) == ["handle", "review", "sign"]
    with pytest.raises(DomainError) as bad:
        departments.set_department_chain(
            session, principal=admin, department_id=dept.id, item_id=None, chain="sign-handle"
        )
    assert bad.value.field == "chain"
    other_kind = _kind_row(session, admin, "360100", "fgw")
    fgw_item = departments.chains_of(session, principal=admin, department_id=other_kind.id)[0]
    with pytest.raises(DomainError):  # an item the department does not handle
        departments.set_department_chain(
            session,
            principal=admin,
            department_id=dept.id,
            item_id=fgw_item.item_id,
            chain="handle",
        )
    with pytest.raises(PermissionDenied):
        departments.set_department_chain(
            session,
            principal=_user(session, "security", region_code="360000"),
            department_id=dept.id,
            item_id=None,
            chain="handle",
        )
    logged = session.exec(
        select(AuditLog).where(
            AuditLog.action == "steps.configure", AuditLog.entity_id == str(dept.id)
        )
    ).all()
    assert len(logged) == 3
