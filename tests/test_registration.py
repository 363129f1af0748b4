"""Self-registration with an SMS code, and agent authorisation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import Session, col, select

from eap.crypto import blind_index, person_key
from eap.demo.seed import make_uscc
from eap.errors import DomainError, PermissionDenied
from eap.models import AgentGrant, Company, PhoneCode, SmsOutbox, User
from eap.services.admin import accounts
from eap.services.approval import filing
from eap.services.core.identifiers import id_check_char
from eap.services.core.principal import Principal, token_hash
from eap.services.hall import agents, registration
from eap.services.hall.registration import Registration
from tests.factories import _rng, at, project, sms_ids_to

NOW = at(dt.date(2026, 11, 30), 10)


def _id_number(serial: str = "001") -> str:
    first = f"360102199001011{serial[-2:]}"
    return first + id_check_char(first)


def _code(session: Session, phone: str) -> str:
    """The code as the SMS gateway would deliver it: read from the outbox text."""
    sms = session.exec(
        select(SmsOutbox)
        .where(col(SmsOutbox.id).in_(sms_ids_to(session, phone)))
        .order_by(col(SmsOutbox.id).desc())
    ).first()
    assert sms is not None
    match = re.search(r"\b(\d{6})\b", sms.text)
    assert match, sms.text
    return match.group(1)


def _form(**over: str) -> Registration:
    data = {
        "kind": "company",
        "uscc": make_uscc(_rng, "360102"),
        "name": "赣江建设有限公司",
        "legal_rep": "李四",
        "region_code": "360102",
        "display_name": "王五",
        "phone": "13912340001",
        "username": "ganjiang01",
        "password": "Strong#2026",
        "password2": "Strong#2026",
    }
    data.update(over)
    return Registration(**data)


def test_company_registers_with_sms_code_and_signs_in(session: Session) -> None:
    form = _form()
    registration.send_code(session, phone=form.phone, now=NOW)
    form.code = _code(session, form.phone)
    outcome = registration.register_applicant(session, data=form, now=NOW)
    assert outcome.error is None and outcome.user is not None
    company = session.get(Company, outcome.user.company_id)
    assert company is not None and company.uscc == form.uscc and company.kind == "company"
    assert outcome.user.role == "applicant" and outcome.user.phone == form.phone
    login = accounts.login(session, username="ganjiang01", password="Strong#2026")
    assert login.error is None and login.principal is not None
    assert login.principal.company_id == company.id
    # the code is single-use
    again = registration.register_applicant(
        session, data=_form(username="ganjiang02", code=form.code), now=NOW
    )
    assert again.error is not None and again.error.key == "sms.code_missing"


def test_person_registers_with_id_number(session: Session) -> None:
    form = _form(kind="person", uscc="", name="", legal_rep="", id_number=_id_number())
    registration.send_code(session, phone=form.phone, now=NOW)
    form.code = _code(session, form.phone)
    outcome = registration.register_applicant(session, data=form, now=NOW)
    assert outcome.user is not None
    company = session.get(Company, outcome.user.company_id)
    assert company is not None and company.kind == "person"
    # the party name lists show is masked; the full name and the ID number are sealed
    assert (company.name, company.legal_rep) == ("王*", "王五")
    assert company.id_number == form.id_number and company.uscc == person_key(form.id_number)


@pytest.mark.parametrize(
    ("over", "field", "key"),
    [
        ({"uscc": "91360100MA35ABCDE0"}, "uscc", None),
        ({"name": " "}, "name", "register.name_required"),
        ({"phone": "1234"}, "phone", "sms.phone_format"),
        ({"username": "1abc"}, "username", "register.username_format"),
        ({"password": "weakpass", "password2": "weakpass"}, "password", "auth.password_rules"),
        ({"password2": "Other#2026"}, "password2", "register.password_mismatch"),
        ({"region_code": "999999"}, "region_code", "register.region"),
    ],
)
def test_bad_fields_are_named_and_burn_no_code_attempt(
    session: Session, over: dict, field: str, key: str | None
) -> None:
    form = _form(**over)
    phone = "13912340001"
    registration.send_code(session, phone=phone, now=NOW)
    form.code = _code(session, phone)
    outcome = registration.register_applicant(session, data=form, now=NOW)
    assert outcome.user is None and outcome.error is not None
    assert outcome.error.field == field
    if key:
        assert outcome.error.key == key
    code = session.exec(
        select(PhoneCode).where(PhoneCode.phone_index == blind_index(phone, purpose="phone"))
    ).one()
    assert code.attempts == 0 and code.used_at is None
    assert session.exec(select(User).where(User.username == form.username)).first() is None


def test_wrong_codes_count_and_then_the_code_dies(session: Session) -> None:
    form = _form()
    registration.send_code(session, phone=form.phone, now=NOW)
    good = _code(session, form.phone)
    wrong = "000000" if good != "000000" else "111111"
    keys = []
    for _ in range(5):
        outcome = registration.register_applicant(session, data=_form(code=wrong), now=NOW)
        assert outcome.error is not None
        keys.append(outcome.error.key)
    assert keys == ["sms.code_wrong"] * 4 + ["sms.code_exhausted"]
    late = registration.register_applicant(session, data=_form(code=good), now=NOW)
    assert late.error is not None and late.error.key == "sms.code_exhausted"


def test_code_expires_and_sending_is_rate_limited(session: Session) -> None:
    phone = "13912340002"
    registration.send_code(session, phone=phone, now=NOW)
    with pytest.raises(DomainError) as exc:
        registration.send_code(session, phone=phone, now=NOW + dt.timedelta(seconds=30))
    assert exc.value.key == "sms.wait" and exc.value.params["seconds"] == 30
    code = _code(session, phone)
    expired = registration.register_applicant(
        session, data=_form(phone=phone, code=code), now=NOW + dt.timedelta(minutes=11)
    )
    assert expired.error is not None and expired.error.key == "sms.code_expired"
    for n in range(1, 10):
        registration.send_code(session, phone=phone, now=NOW + dt.timedelta(minutes=2 * n))
    with pytest.raises(DomainError) as exc:
        registration.send_code(session, phone=phone, now=NOW + dt.timedelta(minutes=30))
    assert exc.value.key == "sms.daily_limit"


def _registered(session: Session, kind: str, username: str, phone: str, **over: str) -> User:
    form = _form(kind=kind, username=username, phone=phone, **over)
    registration.send_code(session, phone=phone, now=NOW)
    form.code = _code(session, phone)
    outcome = registration.register_applicant(session, data=form, now=NOW)
    assert outcome.user is not None, outcome.error
    return outcome.user


def test_agent_acts_for_a_company_only_while_authorised(session: Session) -> None:
    owner_user = _registered(session, "company", "owner01", "13912340003")
    agent_user = _registered(
        session, "agent", "agent01", "13912340004", uscc="", id_number=_id_number("002")
    )
    assert agent_user.role == "agent" and agent_user.company_id is None
    owner = Principal.of(owner_user)
    pid = project(session, owner)
    login = accounts.login(session, username="agent01", password="Strong#2026", now=NOW)
    token = login.token
    agent = accounts.resolve_session(session, token=token, now=NOW)
    assert agent is not None and agent.company_id is None
    # not authorised yet: cannot switch, cannot see the project
    with pytest.raises(DomainError):
        agents.act_for(
            session,
            principal=agent,
            session_key=token_hash(token),
            company_id=owner.company_id,
            now=NOW,
        )
    grant = agents.grant_agent(
        session,
        principal=owner,
        agent_username="agent01",
        valid_until=dt.date(2026, 12, 31),
        scope_note="施工许可阶段",
        now=NOW,
    )
    assert [c.id for c in agents.companies_for_agent(session, principal=agent, now=NOW)] == [
        owner.company_id
    ]
    agents.act_for(
        session,
        principal=agent,
        session_key=token_hash(token),
        company_id=owner.company_id,
        now=NOW,
    )
    acting = accounts.resolve_session(session, token=token, now=NOW)
    assert acting is not None and acting.company_id == owner.company_id
    assert filing.submit_stage_application is not None
    from eap.services.hall import hall

    assert hall.apply_form(session, principal=acting, project_id=pid, stage_code=1).form_items
    # an agent cannot pass the authorisation on
    with pytest.raises(PermissionDenied):
        agents.grant_agent(
            session,
            principal=acting,
            agent_username="agent01",
            valid_until=dt.date(2026, 12, 31),
            now=NOW,
        )
    agents.revoke_grant(session, principal=owner, grant_id=grant.id or 0, now=NOW)
    after = accounts.resolve_session(session, token=token, now=NOW)
    assert after is not None and after.company_id is None
    with pytest.raises(PermissionDenied):
        hall.apply_form(session, principal=after, project_id=pid, stage_code=1)
    assert session.exec(select(AgentGrant)).all()[-1].revoked_at is not None


def test_expired_grant_ends_access_and_only_agents_can_be_granted(session: Session) -> None:
    owner = Principal.of(_registered(session, "company", "owner02", "13912340005"))
    _registered(session, "agent", "agent02", "13912340006", uscc="", id_number=_id_number("003"))
    with pytest.raises(DomainError) as exc:
        agents.grant_agent(
            session,
            principal=owner,
            agent_username="owner02",
            valid_until=dt.date(2026, 12, 31),
            now=NOW,
        )
    assert exc.value.key == "agent.unknown"
    agents.grant_agent(
        session,
        principal=owner,
        agent_username="agent02",
        valid_until=dt.date(2026, 12, 1),
        now=NOW,
    )
    token = accounts.login(session, username="agent02", password="Strong#2026", now=NOW).token
    agent = accounts.resolve_session(session, token=token, now=NOW)
    assert agent is not None
    agents.act_for(
        session,
        principal=agent,
        session_key=token_hash(token),
        company_id=owner.company_id,
        now=NOW,
    )
    later = NOW + dt.timedelta(days=2)
    from eap.models import UserSession

    row = session.get(UserSession, token_hash(token))
    assert row is not None
    # a session signed in that morning and in use: only the grant has run out
    row.created_at, row.last_seen_at = later - dt.timedelta(hours=1), later
    session.add(row)
    resolved = accounts.resolve_session(session, token=token, now=later)
    assert resolved is not None and resolved.company_id is None


def test_code_goes_out_through_the_http_gateway(engine, gateway: str) -> None:  # type: ignore[no-untyped-def]
    """The code the user types is the one the gateway on 127.0.0.1 received."""
    from eap.db import session_scope
    from eap.services.core import notify
    from tests.fakes import Gateway

    phone = "13912349999"
    with session_scope() as s:
        sms_id = registration.send_code(s, phone=phone, now=NOW)
    with session_scope() as s:
        assert notify.deliver_sms(s, gateway_url=gateway, ids=[sms_id]) == {"sent": 1, "failed": 0}
    [message] = Gateway.received
    assert message["phone"] == phone
    code = re.search(r"\d{6}", message["text"]).group(0)  # type: ignore[union-attr]
    with session_scope() as s:
        outcome = registration.register_applicant(
            s, data=_form(phone=phone, username="gateway01", code=code), now=NOW
        )
        assert outcome.user is not None, outcome.error
        s.rollback()  # leave the shared database as it was


def test_password_reset_by_sms_code_lifts_the_lockout(session: Session) -> None:
    user = _registered(session, "company", "resetme01", "13912340010")
    # signed in on two devices with the old password: the reset ends both
    elsewhere = [
        accounts.login(session, username="resetme01", password="Strong#2026", now=NOW).token
        for _ in range(2)
    ]
    for _ in range(5):
        accounts.login(session, username="resetme01", password="Wrong#2026", now=NOW)
    assert accounts.login(session, username="resetme01", password="Strong#2026", now=NOW).error
    # A wrong phone sends nothing and says nothing different.
    assert (
        registration.send_reset_code(session, username="resetme01", phone="13912340011", now=NOW)
        is None
    )
    assert (
        registration.send_reset_code(session, username="nobody", phone="13912340010", now=NOW)
        is None
    )
    sms_id = registration.send_reset_code(
        session, username="resetme01", phone="13912340010", now=NOW + dt.timedelta(minutes=2)
    )
    assert sms_id is not None
    code = _code(session, "13912340010")
    form = registration.PasswordReset(
        username="resetme01",
        phone="13912340010",
        code=code,
        password="Renewed#2026",
        password2="Renewed#2026",
    )
    weak = registration.reset_password(
        session,
        data=form.model_copy(update={"password": "short", "password2": "short"}),
        now=NOW + dt.timedelta(minutes=3),
    )
    assert weak.error is not None and weak.error.field == "password"
    done = registration.reset_password(session, data=form, now=NOW + dt.timedelta(minutes=3))
    assert done.user is not None and done.user.id == user.id
    assert all(accounts.resolve_session(session, token=t, now=NOW) is None for t in elsewhere)
    ok = accounts.login(session, username="resetme01", password="Renewed#2026", now=NOW)
    assert ok.error is None
    again = registration.reset_password(session, data=form, now=NOW + dt.timedelta(minutes=4))
    assert again.error is not None and again.error.key == "sms.code_missing"
