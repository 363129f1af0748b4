"""The administrator's staff accounts (人员管理, 三员分立: the administrator manages people and
departments, not the audit log): list, create with role, region, department and head flag,
deactivate, and reset to a one-time password. A one-time password goes to the person's own
phone by SMS, never through the administrator's screen; the person replaces it at the first
sign-in. Every change is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from eap.errors import DomainError
from eap.i18n import t
from eap.models import Department, Region, SmsOutbox, User
from eap.models.accounts import UserCreate
from eap.models.common import utcnow
from eap.services.admin import accounts
from eap.services.core.audit import record
from eap.services.core.identifiers import mask_phone
from eap.services.core.phone_codes import check_phone
from eap.services.core.principal import Principal, Role

# What the administrator may create: staff and the other two officers; applicants and
# agencies register themselves.
STAFF_ROLES = (
    Role.WINDOW,
    Role.APPROVER,
    Role.SUPERVISOR,
    Role.LEADER,
    Role.ADMIN,
    Role.AUDITOR,
    Role.SECURITY,
)
PAGE = 20


@dataclass(frozen=True)
class StaffRow:
    id: int = 0
    username: str = ""
    name: str = ""
    role: str = ""
    region: str = ""
    department: str = ""
    is_head: bool = False
    active: bool = True
    phone: str = ""  # masked


@dataclass(frozen=True)
class StaffForm:
    username: str = ""
    name: str = ""
    role: str = ""
    region_code: str = ""
    department_id: int | None = None
    is_head: bool = False
    phone: str = ""


def list_staff(
    session: Session, *, principal: Principal, text: str = "", page: int = 1
) -> tuple[list[StaffRow], int]:
    principal.require_role(Role.ADMIN)
    query = select(User, Region.name, Department.name).where(col(User.role).in_(STAFF_ROLES))
    query = query.join(Region, col(Region.code) == col(User.region_code), isouter=True)
    query = query.join(Department, col(Department.id) == col(User.department_id), isouter=True)
    if text.strip():
        query = query.where(col(User.username).contains(text.strip()[:40]))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(User.username)).offset((max(page, 1) - 1) * PAGE).limit(PAGE)
    ).all()
    return [
        StaffRow(
            u.id or 0,
            u.username,
            u.display_name,
            u.role,
            region or "",
            dept or "",
            u.is_head,
            u.active,
            mask_phone(u.phone),
        )
        for u, region, dept in rows
    ], int(total)


def _text_one_time(session: Session, user: User, password: str, now: dt.datetime) -> None:
    session.add(
        SmsOutbox(
            phone=user.phone,
            text=t("staff.sms_one_time", "zh", username=user.username, password=password),
            created_at=now,
        )
    )


def create_staff(
    session: Session, *, principal: Principal, form: StaffForm, now: dt.datetime | None = None
) -> User:
    """A staff account with a one-time password texted to its phone."""
    principal.require_role(Role.ADMIN)
    if form.role not in STAFF_ROLES:
        raise DomainError("staff.role", field="role")
    if not form.name.strip():
        raise DomainError("staff.name_required", field="name")
    phone = check_phone(form.phone)
    if session.exec(select(User).where(User.username == form.username.strip())).first():
        raise DomainError("register.username_taken", field="username")
    one_time = accounts.one_time_password(session)
    user = accounts.create_user(
        session,
        data=UserCreate(
            username=form.username.strip(),
            display_name=form.name.strip(),
            role=form.role,
            password=one_time,
            region_code=form.region_code or None,
            department_id=form.department_id,
            is_head=form.is_head,
            phone=phone,
        ),
        actor_id=principal.user_id,
        one_time=True,
    )
    _text_one_time(session, user, one_time, now or utcnow())
    session.flush()
    return user


def set_active(session: Session, *, principal: Principal, user_id: int, active: bool) -> None:
    """Deactivate (every session ends at once) or reactivate an account."""
    principal.require_role(Role.ADMIN)
    user = session.get(User, user_id)
    if user is None or user.role not in STAFF_ROLES:
        raise DomainError("error.not_found")
    if user.id == principal.user_id and not active:
        raise DomainError("staff.not_yourself")
    user.active = active
    session.add(user)
    if not active:
        accounts.end_sessions(session, user_id=user_id, reason="deactivated")
    record(
        session,
        actor_id=principal.user_id,
        action="user.activate" if active else "user.deactivate",
        entity="user",
        entity_id=user_id,
    )
    session.flush()


def reset_to_one_time(
    session: Session, *, principal: Principal, user_id: int, now: dt.datetime | None = None
) -> str:
    """A new one-time password, texted to the account's phone; its sessions end. Returns
    the masked phone it went to."""
    principal.require_role(Role.ADMIN)
    user = session.get(User, user_id)
    if user is None or user.role not in STAFF_ROLES:
        raise DomainError("error.not_found")
    if not user.phone:
        raise DomainError("auth.second_factor_no_phone")
    one_time = accounts.one_time_password(session)
    user.password_hash = accounts.hash_password(one_time)
    user.must_change_password, user.failed_logins, user.locked_until = True, 0, None
    session.add(user)
    accounts.end_sessions(session, user_id=user_id, reason="password_reset")
    _text_one_time(session, user, one_time, now or utcnow())
    record(
        session, actor_id=principal.user_id, action="user.reset", entity="user", entity_id=user_id
    )
    session.flush()
    return mask_phone(user.phone)
