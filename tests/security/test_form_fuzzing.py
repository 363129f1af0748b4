"""Every form's service entry point under hostile input (random Unicode, huge strings, control
characters, formula and SQL text, boundary and non-finite numbers): the answer is a result or
a keyed refusal — never an unhandled error — and a refusal leaves nothing half-saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from eap.errors import DomainError
from eap.models import AuditLog, Company, Inquiry, Notice, Project, ProjectUnit, User
from eap.models.projects import ProjectCreate
from eap.services.admin import sign_in
from eap.services.admin.audit_trail import AuditFilter, audit_trail
from eap.services.admin.notices import publish_notice
from eap.services.core import phone_codes
from eap.services.hall import inquiries, projects, registration
from eap.services.hall.projects import CHOICES, REQUIRED
from eap.services.hall.registration import PasswordReset, Registration
from tests.factories import _user, applicant

NASTY = st.one_of(
    st.text(max_size=60),
    st.text(min_size=1, max_size=12).map(lambda s: s * 1000),  # huge, cheaply drawn
    st.sampled_from(
        [
            "",
            "   ",
            '=HYPERLINK("http://x","y")',
            '\'; DROP TABLE "user"; --',
            "\x00\x01\x7f",
            "\u202e\u200b",
            "𝕏" * 300,
            "１２３４５",
            "NaN",
            "-inf",
            "1e309",
            "9" * 40,
            "-0",
            "²",
            "9223372036854775808",
        ]
    ),
)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    NASTY,
)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _counts(session: Session, *models: type[SQLModel]) -> tuple[int, ...]:
    return tuple(session.exec(select(func.count()).select_from(m)).one() for m in models)


def _refused_cleanly(
    session: Session, call: Callable[[], object], *watched: type[SQLModel]
) -> object | None:
    """Run ``call`` in a savepoint: a DomainError is a clean refusal and must leave the watched
    tables as they were; anything else escapes and fails the test."""
    before = _counts(session, *watched)
    nested = session.begin_nested()
    try:
        result = call()
        session.flush()
    except DomainError:
        nested.rollback()
        assert _counts(session, *watched) == before
        return None
    nested.rollback()  # each example starts from the same database
    return result


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from([*REQUIRED, "land_area", "floor_area", *CHOICES]), NUMBER
    )
)
def test_the_project_form(session: Session, fields: dict[str, str]) -> None:
    owner = applicant(session)

    def register() -> object:
        data = projects.project_from_form(session, fields=fields, flags=[], new=True)
        assert isinstance(data, ProjectCreate)
        return projects.register_project(session, principal=owner, data=data)

    _refused_cleanly(session, register, Project, ProjectUnit)


@FUZZ
@given(
    kind=st.sampled_from(["company", "person", "agent", "robot"]),
    values=st.fixed_dictionaries(
        {
            k: NASTY
            for k in (
                "uscc",
                "id_number",
                "name",
                "legal_rep",
                "region_code",
                "display_name",
                "phone",
                "code",
                "username",
                "password",
                "password2",
            )
        }
    ),
)
def test_sign_up(session: Session, kind: str, values: dict[str, str]) -> None:
    before = _counts(session, User, Company)
    outcome = registration.register_applicant(session, data=Registration(kind=kind, **values))
    assert outcome.error is not None  # no code was ever sent to these phones
    assert isinstance(outcome.error, DomainError)
    assert _counts(session, User, Company) == before


@FUZZ
@given(values=st.fixed_dictionaries({k: NASTY for k in PasswordReset.model_fields}))
def test_password_reset(session: Session, values: dict[str, str]) -> None:
    outcome = registration.reset_password(session, data=PasswordReset(**values))
    assert outcome.error is not None and isinstance(outcome.error, DomainError)


@FUZZ
@given(username=NASTY, password=NASTY)
def test_sign_in(session: Session, username: str, password: str) -> None:
    outcome = sign_in.begin_login(session, username=username, password=password)
    assert outcome.error is not None and not outcome.token


@FUZZ
@given(phone=NASTY)
def test_phone_code_request(session: Session, phone: str) -> None:
    _refused_cleanly(session, lambda: phone_codes.send_code(session, phone=phone), User)


@FUZZ
@given(kind=NASTY, subject=NASTY, body=NASTY, item_code=NASTY)
def test_an_inquiry(session: Session, kind: str, subject: str, body: str, item_code: str) -> None:
    owner = applicant(session)
    _refused_cleanly(
        session,
        lambda: inquiries.ask(
            session, principal=owner, kind=kind, subject=subject, body=body, item_code=item_code
        ),
        Inquiry,
    )


@FUZZ
@given(title=NASTY, body=NASTY)
def test_a_notice(session: Session, title: str, body: str) -> None:
    admin = _user(session, "admin", region_code="360000")
    _refused_cleanly(
        session, lambda: publish_notice(session, principal=admin, title=title, body=body), Notice
    )


@FUZZ
@given(text=NASTY, entity=NASTY, entity_id=NASTY, page=st.integers(-(2**40), 2**40))
def test_the_audit_search(
    session: Session, text: str, entity: str, entity_id: str, page: int
) -> None:
    auditor = _user(session, "auditor", region_code="360000")
    flt = AuditFilter(text=text, entity=entity, entity_id=entity_id, date_from=dt.date(2026, 1, 1))
    _refused_cleanly(
        session, lambda: audit_trail(session, principal=auditor, flt=flt, page=page), AuditLog
    )


@FUZZ
@given(query=NASTY, page=st.integers(-(2**40), 2**40))
def test_the_agency_directory_search(session: Session, query: str, page: int) -> None:
    from eap.services.agency import public

    _refused_cleanly(
        session, lambda: public.directory(session, lang="zh", query=query, page=page), AuditLog
    )


@FUZZ
@given(text=NASTY)
def test_the_big_screen_project_search(session: Session, text: str) -> None:
    from eap.services.screen.projects import find_projects

    leader = _user(session, "leader", region_code="360000")
    _refused_cleanly(session, lambda: find_projects(session, principal=leader, text=text), AuditLog)
