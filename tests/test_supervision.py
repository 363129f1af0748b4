"""Deadline sweep walked through simulated time; restarts and concurrent sweeps."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from eap.models import Alert, Notification
from eap.services.approval import handling, supplements
from eap.services.core.clock import WorkCalendar, local_date
from eap.services.supervision import alerts as supervision
from tests.factories import applicant, at, cases_by_code, city_staff, file_and_accept, project

D = dt.date
CAL = WorkCalendar()


def _accepted(session: Session, day: dt.date, region: str = "360100"):  # type: ignore[no-untyped-def]
    city = city_staff(session, region)
    owner = applicant(session, region[:4] + "02")
    pid = project(session, owner, ptype=4, region=region[:4] + "02")
    sc = file_and_accept(session, city, owner, pid, 1, day=day)
    return city, owner, sc, cases_by_code(session, sc.id)


def walk(session: Session, start: dt.date, end: dt.date, ids: set[int]) -> dict:  # type: ignore[no-untyped-def]
    """Sweep twice a day (09:00, 15:00) every calendar day; return {(id, level): [days]}."""
    seen: dict[tuple[int, str], list[dt.date]] = {}
    day = start
    while day <= end:
        for hour in (9, 15):
            supervision.sweep_deadlines(session, now=at(day, hour))
        for alert in session.exec(
            select(Alert).where(Alert.target_kind == "item", col(Alert.target_id).in_(ids))
        ):
            key = (alert.target_id, alert.level)
            raised = local_date(alert.raised_at)
            if raised == day:
                seen.setdefault(key, [])
                if day not in seen[key]:
                    seen[key].append(day)
        day += dt.timedelta(days=1)
    return seen


@pytest.mark.parametrize(
    ("due", "urge", "inspect"),
    [
        (D(2026, 10, 8), D(2026, 9, 30), D(2026, 10, 9)),  # first working day after National Day
        (D(2026, 10, 10), D(2026, 10, 9), D(2026, 10, 11)),  # a 调休 working Saturday
        (D(2026, 11, 30), D(2026, 11, 27), D(2026, 12, 1)),  # a Monday: urge on Friday
        (
            D(2026, 2, 24),
            D(2026, 2, 14),
            D(2026, 2, 25),
        ),  # after Spring Festival; 14 Feb is a Saturday working day
    ],
)
def test_alerts_fire_on_the_right_day_exactly_once(
    session: Session, due: dt.date, urge: dt.date, inspect: dt.date
) -> None:
    accepted = urge - dt.timedelta(days=12)
    _city, _owner, _sc, c = _accepted(session, accepted)
    case = c["S1-06"]
    case.due_date = due  # pin the deadline under test; the sweep reads only this
    session.add(case)
    session.flush()
    seen = walk(session, accepted, due + dt.timedelta(days=4), {case.id})
    assert seen == {
        (case.id, "urge"): [urge],
        (case.id, "supervise"): [due],
        (case.id, "inspect"): [inspect],
    }
    # The other item of the stage (limit 1) has its own alerts; nothing fires twice.
    levels = session.exec(
        select(Alert.level).where(Alert.target_id == case.id, Alert.target_kind == "item")
    ).all()
    assert sorted(levels) == ["inspect", "supervise", "urge"]


def test_paused_case_raises_nothing_and_finished_case_closes_alerts(session: Session) -> None:
    day = D(2026, 11, 2)
    city, owner, sc, c = _accepted(session, day)
    case = c["S1-06"]  # limit 5 -> due 9 Nov
    assert case.due_date == D(2026, 11, 9)
    zrzy = city.approvers["zrzy"]
    handling.start_handling(session, principal=zrzy, item_case_id=case.id, now=at(day, 14))
    notice = handling.request_supplement(
        session,
        principal=zrzy,
        item_case_id=case.id,
        materials=[{"code": "M001", "remark": "x"}],
        now=at(D(2026, 11, 3)),
    )
    seen = walk(session, D(2026, 11, 3), D(2026, 11, 12), {case.id})
    assert seen == {}  # paused over its urge, due and overdue days
    from eap.services.core import files
    from tests.factories import pdf

    f = files.store_file(session, principal=owner, filename="m.pdf", content=pdf())
    supplements.supply_supplement(
        session,
        principal=owner,
        notice_id=notice.id,
        uploads={"M001": f.id},
        now=at(D(2026, 11, 13)),
    )
    # Paused 4 Nov .. 13 Nov = 8 working days: due moves from 9 Nov to 19 Nov.
    assert case.due_date == D(2026, 11, 19)
    seen = walk(session, D(2026, 11, 13), D(2026, 11, 19), {case.id})
    assert seen == {(case.id, "urge"): [D(2026, 11, 18)], (case.id, "supervise"): [D(2026, 11, 19)]}
    handling.decide(
        session,
        principal=zrzy,
        item_case_id=case.id,
        outcome="approve",
        opinion="同意",
        now=at(D(2026, 11, 19), 16),
    )
    supervision.sweep_deadlines(session, now=at(D(2026, 11, 19), 17))
    statuses = session.exec(
        select(Alert.status).where(Alert.target_id == case.id, Alert.target_kind == "item")
    ).all()
    assert set(statuses) == {"closed"}
    seen = walk(session, D(2026, 11, 20), D(2026, 11, 23), {case.id})
    assert seen == {}


def test_alerts_reach_handler_head_and_supervisors(session: Session) -> None:
    day = D(2026, 11, 2)
    city, _owner, _sc, c = _accepted(session, day)
    case = c["S1-06"]
    handling.start_handling(
        session, principal=city.approvers["zrzy"], item_case_id=case.id, now=at(day, 14)
    )
    from tests.factories import _user

    sup = _user(session, "supervisor", region_code="360100")
    other = _user(session, "supervisor", region_code="360700")
    supervision.sweep_deadlines(session, now=at(D(2026, 11, 6), 9))  # urge day for 9 Nov
    # this case's urges (other tests' committed history may be due the same day elsewhere)
    notified = {
        user_id
        for user_id, params in session.exec(
            select(Notification.user_id, Notification.params).where(
                Notification.key == "alert.urge"
            )
        )
        if params.get("what") == "item" and params.get("target") == case.id
    }
    assert {city.approvers["zrzy"].user_id, city.heads["zrzy"].user_id, sup.user_id} <= notified
    assert other.user_id not in notified


def _committed_case(engine: Engine, due: dt.date) -> int:
    with Session(engine) as s:
        _city, _owner, _sc, c = _accepted(s, due - dt.timedelta(days=10), "360900")
        case = c["S1-06"]
        case.due_date = due
        s.add(case)
        s.commit()
        return case.id


def test_two_sweeps_started_together_raise_each_alert_once(engine: Engine) -> None:
    due = D(2026, 12, 9)
    ids = {_committed_case(engine, due) for _ in range(3)}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            with Session(engine) as s:
                barrier.wait()
                supervision.sweep_deadlines(s, now=at(D(2026, 12, 10), 9))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    with Session(engine) as s:
        rows = s.exec(
            select(Alert.target_id, Alert.level).where(
                Alert.target_kind == "item", col(Alert.target_id).in_(ids)
            )
        ).all()
        assert sorted(rows) == sorted(
            (i, lv) for i in ids for lv in ("urge", "supervise", "inspect")
        )
        notes = s.exec(
            select(Notification).where(
                Notification.key == "alert.inspect", col(Notification.params).is_not(None)
            )
        ).all()
        per_target = {}
        for n in notes:
            if n.params.get("what") == "item" and n.params.get("target") in ids:
                per_target.setdefault((n.params["target"], n.user_id), 0)
                per_target[(n.params["target"], n.user_id)] += 1
        assert per_target and set(per_target.values()) == {1}


def test_restart_in_the_middle_of_a_sweep_misses_nothing(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    due = D(2026, 12, 16)
    ids = {_committed_case(engine, due) for _ in range(4)}
    calls = {"n": 0}
    real = supervision._notify

    def crashing(*args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("target_id") in ids:
            calls["n"] += 1
            if calls["n"] == 5:
                raise KeyboardInterrupt("process killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(supervision, "_notify", crashing)
    with pytest.raises(KeyboardInterrupt), Session(engine) as s:
        supervision.sweep_deadlines(s, now=at(D(2026, 12, 17), 9), commit_every=1)
    monkeypatch.setattr(supervision, "_notify", real)

    def mine(s: Session) -> list[tuple[int, str]]:
        return sorted(
            s.exec(
                select(Alert.target_id, Alert.level).where(
                    Alert.target_kind == "item", col(Alert.target_id).in_(ids)
                )
            ).all()
        )

    with Session(engine) as s:
        partial = mine(s)
        assert 0 < len(partial) < 12  # some cases' alerts committed before the crash
        supervision.sweep_deadlines(s, now=at(D(2026, 12, 17), 9))
        assert mine(s) == sorted((i, lv) for i in ids for lv in ("urge", "supervise", "inspect"))
        # Each recipient was told once per alert: committed notes are not repeated.
        notes = s.exec(select(Notification).where(Notification.key == "alert.inspect")).all()
        counts: dict[tuple[int, int | None], int] = {}
        for n in notes:
            if n.params.get("what") == "item" and n.params.get("target") in ids:
                counts[(n.params["target"], n.user_id)] = (
                    counts.get((n.params["target"], n.user_id), 0) + 1
                )
        assert counts and set(counts.values()) == {1}
