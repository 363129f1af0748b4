"""The state layer called directly (no browser): admission on load, the one edge for actions
(``_perform``), and one resolution of the session per event.

Rows are committed to the run's database in a city no other committed test uses (南昌 360100
is the rolled-back tests'; 新余 360500 is this module's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import reflex as rx
from reflex.istate.data import HeaderData
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from eap.middleware import SESSION_HEADER
from eap.models import Department, StageCase, User, UserSession
from eap.models.cases import Blzt
from eap.services.admin import accounts
from eap.services.approval import case_store, filing
from eap.services.approval.rows import StageHeader
from eap.services.core.principal import token_hash
from eap.state.admin.audit import AuditState
from eap.state.approval.window import WindowState
from eap.state.core.base import SignedInUser
from eap.state.core.inbox import InboxState
from eap.state.hall.apply import ApplyState
from tests.factories import _user, applicant, at, city_staff, project, upload_missing

REGION = "360500"
PASSWORD = "Pass#word1"


def _state(cls: type[rx.State], token: str = "") -> Any:
    """A page state as the socket of a browser holding ``token`` would see it: only the
    session's key, in the header eap/middleware.py puts on the handshake."""
    root = rx.State(_reflex_internal_init=True)  # type: ignore[call-arg]
    headers = {SESSION_HEADER: token_hash(token)} if token else {}
    root.rx_router_headers = HeaderData.from_router_data({"headers": headers})
    return root.get_substate(cls.get_full_name().split("."))


def _login(s: Session, user_id: int) -> str:
    user = s.get(User, user_id)
    assert user is not None
    user.password_hash = accounts.hash_password(PASSWORD)
    s.add(user)
    s.flush()
    return accounts.login(s, username=user.username, password=PASSWORD).token


@pytest.fixture(scope="module")
def world(engine: Engine) -> dict[str, Any]:
    with Session(engine) as s:
        city = city_staff(s, REGION)
        owner = applicant(s, REGION[:4] + "02")
        pid = project(s, owner, ptype=1, region=REGION[:4] + "02")
        sc = filing.submit_stage_application(
            s,
            principal=owner,
            project_id=pid,
            stage_code=1,
            uploads=upload_missing(s, owner, pid, 1),
            now=at(dt.date(2026, 11, 2), 9),
        )
        tokens = {
            "window": _login(s, city.window.user_id),
            "owner": _login(s, owner.user_id),
            "approver": _login(s, next(iter(city.approvers.values())).user_id),
            "auditor": _login(s, _user(s, "auditor", region_code="360000").user_id),
        }
        s.commit()
        return {
            "sc_id": sc.id,
            "tokens": tokens,
            "window_id": city.window.user_id,
            "project_id": pid,
        }


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def checkouts(engine: Engine) -> Iterator[list[object]]:
    """One entry per connection taken from the pool while the test runs."""
    taken: list[object] = []

    def count(*_args: object) -> None:
        taken.append(1)

    event.listen(engine.pool, "checkout", count)
    yield taken
    event.remove(engine.pool, "checkout", count)


def _redirect_path(spec: object) -> str:
    return str(getattr(spec, "args", ((None, ""),))[0][1])


def test_load_without_a_session_sends_to_sign_in(world: dict[str, Any]) -> None:
    state = _state(WindowState)
    spec = state.load()
    assert "/login" in _redirect_path(spec)
    assert state.rows == []


def test_load_by_another_role_sends_to_its_own_home(world: dict[str, Any]) -> None:
    state = _state(WindowState, world["tokens"]["owner"])
    state.user = SignedInUser(home="/hall")
    spec = state.load()
    assert "/hall" in _redirect_path(spec)
    assert state.rows == []


def test_load_admits_resolves_the_session_once_and_lists(
    world: dict[str, Any], statements: list[str]
) -> None:
    state = _state(WindowState, world["tokens"]["window"])
    assert state.load() is None
    assert state.user.role == "window" and state.user.id > 0
    assert any(r.id == world["sc_id"] for r in state.rows)
    session_reads = [q for q in statements if "from usersession" in q.lower()]
    assert len(session_reads) == 1, session_reads


def test_perform_acts_once_and_reloads_with_the_same_principal(
    engine: Engine, world: dict[str, Any], statements: list[str]
) -> None:
    state = _state(WindowState, world["tokens"]["window"])
    state.load()
    state.open_case(world["sc_id"])
    statements.clear()
    state.receive()
    assert state.error == "" and state.message != ""
    with Session(engine) as s:
        cases = case_store.item_cases(s, world["sc_id"])
        assert cases and {c.status for c in cases} == {Blzt.RECEIVED}
    # receive → reopen the case → reload the queue: the session was read once for the action
    # and once by the case view's own handler path, never again for the queue reload.
    session_reads = [q for q in statements if "from usersession" in q.lower()]
    assert len(session_reads) <= 2, session_reads


