"""Demo activity in the service hall: an agent authorisation, consultations and complaints
with some replies, and window bookings for today and the next working day. Everything goes
through the hall's own services."""

from __future__ import annotations

import datetime as dt
import random

from sqlmodel import Session, col, select

from eap.models import Department, Item, ItemCase, Project, User
from eap.services.core.clock import CHINA_TZ, today_in_china
from eap.services.core.principal import Principal
from eap.services.hall import agents, appointments, inquiries

QUESTIONS = (
    ("需要准备哪些材料？", "请问该事项的申请材料是否可以使用电子签章？"),
    ("办理时限是多久？", "承诺时限是否包含公示时间？"),
    ("能否容缺受理？", "部分图纸还在完善，能否先受理？"),
)
COMPLAINTS = (("办理超时", "已超过承诺办结时限，未收到任何通知。"),)


def _user(session: Session, username: str) -> Principal | None:
    user = session.exec(select(User).where(User.username == username)).first()
    return Principal.of(user) if user else None


def _consult(
    session: Session, rng: random.Random, applicant: Principal, items: list[Item], *, answer: bool
) -> None:
    subject, body = rng.choice(QUESTIONS)
    inquiry = inquiries.ask(
        session,
        principal=applicant,
        kind="consult",
        subject=subject,
        body=body,
        item_code=rng.choice(items).code,
    )
    staff = session.exec(select(User).where(User.department_id == inquiry.department_id)).first()
    if answer and staff is not None:
        inquiries.reply(
            session,
            principal=Principal.of(staff),
            inquiry_id=inquiry.id or 0,
            body="您好，具体要求详见办事指南，也可预约窗口当面咨询。",
        )


def seed_hall_activity(session: Session, *, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)
    counts = {"grants": 0, "inquiries": 0, "appointments": 0}
    owner, agent = _user(session, "qiye001"), _user(session, "daiban01")
    if owner and agent:
        agents.grant_agent(
            session,
            principal=owner,
            agent_username="daiban01",
            valid_until=today_in_china() + dt.timedelta(days=365),
            scope_note="全流程帮办代办",
        )
        counts["grants"] = 1
    items = [i for i in session.exec(select(Item)) if i.code.startswith("S")]
    complaints = 0
    for n in range(1, 21):
        applicant = _user(session, f"qiye{n:03d}")
        if applicant is None or not items:
            continue
        if n <= 8:  # eight questions; the first two with a case also complain
            _consult(session, rng, applicant, items, answer=n % 2 == 0)
            counts["inquiries"] += 1
        case = session.exec(
            select(ItemCase)
            .join(Project, col(Project.id) == col(ItemCase.project_id))
            .where(Project.company_id == applicant.company_id, col(ItemCase.case_no) != "")
        ).first()
        if case is not None and complaints < 2:
            complaints += 1
            subject, body = COMPLAINTS[0]
            inquiries.ask(
                session,
                principal=applicant,
                kind="complaint",
                subject=subject,
                body=body,
                item_case_id=case.id,
            )
            counts["inquiries"] += 1
    office = session.exec(
        select(Department).where(Department.region_code == "360100", Department.kind == "window")
    ).first()
    if office is not None:
        early = dt.datetime.combine(today_in_china(), dt.time(7), tzinfo=CHINA_TZ)
        for day in appointments.bookable_days(session, now=early)[:2]:
            slots = appointments.day_slots(
                session, department_id=office.id or 0, day=day, now=early
            )
            for n in range(1, 6):
                applicant = _user(session, f"qiye{n:03d}")
                if applicant is None or not slots:
                    continue
                appointments.book(
                    session,
                    principal=applicant,
                    slot_id=rng.choice(slots).id or 0,
                    topic=rng.choice(("咨询施工许可", "领取证照", "提交纸质材料")),
                    now=early,
                )
                counts["appointments"] += 1
    return counts
