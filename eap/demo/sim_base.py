"""The demo simulator's people and time: who acts for a window or a department (the staff of
the window's region, or by 事权 another level's), and working-day times that never run
backwards."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from eap.errors import DomainError
from eap.models import CaseEvent, Company, StageCase, User
from eap.models.accounts import UserCreate
from eap.services.admin.accounts import create_user
from eap.services.core.clock import CHINA_TZ, WorkCalendar
from eap.services.core.principal import Principal


@dataclass
class Staff:
    window: Principal
    approvers: dict[int, Principal] = field(default_factory=dict)  # department id -> principal
    heads: dict[int, Principal] = field(default_factory=dict)


@dataclass
class SimStats:
    projects: int = 0
    stage_cases: int = 0
    transitions: int = 0
    completed: int = 0


class SimulatorBase:
    """The simulation's people (who acts for a window or a department) and time."""

    def __init__(self, session: Session, *, seed: int, now: dt.datetime) -> None:
        self.s = session
        self.rng = random.Random(seed)
        self.now = now
        self.cal = WorkCalendar.load(session)
        self.staff: dict[str, Staff] = {}
        self.stats = SimStats()

    # --- people -------------------------------------------------------------------------
    def _staff(self, region: str) -> Staff:
        if region in self.staff:
            return self.staff[region]
        users = self.s.exec(
            select(User).where(
                User.region_code == region, col(User.role).in_(["window", "approver"])
            )
        ).all()
        windows = [u for u in users if u.role == "window"]
        if not windows:
            raise DomainError("simulate.no_staff", region=region)
        staff = Staff(Principal.of(windows[0]))
        for u in users:
            if u.role == "approver" and u.department_id is not None:
                (staff.heads if u.is_head else staff.approvers).setdefault(
                    u.department_id, Principal.of(u)
                )
        self.staff[region] = staff
        return staff

    def _approver(self, staff: Staff, dept_id: int) -> Principal:
        """The department's handler: the window region's staff, or (事权) the staff of the
        province's or another level's department the case went to."""
        who = staff.approvers.get(dept_id) or staff.heads.get(dept_id)
        if who is None:
            user = self.s.exec(
                select(User)
                .where(User.department_id == dept_id, User.role == "approver")
                .order_by(col(User.is_head), col(User.id))
            ).first()
            if user is None:
                raise DomainError("simulate.no_staff", region=str(dept_id))
            who = staff.approvers[dept_id] = Principal.of(user)
        return who

    def _lead(self, staff: Staff, sc: StageCase) -> Principal:
        if sc.lead_department_id == staff.window.department_id:
            return staff.window
        return self._approver(staff, sc.lead_department_id)

    def _applicant(self, company: Company) -> Principal:
        user = self.s.exec(
            select(User).where(User.company_id == company.id, User.role == "applicant")
        ).first()
        if user is None:
            from eap.services.admin.accounts import hash_password

            user = create_user(
                self.s,
                data=UserCreate(
                    username=f"c{company.id:05d}",
                    display_name=company.legal_rep or "申报人",
                    role="applicant",
                    password="-",
                    region_code=company.region_code,
                    company_id=company.id,
                    phone=company.contact_phone,
                ),
                actor_id=None,
                hashed=hash_password(self.rng.randbytes(12).hex()),
                demo=True,
            )
        return Principal.of(user)

    # --- time ---------------------------------------------------------------------------
    def at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        minute = self.rng.randint(0, 59)
        return dt.datetime.combine(
            day, dt.time(hour or self.rng.randint(9, 16), minute), tzinfo=CHINA_TZ
        )

    def after(
        self, sc_id: int, day: dt.date, hour: int | None = None, *, item: int = 0
    ) -> dt.datetime:
        """A time on ``day`` that is not before the case's last event: an item's own events and
        its stage's (item 0: every event of the stage). History never runs backwards."""
        q = select(func.max(CaseEvent.at)).where(CaseEvent.stage_case_id == sc_id)
        if item:
            q = q.where(
                (col(CaseEvent.item_case_id) == item) | col(CaseEvent.item_case_id).is_(None)
            )
        last = self.s.exec(q).one()
        at = self.at(day, hour)
        if last is not None and at <= last:
            # a fixed step: the simulation's random stream stays as it was
            at = last.astimezone(CHINA_TZ) + dt.timedelta(minutes=7)
        return at

    def later(self, day: dt.date, lo: int, hi: int) -> dt.date:
        return self.cal.add_working_days(day, self.rng.randint(lo, hi)).day

    def past(self, day: dt.date) -> bool:
        return self.at(day, 17) < self.now
