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
from eap.services.core.principal import token_hash
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
    key = token_hash(token)  # what a page's socket carries
    with Session(engine) as s:
        seen = _statements(s)
        assert accounts.resolve_session_for_refresh(s, key=key) == p
        first = len(seen)
        assert first >= 1  # checked in the database once
        assert accounts.resolve_session_for_refresh(s, key=key) == p
        assert len(seen) == first  # then from the shared cache
        accounts.logout(s, token=token)
        s.commit()
        assert accounts.resolve_session_for_refresh(s, key=key) is None
        assert accounts.resolve_session_for_refresh(s, key=token_hash("not-a-token")) is None


def test_supervisors_rankings_and_kpis_are_computed_once_a_minute(
    engine: object, shared_cache: None
) -> None:
    """The supervision page's heavy reads (run in a worker thread, which frees the event loop
    but not the processor) come from the shared cache when asked again within a minute; the
    ranking is still refused to a role that may not see it."""
    import datetime as dt

    from eap.db import get_engine
    from eap.errors import PermissionDenied
    from eap.services.core.principal import Principal
    from eap.state.supervision.figures import kpi_rows, ranking_figures

    def principal(role: str) -> Principal:
        return Principal(
            user_id=1,
            username=role,
            display_name=role,
            role=role,
            region_code="360000",
            department_id=None,
            company_id=None,
            is_head=False,
        )

    supervisor = principal("supervisor")
    start, end = dt.date(2026, 1, 1), dt.date(2026, 11, 30)
    first = ranking_figures(supervisor, start, end, "zh")
    table = kpi_rows(supervisor, start, end, "city_code", "zh")
    seen: list[str] = []

    def spy(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(get_engine(), "before_cursor_execute", spy)
    try:
        again = ranking_figures(supervisor, start, end, "zh")
        assert kpi_rows(supervisor, start, end, "city_code", "zh") == table
    finally:
        event.remove(get_engine(), "before_cursor_execute", spy)
    assert seen == []  # both from the cache
    assert again == first and first[0]["data"][0]["type"] == "bar"
    key = "eap:ranking:360000:2026-01-01:2026-11-30:zh"
    ttl = cache.client().ttl(key)  # type: ignore[union-attr]
    assert 0 < ttl <= 60
    with pytest.raises(PermissionDenied):
        ranking_figures(principal("admin"), start, end, "zh")


def test_a_policy_change_reaches_every_worker_at_once(session: Session, shared_cache: None) -> None:
    """The policy is read from the shared cache on each session check; the officer's change
    drops the cached copy, so no worker goes on with the old idle limit."""
    from eap.models import SecurityPolicy
    from eap.services.admin import security_office
    from eap.services.core.policy import CACHE_KEY, current_policy

    assert current_policy(session).session_idle_minutes == 30
    assert cache.get_json(CACHE_KEY)["session_idle_minutes"] == 30
    session.add(SecurityPolicy(id=1, session_idle_minutes=7))  # behind the cache's back
    session.flush()
    seen = _statements(session)
    assert current_policy(session).session_idle_minutes == 30  # the cached copy, no read
    assert not [q for q in seen if "securitypolicy" in q.lower()]
    officer = _user(session, "security", region_code="360000")
    security_office.set_policy(session, principal=officer, values={"session_idle_minutes": "15"})
    assert cache.get_json(CACHE_KEY) is None
    assert current_policy(session).session_idle_minutes == 15