def test_an_event_uses_one_connection_and_the_top_bar_names_are_read_once(
    engine: Engine, world: dict[str, Any], statements: list[str], checkouts: list[object]
) -> None:
    """The session check and the top bar's figures share the load's connection; the names
    of the user's region and department are read again only when the account changes."""
    state = _state(WindowState, world["tokens"]["window"])
    assert state.load() is None
    first_user = state.user
    assert first_user.region and first_user.department  # the scope was read
    checkouts.clear()
    statements.clear()
    principal, redirect = state._admit("/workbench/window")
    assert principal is not None and redirect is None
    assert len(checkouts) == 1  # the session check and the bell: one connection
    assert not [q for q in statements if "from region" in q.lower()]  # no scope again
    assert state.user == first_user
    with Session(engine) as s:  # the account moves to another department
        window = s.get(User, world["window_id"])
        assert window is not None
        moved_from = window.department_id
        other = s.exec(select(Department.id).where(Department.id != moved_from)).first()
        window.department_id = other
        s.add(window)
        s.commit()
    try:
        statements.clear()
        state.load()
        assert [q for q in statements if "from department" in q.lower()]
    finally:
        with Session(engine) as s:
            window = s.get(User, world["window_id"])
            assert window is not None
            window.department_id = moved_from
            s.add(window)
            s.commit()


def test_the_form_page_reads_the_session_once_on_two_connections(
    world: dict[str, Any], statements: list[str], checkouts: list[object]
) -> None:
    """Coming back to 在线申报 with a project chosen: admission, the company's projects and
    the form; the session is resolved by admission alone."""
    state = _state(ApplyState, world["tokens"]["owner"])
    state.project_id, state.stage = str(world["project_id"]), "1"
    checkouts.clear()
    state.load()
    assert state.error == "" and state.items and state.materials
    assert [p.id for p in state.my_projects] == [world["project_id"]]
    assert len([q for q in statements if "from usersession" in q.lower()]) == 1
    assert len(checkouts) == 2  # admission (session and top bar), then the page's reads
    # another company's project left in the page state is dropped, not shown
    other = _state(ApplyState, world["tokens"]["owner"])
    other.project_id, other.stage = "999999", "1"
    other.load()
    assert other.project_id == "" and other.items == [] and other.error == ""


def test_an_idle_session_found_by_an_action_is_ended_and_nothing_changes(
    engine: Engine, world: dict[str, Any]
) -> None:
    """The action's transaction checks the session: found idle, its end is kept although
    the action is refused and rolled back."""
    with Session(engine) as s:
        token = _login(s, world["window_id"])
        row = s.get(UserSession, token_hash(token))
        assert row is not None
        row.last_seen_at = row.last_seen_at - dt.timedelta(hours=3)
        s.add(row)
        s.commit()
        version = s.get(StageCase, world["sc_id"]).version  # type: ignore[union-attr]
    state = _state(WindowState, token)
    state.case = StageHeader(id=world["sc_id"])
    assert state._perform("/workbench/window", lambda s, p: None, "window.received") is None
    assert state.error != "" and state.user == SignedInUser()
    with Session(engine) as s:
        ended = s.get(UserSession, token_hash(token))
        assert ended is not None and ended.end_reason == "idle"
        assert s.get(StageCase, world["sc_id"]).version == version  # type: ignore[union-attr]


def test_perform_refuses_another_role_and_changes_nothing(
    engine: Engine, world: dict[str, Any]
) -> None:
    with Session(engine) as s:
        before = s.get(StageCase, world["sc_id"])
        assert before is not None
        version = before.version
    state = _state(WindowState, world["tokens"]["approver"])
    state.case = StageHeader(id=world["sc_id"])
    state.receive()
    assert state.error != "" and state.message == ""
    with Session(engine) as s:
        after = s.get(StageCase, world["sc_id"])
        assert after is not None and after.version == version


def test_an_ended_session_cannot_act(engine: Engine, world: dict[str, Any]) -> None:
    with Session(engine) as s:
        token = _login(s, world["window_id"])
        s.commit()
        accounts.logout(s, token=token)
        s.commit()
        row = s.get(UserSession, token_hash(token))
        assert row is not None and row.ended_at is not None
    state = _state(InboxState, token)
    spec = state.load()
    assert "/login" in _redirect_path(spec)
    # An action on a page left open after the session ended: back to sign-in, no traceback.
    assert "/login" in _redirect_path(state.mark_read())
    assert state.user == SignedInUser()


def test_audit_filters_refuse_beside_their_field_and_keep_what_was_typed(
    world: dict[str, Any],
) -> None:
    state = _state(AuditState, world["tokens"]["auditor"])
    assert state.load() is None
    assert state.total > 0 and state.rows[0].action_key.startswith("audit.action.")
    state.search({"text": "x", "date_from": "2026-13-40", "date_to": ""})
    assert set(state.field_errors) == {"date_from"} and state.rows == []
    assert (state.text, state.date_from) == ("x", "2026-13-40")  # nothing typed is lost
    state.search({"text": "", "date_from": "2026-11-05", "date_to": "2026-11-01"})
    assert set(state.field_errors) == {"date_to"}
    state.search({"text": "", "date_from": "", "date_to": ""})
    assert state.field_errors == {} and state.total > 0
    login = next(r for r in state.rows if r.action == "auth.login")
    state.only_record(login.entity, login.entity_id, login.subject)
    assert {(r.entity, r.entity_id) for r in state.rows} == {(login.entity, login.entity_id)}
    assert state.text == ""  # following a record shows everyone's entries on it
    state.clear_filters()
    assert (state.entity, state.category, state.text) == ("", "all", "")
    owner = _state(AuditState, world["tokens"]["owner"])
    owner.user = SignedInUser(home="/hall")
    assert "/hall" in _redirect_path(owner.load())
    assert owner.rows == []
