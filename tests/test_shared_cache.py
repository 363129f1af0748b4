"""The cache every worker shares (Redis): the screens' snapshot and a refresh's session check
come from it; signing out drops the check. Uses the machine's Redis (EAP_TEST_REDIS_URL, a
database of its own); scripts/test.sh starts one where none answers."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlmodel import Session

from eap.config import get_settings
from eap.models import ScreenSnapshot, User
from eap.services.admin import accounts
from eap.services.core import cache
from eap.services.screen import figures, snapshot
from tests.factories import _user

REDIS = os.environ.get("EAP_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def shared_cache() -> Iterator[None]:
    settings = get_settings()
    before, settings.redis_url = settings.redis_url, REDIS
    client = cache.client()
    assert client is not None
    client.ping()  # a test that needs Redis fails loudly without it
    client.flushdb()
    yield
    client.flushdb()
    settings.redis_url = before


def _statements(session: Session) -> list[str]:
    seen: list[str] = []
    event.listen(session.get_bind(), "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_screens_read_the_snapshot_from_the_shared_cache(
    session: Session, shared_cache: None
) -> None:
    snapshot.refresh(session)
    leader = _user(session, "leader", region_code="360000")
    cached = cache.get_json(snapshot.cache_key("360000"))
    assert cached is not None and set(cached["data"]) >= {"periods", "now", "ref"}
    # the row changes behind the cache's back: the screen shows the cache's copy, with no
    # database read at all
    row = session.get(ScreenSnapshot, "360000")
    assert row is not None
    row.data = {**row.data, "now": {**row.data["now"], "in_progress": 987654}}
    session.add(row)
    session.flush()
    seen = _statements(session)
    view = figures.screen_view(session, principal=leader, period="year")
    assert [h.value for h in view.headlines][0] != "987654"
    assert not [s for s in seen if "screensnapshot" in s.lower()]
    cache.delete(snapshot.cache_key("360000"))  # gone from the cache: the row is read
    view = figures.screen_view(session, principal=leader, period="year")
    assert [h.value for h in view.headlines][0] == "987654"


def test_a_refresh_reuses_the_session_check_until_signed_out(engine, shared_cache: None) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        p = _user(s, "leader", region_code="360000")
        user = s.get(User, p.user_id)
        assert user is not None
        user.password_hash = accounts.hash_password("Pass#word1")
        s.add(user)
        s.commit()
        token = accounts.login(s, username=user.username, password="Pass#word1").token
        s.commit()
    with Session(engine) as s:
        seen = _statements(s)
        assert accounts.resolve_session_for_refresh(s, token=token) == p
        first = len(seen)
        assert first >= 1  # checked in the database once
        assert accounts.resolve_session_for_refresh(s, token=token) == p
        assert len(seen) == first  # then from the shared cache
        accounts.logout(s, token=token)
        s.commit()
        assert accounts.resolve_session_for_refresh(s, token=token) is None
        assert accounts.resolve_session_for_refresh(s, token="not-a-token") is None
