"""The administrator's staff accounts (issue 19 item 4): create with role, region, department
and head flag (the one-time password goes to the person's phone, never to the screen),
deactivate (sessions end), reset to a one-time password; only the administrator; audited."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from eap.errors import DomainError, PermissionDenied
from eap.models import AuditLog, SmsOutbox, User
from eap.services.admin import accounts, sign_in, staff
from eap.services.admin.staff import StaffForm
from tests.factories import _user, city_staff, sms_ids_to


def _texted_password(session: Session, phone: str) -> str:
    sms = session.get(SmsOutbox, sms_ids_to(session, phone)[-1])
    assert sms is not None
    found = re.search(r"：(\S+)，", sms.text)
    assert found, sms.text
    return found.group(1)


def test_create_deactivate_and_reset(session: Session) -> None:
    admin = _user(session, "admin", region_code="360000")
    city = city_staff(session)
    dept_id = city.approvers["zrzy"].department_id
    form = StaffForm(
        username="nc_zrzy_new",
        name="新审批员",
        role="approver",
        region_code="360100",
        department_id=dept_id,
        is_head=True,
        phone="13600001234",
    )
    made = staff.create_staff(session, principal=admin, form=form)
    assert made.must_change_password and made.is_head and made.department_id == dept_id
    one_time = _texted_password(session, "13600001234")
    assert accounts.password_matches(made, one_time)
    rows, total = staff.list_staff(session, principal=admin, text="nc_zrzy_new")
    assert total == 1 and rows[0].phone == "136****1234" and rows[0].department
    # the person signs in with it and must choose their own first
    first = sign_in.begin_login(session, username="nc_zrzy_new", password=one_time, client_key="t")
    assert first.must_change_password
    with pytest.raises(DomainError) as taken:
        staff.create_staff(session, principal=admin, form=form)
    assert taken.value.field == "username"
    token = accounts.login(session, username="nc_zrzy_new", password=one_time).token
    staff.set_active(session, principal=admin, user_id=made.id or 0, active=False)
    assert accounts.resolve_session(session, token=token) is None
    refused = accounts.login(session, username="nc_zrzy_new", password=one_time)
    assert refused.error is not None and refused.error.key == "auth.inactive"
    staff.set_active(session, principal=admin, user_id=made.id or 0, active=True)
    assert staff.reset_to_one_time(session, principal=admin, user_id=made.id or 0) == "136****1234"
    assert not accounts.password_matches(made, one_time)
    assert accounts.password_matches(made, _texted_password(session, "13600001234"))
    actions = set(
        session.exec(select(AuditLog.action).where(AuditLog.actor_id == admin.user_id)).all()
    )
    assert {"user.create", "user.deactivate", "user.activate", "user.reset"} <= actions


def test_only_the_administrator_and_only_staff_roles(session: Session) -> None:
    admin = _user(session, "admin", region_code="360000")
    for role in ("security", "auditor", "supervisor"):
        with pytest.raises(PermissionDenied):
            staff.list_staff(session, principal=_user(session, role, region_code="360000"))
    with pytest.raises(DomainError) as wrong:
        staff.create_staff(
            session,
            principal=admin,
            form=StaffForm(username="someone1", name="x", role="applicant", phone="13600001235"),
        )
    assert wrong.value.field == "role"
    with pytest.raises(DomainError):
        staff.set_active(session, principal=admin, user_id=admin.user_id, active=False)
    assert session.exec(select(User).where(User.username == "someone1")).first() is None
