"""Window appointments (预约办事): applicants book a time slot at a service-centre window;
the clerk sees today's bookings and checks people in.

Slots follow the office's hours on working days (the same calendar as the statutory clocks).
Capacity is enforced by a guarded ``UPDATE ... WHERE booked < capacity`` on the slot row, so
two workers booking the last place at once end with one booking and one clear refusal.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from eap.config import get_settings
from eap.db import rowcount
from eap.errors import DomainError, PermissionDenied
from eap.models import Appointment, AppointmentSlot, Company, Department, Project
from eap.models.common import utcnow
from eap.services.core.audit import record
from eap.services.core.authz import region_prefix
from eap.services.core.clock import CHINA_TZ, WorkCalendar, local_date
from eap.services.core.notify import notify_user
from eap.services.core.principal import Principal
from eap.services.hall.rows import AppointmentRow

SLOT_MINUTES = 30
HOURS_RE = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
ACTIVE = ("booked", "checked_in")


def slot_times(office_hours: str) -> list[tuple[str, str]]:
    """Half-hour slots inside the office's hours, e.g. "9:00-12:00, 13:30-17:00"."""
    out: list[tuple[str, str]] = []
    for h1, m1, h2, m2 in HOURS_RE.findall(office_hours):
        start, end = int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)
        while start + SLOT_MINUTES <= end:
            out.append((_hhmm(start), _hhmm(start + SLOT_MINUTES)))
            start += SLOT_MINUTES
    return out


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def slot_start(slot: AppointmentSlot) -> dt.datetime:
    hh, mm = (int(x) for x in slot.start.split(":"))
    return dt.datetime.combine(slot.day, dt.time(hh, mm), tzinfo=CHINA_TZ)


def offices(session: Session, *, region_code: str | None = None) -> list[Department]:
    """Service-centre windows taking bookings, optionally within one region's prefix."""
    query = (
        select(Department)
        .where(Department.kind == "window", col(Department.active).is_(True))
        .order_by(col(Department.code))
    )
    prefix = region_prefix(region_code or "")
    if prefix:
        query = query.where(col(Department.region_code).startswith(prefix))
    return list(session.exec(query))


