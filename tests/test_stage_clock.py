"""A stage's clock follows its items' pauses (issue 17 item 1; the rule in
eap/services/approval/stage_clock.py): a stage whose every running item is paused stands still,
raises no stage alert, and its due date and the project's target move on by the paused
working days; its recorded days subtract the same days. KPIs (item 2): a paused case is not
counted due on its stored day, and a day a moved deadline left is re-rolled however old."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from eap.models import Alert, ItemCase, KpiDaily, KpiStaleDay, Project, StageCase, SupplementNotice
from eap.models.cases import TERMINAL
from eap.services.approval import handling, results, stage_clock, supplements
from eap.services.supervision import alerts, kpi
from tests.factories import (
    CAL,
    applicant,
    approve_all,
    at,
    city_staff,
    file_and_accept,
    kind_of,
    pdf,
    project,
)

D = dt.date
MON_2_MARCH = D(2026, 3, 2)  # accepted at 11:00
WED_4_MARCH = D(2026, 3, 4)  # every running item paused for 补正
TUE_10_MARCH = D(2026, 3, 10)  # the applicant supplies


def _running(session: Session, stage_case_id: int) -> list[ItemCase]:
    return [
        c
        for c in session.exec(select(ItemCase).where(ItemCase.stage_case_id == stage_case_id))
        if c.clock_started_at is not None and c.status not in TERMINAL
    ]


def _pause_all(session: Session, city, stage_case_id: int) -> list[ItemCase]:  # type: ignore[no-untyped-def]
    """Start (Tuesday) and pause for 补正 (Wednesday) every running item, one by one."""
    running = _running(session, stage_case_id)
    for n, case in enumerate(running):
        who = city.approvers[kind_of(session, case)]
        handling.start_handling(session, principal=who, item_case_id=case.id, now=at(D(2026, 3, 3)))
        handling.request_supplement(
            session,
            principal=who,
            item_case_id=case.id,
            materials=[{"code": "M001", "remark": "请补正申请表"}],
            now=at(WED_4_MARCH, 10 + n % 6),
        )
        stage = session.get(StageCase, stage_case_id)
        assert stage is not None
        # while one item still runs, the stage runs: only the last pause stops it
        assert (stage.paused_since is None) == (n < len(running) - 1)
    return running


def test_a_stage_stands_still_while_every_running_item_is_paused(session: Session) -> None:
    nc = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner)
    sc = file_and_accept(session, nc, owner, pid, 1, day=MON_2_MARCH)
    assert sc.id is not None
    due_before = CAL.add_working_days(MON_2_MARCH, sc.limit_days).day
    assert sc.due_date == due_before
    proj = session.get(Project, pid)
    assert proj is not None
    target_before = proj.target_due
    running = _pause_all(session, nc, sc.id)
    assert len(running) >= 2  # the rule is seen with more than one item at work
    assert stage_clock.is_standing_still(session, stage_case_id=sc.id)
    # on the old due day: the items raise nothing (paused), nor does the stage
    alerts.sweep_deadlines(session, now=at(due_before, 9))
    raised = session.exec(
        select(Alert).where(Alert.target_kind == "stage", Alert.target_id == sc.id)
    ).all()
    assert raised == []
    # Tuesday 10 March: the material comes; Thursday 5 to Tuesday 10 March is four working
    # days (5, 6, 9, 10), so the stage's deadline moves four working days on
    notices = session.exec(
        select(SupplementNotice).where(
            SupplementNotice.stage_case_id == sc.id, col(SupplementNotice.answered_at).is_(None)
        )
    ).all()
    from eap.services.core import files

    first = notices[0]
    assert first.id is not None
    supplements.supply_supplement(
        session,
        principal=owner,
        notice_id=first.id,
        uploads={
            "M001": files.store_file(session, principal=owner, filename="表.pdf", content=pdf()).id
            or 0
        },
        now=at(TUE_10_MARCH, 10),
    )
    stage = session.get(StageCase, sc.id)
    assert stage is not None and stage.paused_since is None and stage.paused_days == 4
    assert stage.due_date == CAL.extend(due_before, 4).day
    if target_before is not None:  # the project's target follows a main-line stage
        session.refresh(proj)
        assert proj.target_due == CAL.extend(target_before, 4).day
    # the others supply the next day: the stage runs already, nothing moves again
    for notice in notices[1:]:
        assert notice.id is not None
        supplements.supply_supplement(
            session,
            principal=owner,
            notice_id=notice.id,
            uploads={
                "M001": files.store_file(
                    session, principal=owner, filename="表.pdf", content=pdf()
                ).id
                or 0
            },
            now=at(D(2026, 3, 11), 10),
        )
    session.refresh(stage)
    assert stage.paused_days == 4
    # the recorded stage days: acceptance to closure less the four paused days
    last = approve_all(session, nc, sc.id, D(2026, 3, 12))
    lead = nc.approvers["fgw"]
    closed = results.close_stage(session, principal=lead, stage_case_id=sc.id, now=at(last, 16))
    gross = CAL.working_days_between(MON_2_MARCH, last)
    assert closed.used_days == gross - 4


def _rows(session: Session) -> list[tuple]:
    return sorted(
        (r.day, r.department_id, r.stage_code, r.due, r.overdue, r.accepted, r.completed)
        for r in session.exec(select(KpiDaily))
    )


def _due_on(session: Session, day: dt.date, department_id: int) -> tuple[int, int]:
    rows = session.exec(
        select(KpiDaily).where(KpiDaily.day == day, KpiDaily.department_id == department_id)
    ).all()
    return sum(r.due for r in rows), sum(r.overdue for r in rows)


def _supply(session: Session, owner, case: ItemCase, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    from eap.services.core import files

    notice = session.exec(
        select(SupplementNotice).where(
            SupplementNotice.item_case_id == case.id, col(SupplementNotice.answered_at).is_(None)
        )
    ).one()
    assert notice.id is not None
    upload = files.store_file(session, principal=owner, filename="表.pdf", content=pdf())
    supplements.supply_supplement(
        session,
        principal=owner,
        notice_id=notice.id,
        uploads={"M001": upload.id or 0},
        now=at(day, 10),
    )


def test_a_paused_case_is_not_due_on_its_stored_day(session: Session) -> None:
    """超期率: a case paused before its deadline and still paused past it is not overdue on
    that day; it is counted on the day it is due once it resumes."""
    nc = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner)
    sc = file_and_accept(session, nc, owner, pid, 1, day=MON_2_MARCH)
    assert sc.id is not None
    case = _pause_all(session, nc, sc.id)[0]
    old_due = case.due_date
    assert old_due is not None
    kpi.rebuild(session, now=at(D(2026, 5, 4), 18))
    assert _due_on(session, old_due, case.department_id) == (0, 0)
    _supply(session, owner, case, D(2026, 5, 6))
    session.refresh(case)
    assert case.due_date is not None and case.due_date > D(2026, 5, 6)  # due again, later


def test_a_deadline_that_moves_off_an_old_day_re_rolls_it(session: Session) -> None:
    """A case already counted overdue on its due day is paused weeks later (补正 after the
    deadline): that day's roll-up no longer holds. The day is marked and the incremental job
    re-rolls it although it lies beyond the job's seven-day look-back; so does the day it is
    due after it resumes. Incremental roll-ups equal a rebuild at every step."""
    nc = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner)
    sc = file_and_accept(session, nc, owner, pid, 1, day=MON_2_MARCH)
    assert sc.id is not None
    case = _running(session, sc.id)[0]
    old_due = case.due_date
    assert old_due is not None
    later = CAL.add_working_days(old_due, 10).day
    kpi.rebuild(session, now=at(later, 8))
    due, overdue = _due_on(session, old_due, case.department_id)
    assert due >= 1 and overdue >= 1  # counted on its day, open: overdue
    who = nc.approvers[kind_of(session, case)]
    handling.start_handling(session, principal=who, item_case_id=case.id, now=at(later, 9))
    handling.request_supplement(
        session,
        principal=who,
        item_case_id=case.id,
        materials=[{"code": "M001", "remark": "请补正申请表"}],
        now=at(later, 10),
    )
    assert old_due in set(session.exec(select(KpiStaleDay.day)))
    done = kpi.maintain(session, now=at(later, 18), lookback_days=7)
    assert old_due.isoformat() in done["stale_days"]
    assert session.exec(select(KpiStaleDay)).all() == []
    assert _due_on(session, old_due, case.department_id) == (due - 1, overdue - 1)
    incremental = _rows(session)
    kpi.rebuild(session, now=at(later, 18))
    assert incremental == _rows(session)
    # it resumes three weeks on: counted again on the day it is due now, nowhere else
    back = CAL.add_working_days(later, 15).day
    _supply(session, owner, case, back)
    session.refresh(case)
    kpi.maintain(session, now=at(back, 18), lookback_days=7)
    incremental = _rows(session)
    kpi.rebuild(session, now=at(back, 18))
    assert incremental == _rows(session)
