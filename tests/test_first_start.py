"""A first start without demo secrets (issue 19 item 5) and changing one's own password:
`python -m eap init --admin` makes the first administrator with a one-time password that must
be replaced at the first sign-in; in production the demo cannot be seeded and demo accounts
cannot sign in; a user changes their password with the old one, ending their other sessions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from eap.config import get_settings
from eap.db import make_engine
from eap.errors import DomainError
from eap.models import User
from eap.services.admin import accounts, sign_in
from eap.services.core.principal import Principal, token_hash
from tests.factories import _user, run_cli, scratch_database

NOW = dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC)


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("EAP_ENV", "production")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_init_makes_the_first_administrator_once(tmp_path: Path) -> None:
    url = scratch_database("eap_first_start", tmp_path)
    done = run_cli("init", "--admin", "chief", "--phone", "13700007777", db=url, lang="en")
    assert done.returncode == 0, done.stderr[-1500:]
    found = re.search(r"One-time password.*: (\S+)", done.stdout)
    assert found, done.stdout
    one_time = found.group(1)
    with Session(make_engine(url)) as s:
        accounts.check_password_rules(s, one_time)  # it meets the policy itself
        admin = s.exec(select(User).where(User.username == "chief")).one()
        assert admin.role == "admin" and admin.must_change_password and not admin.is_demo
        assert admin.password_hash != one_time and accounts.password_matches(admin, one_time)
    again = run_cli("init", "--admin", "second", "--phone", "13700007778", db=url, lang="en")
    assert again.returncode == 2 and "administrator exists" in again.stderr
    # production refuses the demo on this database
    demo = run_cli("seed", "demo", db=url, lang="en", env={"EAP_ENV": "production"})
    assert demo.returncode == 2 and "production" in demo.stderr


def test_a_one_time_password_is_replaced_before_anything_else(session: Session) -> None:
    one_time = accounts.first_administrator(session, username="chief2", phone="13700006666")
    first = sign_in.begin_login(
        session, username="chief2", password=one_time, client_key="tab", now=NOW
    )
    assert first.must_change_password and not first.token and not first.code_sent_to
    weak = sign_in.set_first_password(
        session, client_key="tab", password="short", password2="short", now=NOW
    )
    assert weak.error is not None and weak.error.field == "password" and weak.must_change_password
    same = sign_in.set_first_password(
        session, client_key="tab", password=one_time, password2=one_time, now=NOW
    )
    assert same.error is not None and same.error.key == "account.password_same"
    other_tab = sign_in.set_first_password(
        session, client_key="other", password="Chosen#2026", password2="Chosen#2026", now=NOW
    )
    assert other_tab.error is not None  # only the tab that gave the one-time password
    chosen = sign_in.set_first_password(
        session, client_key="tab", password="Chosen#2026", password2="Chosen#2026", now=NOW
    )
    # an administrator goes on to the texted code; the one-time password is dead
    assert chosen.error is None and chosen.code_sent_to
    user = session.exec(select(User).where(User.username == "chief2")).one()
    assert not user.must_change_password and accounts.password_matches(user, "Chosen#2026")
    assert not accounts.password_matches(user, one_time)


def test_demo_accounts_cannot_sign_in_in_production(session: Session, production: None) -> None:
    p = _user(session, "leader", region_code="360000")
    user = session.get(User, p.user_id)
    assert user is not None
    user.password_hash, user.is_demo = accounts.hash_password("Demo@2026"), True
    session.add(user)
    session.flush()
    refused = sign_in.begin_login(session, username=user.username, password="Demo@2026", now=NOW)
    assert refused.error is not None and refused.error.key == "auth.demo_account"
    from eap.demo.seed import seed_demo

    with pytest.raises(DomainError) as seeded:
        seed_demo(session, companies=1)
    assert seeded.value.key == "demo.production"


def test_changing_ones_own_password_ends_the_other_sessions(session: Session) -> None:
    p = _user(session, "supervisor", region_code="360100")
    user = session.get(User, p.user_id)
    assert user is not None
    user.password_hash = accounts.hash_password("Old#pass2026")
    session.add(user)
    session.flush()
    here = accounts.login(session, username=user.username, password="Old#pass2026").token
    elsewhere = accounts.login(session, username=user.username, password="Old#pass2026").token
    me = Principal.of(user)
    with pytest.raises(DomainError) as wrong:
        accounts.change_password(
            session,
            principal=me,
            old_password="nope",
            password="New#pass2026",
            password2="New#pass2026",
            session_key=token_hash(here),
        )
    assert wrong.value.field == "old_password"
    accounts.change_password(
        session,
        principal=me,
        old_password="Old#pass2026",
        password="New#pass2026",
        password2="New#pass2026",
        session_key=token_hash(here),
    )
    assert accounts.resolve_session(session, token=here) is not None
    assert accounts.resolve_session(session, token=elsewhere) is None
    assert accounts.password_matches(user, "New#pass2026")


def test_the_sign_in_page_says_demo_only_on_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    import reflex as rx

    from eap.state.core.login import LoginState

    def shown() -> bool:
        get_settings.cache_clear()
        root = rx.State(_reflex_internal_init=True)  # type: ignore[call-arg]
        state = root.get_substate(LoginState.get_full_name().split("."))
        state.on_load()  # the on-load handler, as Reflex runs it
        return bool(state.demo_site)

    try:
        monkeypatch.setenv("EAP_ENV", "development")
        assert shown()
        monkeypatch.setenv("EAP_ENV", "production")
        assert not shown()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
