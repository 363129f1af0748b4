"""通知公告: only administrators publish; everyone reads the active ones, newest first."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from eap.errors import DomainError, PermissionDenied
from eap.services.admin import notices
from tests.factories import _user, applicant


def test_publish_and_list(session: Session) -> None:
    admin = _user(session, "admin", region_code="360000")
    with pytest.raises(PermissionDenied):
        notices.publish_notice(session, principal=applicant(session), title="x", body="y")
    with pytest.raises(DomainError) as err:
        notices.publish_notice(session, principal=admin, title=" ", body="y")
    assert err.value.key == "notice.title_required"
    t0 = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    old = notices.publish_notice(
        session, principal=admin, title="关于调整窗口办公时间的通知", body="春节期间…", now=t0
    )
    new = notices.publish_notice(
        session,
        principal=admin,
        title="关于推行告知承诺制的公告",
        body="自即日起…",
        now=t0 + dt.timedelta(days=1),
    )
    rows, _pages = notices.list_notices(session, size=100)
    titles = [r.title for r in rows]
    assert titles.index(new.title) < titles.index(old.title)
    notices.withdraw_notice(session, principal=admin, notice_id=old.id)
    assert old.title not in [r.title for r in notices.list_notices(session, size=100)[0]]
    assert notices.get_notice(session, notice_id=new.id or 0).body == "自即日起…"
    with pytest.raises(DomainError):
        notices.get_notice(session, notice_id=old.id or 0)  # withdrawn: gone for the public
    with pytest.raises(PermissionDenied):
        notices.withdraw_notice(session, principal=applicant(session), notice_id=new.id or 0)
