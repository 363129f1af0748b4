"""The inbox: a company's notifications for its applicants, a user's own for staff."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from eap.services.approval import intake
from eap.services.core import inbox
from tests.factories import _user, applicant, at, city_staff, file_stage, project

D = dt.date


def test_inbox_lists_translates_and_marks_read(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    sc = file_stage(session, owner, pid, 1, day=D(2026, 11, 2))
    intake.receive_case(
        session, principal=city.window, stage_case_id=sc.id, now=at(D(2026, 11, 2), 10)
    )
    rows, unread, pages = inbox.inbox_page(session, principal=owner, lang="zh")
    assert unread == 1 and pages == 1 and "已接件" in rows[0].text and rows[0].unread is True
    en, _, _ = inbox.inbox_page(session, principal=owner, lang="en")
    assert "was received" in en[0].text
    stranger = applicant(session)
    assert inbox.inbox_page(session, principal=stranger, lang="zh")[0] == []
    staff = _user(session, "supervisor", region_code="360100")
    assert inbox.inbox_page(session, principal=staff, lang="zh")[0] == []
    assert inbox.mark_all_read(session, principal=owner) == 1
    after, unread_after, _ = inbox.inbox_page(session, principal=owner, lang="zh")
    assert unread_after == 0 and after[0].unread is False
