"""Random action sequences, concurrent actions and mid-step failures against the engine."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from eap.errors import ConflictError, DomainError
from eap.models import CaseEvent, ItemCase, Notification, StageCase
from eap.models.cases import TERMINAL, Blzt
from eap.services.approval import case_store, filing, handling, intake, moves, supplements
from eap.services.core.clock import WorkCalendar
from eap.services.core.principal import Principal
from tests.factories import applicant, at, city_staff, file_and_accept, project
from tests.test_lifecycle import cases_by_code

D = dt.date
ACTIONS = [
    "start",
    "supplement",
    "supply",
    "special",
    "special_end",
    "approve",
    "approve_owed",
    "refuse",
    "withdraw_item",
    "revoke",
]


def _apply(
    session: Session,
    city,
    owner: Principal,
    case: ItemCase,
    action: str,  # type: ignore[no-untyped-def]
    now: dt.datetime,
) -> None:
    from eap.models import Department, SupplementNotice

    kind = session.get(Department, case.department_id).kind  # type: ignore[union-attr]
    who = city.approvers[kind]
    if action == "start":
        handling.start_handling(session, principal=who, item_case_id=case.id, now=now)
    elif action == "supplement":
        handling.request_supplement(
            session,
            principal=who,
            item_case_id=case.id,
            materials=[{"code": "M001", "remark": "重填"}],
            now=now,
        )
    elif action == "supply":
        notice = session.exec(
            select(SupplementNotice).where(
                SupplementNotice.item_case_id == case.id,
                col(SupplementNotice.answered_at).is_(None),
            )
        ).first()
        if notice is None:
            raise DomainError("error.not_found")
        supplements.supply_supplement(
            session,
            principal=owner,
            notice_id=notice.id,
            uploads={"M001": _file(session, owner)},
            now=now,
        )
    elif action == "special":
        handling.start_special_procedure(
            session,
            principal=who,
            item_case_id=case.id,
            kind="hearing",
            reason="听证",
            limit_days=3,
            now=now,
        )
    elif action == "special_end":
        handling.end_special_procedure(
            session, principal=who, item_case_id=case.id, result="结束", now=now
        )
    elif action in ("approve", "approve_owed", "refuse"):
        handling.decide(
            session,
            principal=who,
            item_case_id=case.id,
            outcome=action,
            opinion="意见",
            owed=["M001"],
            now=now,
        )
    elif action == "withdraw_item":
        filing.withdraw_application(
            session, principal=owner, stage_case_id=case.stage_case_id, reason="撤回", now=now
        )
    elif action == "revoke":
        handling.revoke(
            session, principal=city.heads[kind], item_case_id=case.id, reason="撤销", now=now
        )


def _file(session: Session, owner: Principal) -> int:
    from eap.services.core import files
    from tests.factories import pdf

    return files.store_file(session, principal=owner, filename="m.pdf", content=pdf()).id or 0


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 3)), min_size=1, max_size=25)
)
def test_random_sequences_keep_legal_states_and_full_history(engine_fixture, steps) -> None:  # type: ignore[no-untyped-def]
    with Session(engine_fixture) as session:
        conn_trans = session.begin()
        try:
            _run_sequence(session, steps)
        finally:
            conn_trans.rollback()


@pytest.fixture
def engine_fixture(engine: Engine) -> Engine:
    return engine


def _run_sequence(session: Session, steps: list[tuple[str, int]]) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=1)
    day = D(2026, 4, 1)
    sc = file_and_accept(session, city, owner, pid, 1, day=day)
    cases = list(cases_by_code(session, sc.id).values())
    ok_moves = 0
    now = at(day, 12)
    for action, idx in steps:
        case = cases[idx % len(cases)]
        before = (case.status, case.version)
        now += dt.timedelta(hours=7)
        try:
            with session.begin_nested():
                _apply(session, city, owner, case, action, now)
        except DomainError:
            session.refresh(case)
            assert (case.status, case.version) == before  # a refusal changes nothing
            continue
        ok_moves += 1
    # Invariants: every status is a BLZT code; the history replays to the current status
    # through legal moves only; no case is paused once finished.
    legal_targets = {m.target for m in moves.MOVES.values()}
    for case in cases:
        session.refresh(case)
        assert case.status in legal_targets
        trail = session.exec(
            select(CaseEvent).where(CaseEvent.item_case_id == case.id).order_by(col(CaseEvent.id))
        ).all()
        statuses = [e.status for e in trail if e.status is not None]
        assert statuses and statuses[-1] == case.status
        previous = Blzt.SUBMITTED
        for ev in trail:
            if ev.action in moves.MOVES:
                move = moves.MOVES[ev.action]
                assert previous in move.sources and ev.status == move.target, (ev.action, previous)
                previous = ev.status
        assert all(a.at <= b.at for a, b in zip(trail, trail[1:], strict=False))
        if case.status in TERMINAL:
            assert case.paused_since is None and case.phase == "done"
        assert case.paused_days >= 0


def test_concurrent_actions_one_wins_one_conflicts(engine: Engine) -> None:
    """Two approvers act on one case at once: one succeeds, the other gets a clear conflict."""
    with Session(engine) as s:
        city = city_staff(s)
        owner = applicant(s)
        pid = project(s, owner, ptype=4)
        day = D(2026, 4, 1)
        sc = file_and_accept(s, city, owner, pid, 1, day=day)
        case = cases_by_code(s, sc.id)["S1-04"]
        s.commit()
        case_id, who, head = case.id, city.approvers["fgw"], city.heads["fgw"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(principal: Principal, outcome: str) -> None:
        with Session(engine) as s:
            loaded = s.get(ItemCase, case_id)  # both read version N before either writes
            assert loaded is not None
            barrier.wait()
            try:
                handling.start_handling(s, principal=principal, item_case_id=case_id)
                s.commit()
                outcomes.append("ok")
            except ConflictError:
                s.rollback()
                outcomes.append("conflict")
            except DomainError as exc:
                s.rollback()
                outcomes.append(exc.key)

    threads = [threading.Thread(target=act, args=(p, "x")) for p in (who, head)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["conflict", "ok"]
    with Session(engine) as s:
        events = s.exec(
            select(CaseEvent).where(CaseEvent.item_case_id == case_id, CaseEvent.action == "start")
        ).all()
        assert len(events) == 1
        assert s.get(ItemCase, case_id).status == Blzt.HANDLING  # type: ignore[union-attr]


def test_batch_move_conflicts_whole_when_one_case_changed(engine: Engine) -> None:
    """The window accepts an application whose item someone else changed meanwhile: the whole
    acceptance is a conflict and no item of it is accepted, nor any history written."""
    with Session(engine) as s:
        city = city_staff(s)
        owner = applicant(s)
        pid = project(s, owner, ptype=4)
        sc = filing.submit_stage_application(
            s, principal=owner, project_id=pid, stage_code=1, now=at(D(2026, 4, 1))
        )
        intake.receive_case(s, principal=city.window, stage_case_id=sc.id, now=at(D(2026, 4, 1)))
        s.commit()
        sc_id = sc.id
        ids = [c.id for c in case_store.item_cases(s, sc_id)]
    assert len(ids) >= 2
    with Session(engine) as a, Session(engine) as b:
        cases = case_store.item_cases(a, sc_id)  # read at version N
        other = b.get(ItemCase, ids[-1])
        assert other is not None
        read = other.version
        other.updated_at = at(D(2026, 4, 2))
        case_store.save_versioned(b, other, read_version=read)
        b.commit()
        with pytest.raises(ConflictError):
            moves.transition_all(
                a,
                cases=cases,
                action="accept",
                principal=city.window,
                now=at(D(2026, 4, 2)),
                cal=WorkCalendar.load(a),
            )
        a.rollback()
    with Session(engine) as s:
        assert {c.status for c in case_store.item_cases(s, sc_id)} == {Blzt.RECEIVED}
        accepted = s.exec(
            select(CaseEvent).where(
                col(CaseEvent.item_case_id).in_(ids), CaseEvent.action == "accept"
            )
        ).all()
        assert accepted == []


def test_failure_midway_leaves_nothing_half_written(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A decision whose notification step fails writes neither status, history nor result."""
    with Session(engine) as s:
        city = city_staff(s)
        owner = applicant(s)
        pid = project(s, owner, ptype=4)
        day = D(2026, 4, 1)
        sc = file_and_accept(s, city, owner, pid, 1, day=day)
        case = cases_by_code(s, sc.id)["S1-06"]
        handling.start_handling(s, principal=city.approvers["zrzy"], item_case_id=case.id)
        s.commit()
        case_id, version = case.id, case.version

    def boom(*_a, **_k):  # type: ignore[no-untyped-def]
        raise RuntimeError("SMS outbox unavailable")

    monkeypatch.setattr(handling, "notify_applicant", boom)
    from eap.db import session_scope
    from eap.models import ApprovalDocument, Certificate

    counts_before = _counts(engine, case_id)
    with pytest.raises(RuntimeError), session_scope() as s:
        handling.decide(
            s,
            principal=city.approvers["zrzy"],
            item_case_id=case_id,
            outcome="approve",
            opinion="同意",
        )
    with Session(engine) as s:
        fresh = s.get(ItemCase, case_id)
        assert fresh is not None and fresh.status == Blzt.HANDLING and fresh.version == version
        assert _counts(engine, case_id) == counts_before
        assert (
            s.exec(select(ApprovalDocument).where(ApprovalDocument.item_case_id == case_id)).first()
            is None
        )
        assert (
            s.exec(select(Certificate).where(Certificate.item_case_id == case_id)).first() is None
        )


def _counts(engine: Engine, case_id: int) -> tuple[int, int, int]:
    with Session(engine) as s:
        return (
            len(s.exec(select(CaseEvent).where(CaseEvent.item_case_id == case_id)).all()),
            len(s.exec(select(Notification)).all()),
            len(s.exec(select(StageCase)).all()),
        )


def test_history_rows_cannot_be_edited(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    sc = filing.submit_stage_application(
        session, principal=owner, project_id=pid, stage_code=1, uploads={}, now=at(D(2026, 4, 1))
    )
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id)
    ev = session.exec(select(CaseEvent).where(CaseEvent.stage_case_id == sc.id)).first()
    ev.opinion = "改写历史"
    session.add(ev)
    with pytest.raises(PermissionError):
        session.flush()