def bookable_days(session: Session, *, now: dt.datetime | None = None) -> list[dt.date]:
    """Today and the next working days open for booking."""
    now = now or utcnow()
    cal = WorkCalendar.load(session)
    day, out = local_date(now), list[dt.date]()
    while len(out) < get_settings().appointment_days_ahead:
        if cal.is_working_day(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def day_slots(
    session: Session, *, department_id: int, day: dt.date, now: dt.datetime | None = None
) -> list[AppointmentSlot]:
    """The office's slots for a day (created on first look), later than now."""
    now = now or utcnow()
    office = session.get(Department, department_id)
    if office is None or office.kind != "window":
        raise DomainError("appointment.no_office")
    if day not in bookable_days(session, now=now):
        raise DomainError("appointment.day_closed")
    dialect = session.get_bind().dialect.name
    for start, end in slot_times(office.office_hours):
        ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(AppointmentSlot)
        session.execute(
            ins.values(
                department_id=department_id,
                day=day,
                start=start,
                end=end,
                capacity=office.slot_capacity,
                booked=0,
            ).on_conflict_do_nothing(index_elements=["department_id", "day", "start"])
        )
    slots = session.exec(
        select(AppointmentSlot)
        .where(AppointmentSlot.department_id == department_id, AppointmentSlot.day == day)
        .order_by(col(AppointmentSlot.start))
    ).all()
    return [s for s in slots if slot_start(s) > now]


def book(
    session: Session,
    *,
    principal: Principal,
    slot_id: int,
    topic: str = "",
    project_id: int | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    now = now or utcnow()
    if principal.role not in ("applicant", "agent") or principal.company_id is None:
        raise PermissionDenied()
    slot = session.get(AppointmentSlot, slot_id)
    if slot is None:
        raise DomainError("error.not_found")
    if slot_start(slot) <= now or slot.day not in bookable_days(session, now=now):
        raise DomainError("appointment.slot_past")
    if project_id is not None:
        project = session.get(Project, project_id)
        if project is None or project.company_id != principal.company_id:
            raise PermissionDenied("error.not_found")
    # One company's bookings go one at a time (a row lock on PostgreSQL; SQLite serialises
    # writers anyway), so two tabs cannot book two slots of the same day at once.
    session.exec(
        select(Company.id).where(Company.id == principal.company_id).with_for_update()
    ).first()
    # Take the place first: the row lock this takes serialises bookings of the slot, so the
    # double-booking check after it sees any booking that won the race. A savepoint gives the
    # place back if the check refuses, whatever the caller then does with its transaction.
    with session.begin_nested():
        taken = session.execute(
            update(AppointmentSlot)
            .where(
                col(AppointmentSlot.id) == slot_id,
                col(AppointmentSlot.booked) < col(AppointmentSlot.capacity),
            )
            .values(booked=AppointmentSlot.booked + 1)
        )
        if rowcount(taken) != 1:
            raise DomainError("appointment.full")
        same_day = session.exec(
            select(Appointment)
            .join(AppointmentSlot, col(AppointmentSlot.id) == col(Appointment.slot_id))
            .where(
                Appointment.company_id == principal.company_id,
                AppointmentSlot.department_id == slot.department_id,
                AppointmentSlot.day == slot.day,
                col(Appointment.status).in_(ACTIVE),
            )
        ).first()
        if same_day is not None:
            raise DomainError("appointment.double", ticket=same_day.ticket)
    appointment = Appointment(
        slot_id=slot_id,
        company_id=principal.company_id,
        user_id=principal.user_id,
        project_id=project_id,
        topic=topic.strip()[:200],
        ticket=secrets.token_hex(8),
        created_at=now,
    )
    session.add(appointment)
    session.flush()
    appointment.ticket = f"{slot.day:%y%m%d}-{appointment.id:06d}"
    session.add(appointment)
    office = session.get(Department, slot.department_id)
    notify_user(
        session,
        user_id=principal.user_id,
        key="notify.appointment_booked",
        now=now,
        ticket=appointment.ticket,
        day=slot.day.isoformat(),
        time=f"{slot.start}-{slot.end}",
        office=office.name if office else "",
        address=office.address if office else "",
    )
    record(
        session,
        actor_id=principal.user_id,
        action="appointment.book",
        entity="appointment",
        entity_id=appointment.id or "",
        detail={"slot": slot_id, "day": slot.day.isoformat(), "start": slot.start},
    )
    session.flush()
    return appointment


def cancel(
    session: Session, *, principal: Principal, appointment_id: int, now: dt.datetime | None = None
) -> Appointment:
    """Cancel up to the cut-off (hours before the slot); the place is given back."""
    now = now or utcnow()
    appointment = session.get(Appointment, appointment_id)
    if (
        appointment is None
        or appointment.company_id != principal.company_id
        or (principal.role not in ("applicant", "agent"))
    ):
        raise PermissionDenied("error.not_found")
    if appointment.status != "booked":
        raise DomainError("appointment.not_booked")
    slot = session.get(AppointmentSlot, appointment.slot_id)
    assert slot is not None
    hours = get_settings().appointment_cancel_hours
    if now > slot_start(slot) - dt.timedelta(hours=hours):
        raise DomainError("appointment.cutoff", hours=hours)
    appointment.status, appointment.cancelled_at = "cancelled", now
    session.add(appointment)
    notify_user(
        session,
        user_id=appointment.user_id,
        key="notify.appointment_cancelled",
        now=now,
        ticket=appointment.ticket,
    )
    session.execute(
        update(AppointmentSlot)
        .where(col(AppointmentSlot.id) == slot.id, col(AppointmentSlot.booked) > 0)
        .values(booked=AppointmentSlot.booked - 1)
    )
    record(
        session,
        actor_id=principal.user_id,
        action="appointment.cancel",
        entity="appointment",
        entity_id=appointment_id,
    )
    session.flush()
    return appointment


def _rows(session: Session, query: Any, *, with_company: bool = False) -> list[AppointmentRow]:
    rows = list(session.exec(query))
    companies: dict[int, str] = {}
    if with_company:
        ids = {a.company_id for a, _slot, _office in rows}
        companies = {
            c.id: c.name
            for c in session.exec(select(Company).where(col(Company.id).in_(ids)))
            if c.id is not None
        }
    return [
        AppointmentRow(
            id=appointment.id or 0,
            ticket=appointment.ticket,
            day=slot.day.isoformat(),
            start=slot.start,
            end=slot.end,
            office=office.name,
            address=office.address,
            topic=appointment.topic,
            status=appointment.status,
            company=companies.get(appointment.company_id, ""),
        )
        for appointment, slot, office in rows
    ]


def my_appointments(
    session: Session, *, principal: Principal, now: dt.datetime | None = None
) -> list[AppointmentRow]:
    """The company's bookings from today on, soonest first."""
    now = now or utcnow()
    if principal.company_id is None:
        return []
    query = (
        select(Appointment, AppointmentSlot, Department)
        .join(AppointmentSlot, col(AppointmentSlot.id) == col(Appointment.slot_id))
        .join(Department, col(Department.id) == col(AppointmentSlot.department_id))
        .where(
            Appointment.company_id == principal.company_id,
            AppointmentSlot.day >= local_date(now),
        )
        .order_by(col(AppointmentSlot.day), col(AppointmentSlot.start))
        .limit(50)
    )
    return _rows(session, query)


def todays_appointments(
    session: Session, *, principal: Principal, now: dt.datetime | None = None
) -> list[AppointmentRow]:
    """The clerk's office bookings for today (cancelled ones left out), by time."""
    now = now or utcnow()
    if principal.role != "window" or principal.department_id is None:
        raise PermissionDenied()
    query = (
        select(Appointment, AppointmentSlot, Department)
        .join(AppointmentSlot, col(AppointmentSlot.id) == col(Appointment.slot_id))
        .join(Department, col(Department.id) == col(AppointmentSlot.department_id))
        .where(
            AppointmentSlot.department_id == principal.department_id,
            AppointmentSlot.day == local_date(now),
            col(Appointment.status).in_(ACTIVE),
        )
        .order_by(col(AppointmentSlot.start), col(Appointment.id))
    )
    return _rows(session, query, with_company=True)


def check_in(
    session: Session, *, principal: Principal, appointment_id: int, now: dt.datetime | None = None
) -> Appointment:
    """签到: the clerk of the booked office marks the visitor arrived, on the day only."""
    now = now or utcnow()
    appointment = session.get(Appointment, appointment_id)
    slot = session.get(AppointmentSlot, appointment.slot_id) if appointment else None
    if (
        appointment is None
        or slot is None
        or principal.role != "window"
        or principal.department_id != slot.department_id
    ):
        raise PermissionDenied("error.not_found")
    if appointment.status != "booked":
        raise DomainError("appointment.not_booked")
    if slot.day != local_date(now):
        raise DomainError("appointment.not_today")
    appointment.status, appointment.checked_in_at = "checked_in", now
    appointment.checked_in_by = principal.user_id
    session.add(appointment)
    record(
        session,
        actor_id=principal.user_id,
        action="appointment.check_in",
        entity="appointment",
        entity_id=appointment_id,
    )
    session.flush()
    return appointment
