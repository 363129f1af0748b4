"""The engine as a state machine (Hypothesis), concurrent actions and mid-step failures."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from eap.errors import ConflictError, DomainError
from eap.models import CaseEvent, ItemCase, Notification, StageCase, SupplementNotice
from eap.models.cases import TERMINAL, Blzt
from eap.services.approval import case_store, filing, handling, intake, moves, supplements
from eap.services.core import files
from eap.services.core.clock import WorkCalendar
from eap.services.core.principal import Principal
from tests.factories import (
    City,
    applicant,
    at,
    cases_by_code,
    city_staff,
    file_and_accept,
    file_stage,
    kind_of,
    pdf,
    project,
)

D = dt.date
# What each rule does, named by its move in the engine's table (moves.MOVES).
RULE_MOVES = {
    "start": "start",
    "supplement": "request_supplement",
    "supply": "supplied",
    "special": "special_start",
    "special_end": "special_end",
    "approve": "approve",
    "refuse": "refuse",
    "revoke": "revoke",
}
WAITING_BLOCKS = {"start", "approve", "approve_owed", "special_start", "request_supplement"}


def is_legal(case: ItemCase, move_name: str) -> bool:
    """The engine's own rule, from its move table: the status is a source of the move, the
    case is in the move's phase, and a waiting or blocked case may only be refused/withdrawn."""
    move = moves.MOVES[move_name]
    if case.status not in move.sources or case.phase != move.phase:
        return False
    if case.waiting_on and move_name in WAITING_BLOCKS:
        return False
    return not (case.blocked_reason and move_name not in ("refuse", "withdraw"))


def _apply(session: Session, city: City, owner: Principal, case: ItemCase, rule: str) -> None:
    kind = kind_of(session, case)
    who = city.approvers[kind]
    assert case.id is not None
    if rule == "start":
        handling.start_handling(session, principal=who, item_case_id=case.id)
    elif rule == "supplement":
        handling.request_supplement(
            session,
            principal=who,
            item_case_id=case.id,
            materials=[{"code": "M001", "remark": "重填"}],
        )
    elif rule == "supply":
        notice = session.exec(
            select(SupplementNotice).where(
                SupplementNotice.item_case_id == case.id,
                col(SupplementNotice.answered_at).is_(None),
            )
        ).first()
        if notice is None or notice.id is None:
            raise DomainError("error.not_found")
        supplements.supply_supplement(
            session, principal=owner, notice_id=notice.id, uploads={"M001": _file(session, owner)}
        )
    elif rule == "special":
        handling.start_special_procedure(
            session,
            principal=who,
            item_case_id=case.id,
            kind="hearing",
            reason="听证",
            limit_days=3,
        )
    elif rule == "special_end":
        handling.end_special_procedure(session, principal=who, item_case_id=case.id, result="结束")
    elif rule in ("approve", "refuse"):
        handling.decide(session, principal=who, item_case_id=case.id, outcome=rule, opinion="意见")
    elif rule == "revoke":
        handling.revoke(session, principal=city.heads[kind], item_case_id=case.id, reason="撤销")


def _file(session: Session, owner: Principal) -> int:
    return files.store_file(session, principal=owner, filename="m.pdf", content=pdf()).id or 0


class CaseMachine(RuleBasedStateMachine):
    """Drives the items of one accepted application through the real services. Before every
    move the machine asks the engine's move table whether it is legal; a legal move must
    succeed and land exactly on the table's target, an illegal one must be refused and change
    nothing. The history of every case replays through legal moves only."""

    engine: Engine

    def __init__(self) -> None:
        super().__init__()
        self.session = Session(self.engine)
        self.outer = self.session.begin()
        self.city = city_staff(self.session)
        self.owner = applicant(self.session)
        pid = project(self.session, self.owner, ptype=1)
        sc = file_and_accept(self.session, self.city, self.owner, pid, 1, day=D(2026, 4, 1))
        assert sc.id is not None
        self.cases = list(cases_by_code(self.session, sc.id).values())
        self.stage_case_id = sc.id
        self.legal_moves = 0

    def _move(self, rule: str, index: int) -> None:
        case = self.cases[index % len(self.cases)]
        self.session.refresh(case)
        move_name = RULE_MOVES[rule]
        legal = is_legal(case, move_name)
        if rule == "supply" and legal:  # the applicant answers the department's own notice
            legal = case.phase == "handling"
        before = (case.status, case.version)
        try:
            with self.session.begin_nested():
                _apply(self.session, self.city, self.owner, case, rule)
        except DomainError as exc:
            self.session.refresh(case)
            assert not legal, f"legal {move_name} from {before[0]} refused: {exc.key}"
            assert (case.status, case.version) == before  # a refusal changes nothing
            return
        self.session.refresh(case)
        assert legal, f"illegal {move_name} from {before[0]} was allowed"
        assert case.status == moves.MOVES[move_name].target
        self.legal_moves += 1

    @rule(index=st.integers(0, 3), name=st.sampled_from(sorted(RULE_MOVES)))
    def act(self, index: int, name: str) -> None:
        self._move(name, index)

    @rule()
    def withdraw_application(self) -> None:
        """撤回 of the whole application: every open item ends, decisions stand."""
        open_before = {c.id: c.phase for c in self.cases if c.status not in TERMINAL}
        stage = self.session.get(StageCase, self.stage_case_id)
        assert stage is not None
        self.session.refresh(stage)
        try:
            with self.session.begin_nested():
                filing.withdraw_application(
                    self.session,
                    principal=self.owner,
                    stage_case_id=self.stage_case_id,
                    reason="撤回",
                )
        except DomainError:
            assert stage.status in ("closed", "refused", "withdrawn")
            return
        for case in self.cases:
            self.session.refresh(case)
            if case.id in open_before:
                assert case.status == Blzt.WITHDRAWN  # accepted items: 撤回 (14)

    @invariant()
    def statuses_are_blzt_codes_and_finished_cases_are_not_paused(self) -> None:
        for case in self.cases:
            assert case.status in set(Blzt)
            if case.status in TERMINAL:
                assert case.paused_since is None and case.phase == "done"
            assert case.paused_days >= 0

    def teardown(self) -> None:
        try:
            for case in self.cases:
                trail = self.session.exec(
                    select(CaseEvent)
                    .where(CaseEvent.item_case_id == case.id)
                    .order_by(col(CaseEvent.id))
                ).all()
                statuses = [e.status for e in trail if e.status is not None]
                assert statuses and statuses[-1] == case.status
                previous: int = Blzt.SUBMITTED
                for ev in trail:
                    if ev.action in moves.MOVES:
                        move = moves.MOVES[ev.action]
                        assert previous in move.sources and ev.status == move.target
                        previous = move.target
        finally:
            self.outer.rollback()
            self.session.close()


def test_every_legal_move_succeeds_and_every_illegal_one_is_refused(engine: Engine) -> None:
    CaseMachine.engine = engine
    run_state_machine_as_test(
        CaseMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


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
        sc = file_stage(s, owner, pid, 1, day=D(2026, 4, 1))
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
    sc = file_stage(session, owner, pid, 1, day=D(2026, 4, 1))
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id)
    ev = session.exec(select(CaseEvent).where(CaseEvent.stage_case_id == sc.id)).first()
    ev.opinion = "改写历史"
    session.add(ev)
    with pytest.raises(PermissionError):
        session.flush()
