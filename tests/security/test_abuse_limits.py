"""Abuse limits (等保: intrusion prevention): per-address sign-in failures bring a server-drawn
CAPTCHA and then a refusal; phone codes are limited per address and overall (SMS pumping);
sign-up is limited per address and does not tell who is registered before the phone code
matched."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from eap.config import get_settings
from eap.demo.seed import make_uscc
from eap.models import Company, User
from eap.services.admin import accounts, sign_in
from eap.services.core import captcha
from eap.services.core.request_info import RequestInfo, bind_request
from eap.services.hall import registration
from eap.services.hall.registration import Registration
from tests.factories import applicant, sms_ids_to

NOW = dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC)
PASSWORD = "Pass#word1"


@pytest.fixture
def from_address() -> Iterator[str]:
    ip = f"203.0.113.{random.randrange(1, 250)}"
    bind_request(RequestInfo(ip=ip, user_agent="test"))
    yield ip
    bind_request(RequestInfo())


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


def _account(session: Session) -> str:
    owner = applicant(session)
    user = session.get(User, owner.user_id)
    assert user is not None
    user.password_hash = accounts.hash_password(PASSWORD)
    session.add(user)
    session.flush()
    return user.username


def _try(session: Session, username: str, password: str, **captcha_answer: str):  # type: ignore[no-untyped-def]
    return sign_in.begin_login(
        session, username=username, password=password, now=NOW, **captcha_answer
    )


def test_failures_from_an_address_bring_a_captcha(
    session: Session, from_address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    username = _account(session)
    outcomes = [_try(session, f"nobody{n}", "wrong") for n in range(3)]  # names, not accounts
    assert [o.captcha_needed for o in outcomes] == [False, False, True]
    # the right password is not enough now
    refused = _try(session, username, PASSWORD)
    assert refused.error is not None and refused.error.key == "captcha.required"
    monkeypatch.setattr(captcha, "ALPHABET", "K")  # a picture whose answer the test knows
    wrong = captcha.new_challenge(session, now=NOW)
    bad = _try(session, username, PASSWORD, captcha_id=wrong.id, captcha_answer="XXXX")
    assert bad.error is not None and bad.error.key == "captcha.wrong"
    # a picture answers once: the same right answer on a used picture is refused
    used = _try(session, username, PASSWORD, captcha_id=wrong.id, captcha_answer="KKKK")
    assert used.error is not None and used.error.key == "captcha.required"
    fresh = captcha.new_challenge(session, now=NOW)
    assert fresh.image.startswith("data:image/png;base64,")
    ok = _try(session, username, PASSWORD, captcha_id=fresh.id, captcha_answer="kkkk")
    assert ok.error is None and ok.token
    # another address is not asked
    bind_request(RequestInfo(ip="198.51.100.7"))
    assert not sign_in.login_needs_captcha(session, now=NOW)


def test_an_address_past_its_limit_is_refused(
    session: Session, from_address: str, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.setenv("EAP_LOGIN_FAILURES_PER_IP", "4")
    settings_env.setenv("EAP_CAPTCHA_AFTER_FAILURES", "100")
    get_settings.cache_clear()
    username = _account(session)
    for n in range(4):
        _try(session, f"nobody{n}", "wrong")
    blocked = _try(session, username, PASSWORD)  # even the right password, for the window
    assert blocked.error is not None and blocked.error.key == "rate.limited"
    later = sign_in.begin_login(
        session, username=username, password=PASSWORD, now=NOW + dt.timedelta(minutes=16)
    )
    assert later.error is None


def test_phone_codes_are_limited_per_address_and_overall(
    session: Session, from_address: str, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.setenv("EAP_SMS_PER_IP_HOURLY", "3")
    get_settings.cache_clear()
    for n in range(3):
        registration.send_code(session, phone=f"1391234{n:04d}", now=NOW)
    with pytest.raises(Exception) as exc:
        registration.send_code(session, phone="13912349999", now=NOW)
    assert getattr(exc.value, "key", "") == "rate.limited"
    assert getattr(exc.value, "field", "") == "phone"
    # the overall cap holds whoever asks (a pumping botnet of many addresses)
    settings_env.setenv("EAP_SMS_PER_IP_HOURLY", "1000")
    settings_env.setenv("EAP_SMS_HOURLY_CAP", "2")
    get_settings.cache_clear()
    bind_request(RequestInfo(ip="198.51.100.9"))
    later = NOW + dt.timedelta(hours=1)
    registration.send_code(session, phone="13812340001", now=later)
    registration.send_code(session, phone="13812340002", now=later)
    with pytest.raises(Exception) as capped:
        registration.send_code(session, phone="13812340003", now=later)
    assert getattr(capped.value, "key", "") == "rate.limited"


def _code(session: Session, phone: str) -> str:
    import re

    from eap.models import SmsOutbox

    sms = session.get(SmsOutbox, sms_ids_to(session, phone)[-1])
    assert sms is not None
    found = re.search(r"\d{6}", sms.text)
    assert found
    return found.group(0)


def test_sign_up_does_not_tell_who_is_registered_before_the_code(
    session: Session, from_address: str
) -> None:
    taken = session.get(Company, applicant(session).company_id)
    assert taken is not None
    phone = "13712340077"
    registration.send_code(session, phone=phone, now=NOW)
    form = Registration(
        kind="company",
        uscc=taken.uscc,
        name="某公司",
        legal_rep="李四",
        region_code="360102",
        display_name="王五",
        phone=phone,
        code="000000",
        username="probe01",
        password="Strong#2026",
        password2="Strong#2026",
    )
    probe = registration.register_applicant(session, data=form, now=NOW)
    assert probe.error is not None and probe.error.key == "sms.code_wrong"  # not uscc_taken
    right = form.model_copy(update={"code": _code(session, phone)})
    told = registration.register_applicant(session, data=right, now=NOW)
    assert told.error is not None and told.error.key == "register.uscc_taken"
    # the code is not burned by the refusal: corrected, the same code makes the account
    fixed = right.model_copy(update={"uscc": make_uscc(random.Random(7), "360102")})
    made = registration.register_applicant(session, data=fixed, now=NOW)
    assert made.error is None and made.user is not None


def test_sign_ups_from_one_address_are_limited(
    session: Session, from_address: str, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.setenv("EAP_SIGNUPS_PER_IP_HOURLY", "2")
    get_settings.cache_clear()
    form = Registration(kind="company", uscc="x", phone="13700000000", username="u")
    keys = [registration.register_applicant(session, data=form, now=NOW).error for _ in range(3)]
    assert [k.key if k else None for k in keys][-1] == "rate.limited"
    assert keys[0] is not None and keys[0].key != "rate.limited"
