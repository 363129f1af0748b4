"""The auditor's page (审计日志): names not ids, readable actions, filters and search."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import Session, select

from eap.errors import DomainError, PermissionDenied
from eap.i18n import MESSAGES
from eap.models import AuditLog, Project
from eap.services.admin.audit_trail import CATEGORIES, AuditFilter, audit_trail
from eap.services.core.audit import record
from eap.services.core.clock import CHINA_TZ
from tests.factories import _user, applicant, project

ROOT = Path(__file__).resolve().parent.parent


def _stamp(session: Session, *, local: dt.datetime) -> None:
    """Move the newest audit row to a Beijing wall-clock time (the trail stamps ``now``)."""
    newest = session.exec(select(AuditLog).order_by(AuditLog.id.desc())).first()  # type: ignore[union-attr]
    assert newest is not None
    newest.at = local.replace(tzinfo=CHINA_TZ).astimezone(dt.UTC)
    session.add(newest)
    session.flush()


def test_rows_name_the_actor_the_action_and_the_record(session: Session) -> None:
    auditor = _user(session, "auditor", region_code="360000")
    owner = applicant(session)
    pid = project(session, owner)  # audited as project.register by the owner
    name = session.get(Project, pid).name  # type: ignore[union-attr]
    page = audit_trail(
        session, principal=auditor, flt=AuditFilter(entity="project", entity_id=str(pid))
    )
    assert page.total == 1
    row = page.rows[0]
    assert row.actor == owner.display_name and row.account == owner.username
    assert row.action == "project.register"
    assert row.action_key == "audit.action.project.register"
    assert MESSAGES["zh"][row.action_key] == "登记项目"
    assert name in row.subject
    # an action the catalogue does not know reads as "other", its code still shown
    record(session, actor_id=None, action="zzz.unknown", entity="project", entity_id=pid)
    page = audit_trail(
        session, principal=auditor, flt=AuditFilter(entity="project", entity_id=str(pid))
    )
    assert [r.action_key for r in page.rows] == ["audit.action.other", row.action_key]
    assert page.rows[0].actor == "" and page.rows[0].account == ""  # the system


def test_only_the_auditor_reads_it(session: Session) -> None:
    for role in ("admin", "security", "supervisor", "leader"):
        with pytest.raises(PermissionDenied):
            audit_trail(session, principal=_user(session, role, region_code="360000"))
    with pytest.raises(PermissionDenied):
        audit_trail(session, principal=applicant(session))


def test_filters_by_category_date_and_text(session: Session) -> None:
    auditor = _user(session, "auditor", region_code="360000")
    clerk = _user(session, "supervisor", region_code="360100")
    days = [dt.datetime(2031, 3, d, h) for d, h in ((1, 0), (1, 23), (2, 0), (3, 9))]
    for i, local in enumerate(days):
        action = "auth.login" if i % 2 == 0 else "case.accept"
        record(
            session,
            actor_id=clerk.user_id,
            action=action,
            entity="stagecase",
            entity_id=9000 + i,
            detail={"note": f"批注{i}"},
        )
        _stamp(session, local=local)
    one_day = AuditFilter(date_from=dt.date(2031, 3, 1), date_to=dt.date(2031, 3, 1))
    page = audit_trail(session, principal=auditor, flt=one_day)
    # 00:00 and 23:00 Beijing on 1 March are both that day, though 00:00 is 28 Feb in UTC
    assert sorted(r.entity_id for r in page.rows) == ["9000", "9001"]
    span = AuditFilter(date_from=dt.date(2031, 3, 1), date_to=dt.date(2031, 3, 3))
    assert audit_trail(session, principal=auditor, flt=span).total == 4
    security = AuditFilter(category="security", date_from=dt.date(2031, 3, 1))
    assert {r.action for r in audit_trail(session, principal=auditor, flt=security).rows} == {
        "auth.login"
    }
    approval = AuditFilter(category="approval", date_from=dt.date(2031, 3, 1))
    assert {r.entity_id for r in audit_trail(session, principal=auditor, flt=approval).rows} == {
        "9001",
        "9003",
    }
    # free text: the actor's account, a record's number, words in the details
    by_actor = audit_trail(session, principal=auditor, flt=AuditFilter(text=clerk.username.upper()))
    assert by_actor.total == 4
    assert (
        audit_trail(session, principal=auditor, flt=AuditFilter(text="9002")).rows[0].entity_id
        == "9002"
    )
    assert audit_trail(session, principal=auditor, flt=AuditFilter(text="批注3")).total == 1
    # a typed % or _ is a character, not a wildcard
    wild = AuditFilter(text="%", date_from=dt.date(2031, 3, 1))
    assert audit_trail(session, principal=auditor, flt=wild).total == 0
    assert (
        audit_trail(session, principal=auditor, flt=AuditFilter(text="nobody-like-this")).total == 0
    )


def test_bad_filters_are_refused_with_their_field(session: Session) -> None:
    auditor = _user(session, "auditor", region_code="360000")
    with pytest.raises(DomainError) as err:
        audit_trail(
            session,
            principal=auditor,
            flt=AuditFilter(date_from=dt.date(2031, 3, 2), date_to=dt.date(2031, 3, 1)),
        )
    assert (err.value.key, err.value.field) == ("audit.range_reversed", "date_to")
    with pytest.raises(DomainError) as err:
        audit_trail(session, principal=auditor, flt=AuditFilter(category="nonsense"))
    assert err.value.field == "category"


def test_pages_hold_every_row_once(session: Session) -> None:
    auditor = _user(session, "auditor", region_code="360000")
    for i in range(7):
        record(
            session, actor_id=None, action="calendar.import", entity="calendar", entity_id=f"p{i}"
        )
        _stamp(session, local=dt.datetime(2032, 1, 5, 10))
    flt = AuditFilter(date_from=dt.date(2032, 1, 5), date_to=dt.date(2032, 1, 5))
    seen = []
    first = audit_trail(session, principal=auditor, flt=flt, size=3)
    assert (first.total, first.pages) == (7, 3)
    for n in range(1, 4):
        seen += [
            r.entity_id
            for r in audit_trail(session, principal=auditor, flt=flt, page=n, size=3).rows
        ]
    assert sorted(seen) == sorted(f"p{i}" for i in range(7))
    assert audit_trail(session, principal=auditor, flt=flt, page=99, size=3).page == 3


# Actions whose code is built at run time, with every value they take.
_DYNAMIC = [
    *(f"case.{o}" for o in ("approve", "approve_owed", "refuse")),
    *(f"alert.{k}" for k in ("ack", "comment", "notice", "reply", "close")),
    *(f"anomaly.{k}" for k in ("ack", "comment", "close")),
    *(f"document.{k}" for k in ("certificate", "approval")),
    *(f"inquiry.{k}" for k in ("consult", "complaint")),
    "market.agency_admit",
    "market.agency_refuse",
    "step.forward",
    "step.back",
    *(f"library.{k}" for k in ("add", "replace", "withdraw")),
    *(
        f"market.{a}"
        for a in ("contract_upload", "contract_confirm", "pause", "resume")
        + ("result_submit", "result_return", "result_accept")
    ),
]


def _literal_actions() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "eap").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "action" and isinstance(kw.value, ast.Constant):
                        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                        if name == "record":
                            found.add(kw.value.value)
    return found


def test_every_audited_action_reads_in_both_languages() -> None:
    actions = _literal_actions() | set(_DYNAMIC)
    assert len(actions) > 60  # the scan found the calls
    for lang in ("zh", "en"):
        missing = sorted(a for a in actions if f"audit.action.{a}" not in MESSAGES[lang])
        assert missing == [], (lang, missing)
    for category in CATEGORIES:
        assert f"audit.category.{category}" in MESSAGES["en"]
