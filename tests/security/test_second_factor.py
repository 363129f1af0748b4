"""The second sign-in factor: administrators, auditors and security officers confirm a right
password with an SMS code sent to the account's phone; other roles by policy. A wrong code is
counted, a code is good for this sign-in only, and the waiting sign-in belongs to the browser
tab that gave the password."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from eap.config import get_settings
from eap.models import SmsOutbox, User
from eap.services.admin import accounts, second_factor, sign_in
from eap.services.core.principal import token_hash
from tests.factories import _user, city_staff, sms_ids_to

PASSWORD = "Pass#word1"
NOW = dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC)


def _account(session: Session, role: str, phone: str) -> User:
    if role == "approver":
        p = city_staff(session).approvers["zrzy"]
    else:
        p = _user(session, role, region_code="360000")
    user = session.get(User, p.user_id)
    assert user is not None
    user.password_hash, user.phone = accounts.hash_password(PASSWORD), phone
    session.add(user)
    session.flush()
    return user


def _texted(session: Session, phone: str) -> str:
    sms = session.get(SmsOutbox, sms_ids_to(session, phone)[-1])
    assert sms is not None
    found = re.search(r"\d{6}", sms.text)
    assert found
    return found.group(0)


@pytest.fixture
def policy(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


def test_an_administrator_needs_the_texted_code(session: Session) -> None:
    admin = _account(session, "admin", "13955550001")
    first = sign_in.begin_login(
        session, username=admin.username, password=PASSWORD, client_key="tab-1", now=NOW
    )
    assert first.error is None and first.token == "" and first.principal is None
    assert first.code_sent_to == "139****0001"
    code = _texted(session, admin.phone)
    # another tab (or an attacker who only guesses codes) has no sign-in waiting
    stranger = second_factor.finish(session, client_key="tab-2", code=code, now=NOW)
    assert stranger.error is not None and stranger.error.key == "auth.second_factor_expired"
    wrong = second_factor.finish(session, client_key="tab-1", code="000000", now=NOW)
    assert wrong.error is not None and wrong.error.key == "sms.code_wrong"
    assert wrong.error.field == "otp"
    done = second_factor.finish(session, client_key="tab-1", code=code, now=NOW)
    assert done.error is None and done.principal is not None and done.principal.role == "admin"
    opened = sign_in.redeem_handoff(session, code=done.handoff, now=NOW)
    assert opened is not None and accounts.resolve_session(session, token=opened[0], now=NOW)
    again = second_factor.finish(session, client_key="tab-1", code=code, now=NOW)
    assert again.error is not None  # used up


def test_a_waiting_sign_in_expires(session: Session) -> None:
    auditor = _account(session, "auditor", "13955550002")
    sign_in.begin_login(
        session, username=auditor.username, password=PASSWORD, client_key="tab", now=NOW
    )
    code = _texted(session, auditor.phone)
    late = second_factor.finish(
        session, client_key="tab", code=code, now=NOW + second_factor.WAIT + dt.timedelta(seconds=1)
    )
    assert late.error is not None and late.error.key == "auth.second_factor_expired"


def test_other_roles_by_policy(session: Session, policy: pytest.MonkeyPatch) -> None:
    approver = _account(session, "approver", "13955550003")
    direct = sign_in.begin_login(session, username=approver.username, password=PASSWORD, now=NOW)
    assert direct.token and not direct.code_sent_to
    policy.setenv("EAP_SECOND_FACTOR_ROLES", "admin,auditor,security,approver")
    get_settings.cache_clear()
    asked = sign_in.begin_login(
        session, username=approver.username, password=PASSWORD, client_key="t", now=NOW
    )
    assert asked.code_sent_to and not asked.token


def test_a_wrong_password_sends_no_code(session: Session) -> None:
    admin = _account(session, "security", "13955550004")
    refused = sign_in.begin_login(
        session, username=admin.username, password="wrong", client_key="t", now=NOW
    )
    assert refused.error is not None and refused.code_sent_to == ""
    assert sms_ids_to(session, admin.phone) == []
    assert token_hash("t")  # the key is derived, never stored raw
