"""A stage's clock follows its items' pauses (阶段时限随暂停顺延).

The rule: an accepted stage is *paused* while its open work stands still — it has at least
one open item case whose clock has started, and every such item is paused (补正 awaited from
the applicant, or a 特别程序 such as a hearing or an expert review). Items still waiting for a
prerequisite, or not yet started, are not work under way: they neither run nor hold the
stage. While a stage is paused it raises no 催办/督办/督察, and while a main-line stage of a
project is paused the project's full-process target raises none either.

When the pause ends (an item resumes, or is decided) the stage's due date moves on by the
working days the pause took, counted as an item's pause is (the day it began stays counted,
every working day after it up to the day work resumes does not), and so does the project's
target date for a main-line stage. The stage's recorded days (``used_days`` at closure) are
its working days from acceptance less these paused days, so what the alerts measured and what
the record says agree.

Example (worked by hand in tests/test_stage_clock.py): a 10-working-day stage accepted on
Monday 2 March 2026 is due Monday 16 March. Its only item is paused for 补正 on Wednesday 4
March and the material comes on Tuesday 10 March: Thursday 5 to Tuesday 10 March is four
working days, so the stage is due on Friday 20 March, and no stage alert is raised on 16 March.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam
from sqlmodel import Session

from eap.db import reading
from eap.models import ItemCase, Project, StageCase
from eap.models.cases import TERMINAL
from eap.models.common import table_of
from eap.services.approval import case_store
from eap.services.core.clock import WorkCalendar

MAIN_LINE = (1, 2, 3, 4)

_T_CASE = table_of(ItemCase)
_OPEN_WORK = (
    _T_CASE.select()
    .with_only_columns(_T_CASE.c.status, _T_CASE.c.paused_since)
    .where(
        _T_CASE.c.stage_case_id == bindparam("stage_case_id"),
        _T_CASE.c.clock_started_at.is_not(None),
    )
)


def is_standing_still(session: Session, *, stage_case_id: int) -> bool:
    """Every open item of the stage whose clock runs is paused (and there is one)."""
    rows = reading(session).execute(_OPEN_WORK, {"stage_case_id": stage_case_id}).all()
    started = [r for r in rows if r.status not in TERMINAL]
    return bool(started) and all(r.paused_since is not None for r in started)


def follow_items(
    session: Session, *, stage_case_id: int, now: dt.datetime, cal: WorkCalendar
) -> int:
    """After its items moved: pause the stage, or end its pause and move its deadlines.
    Returns the working days a pause that ended took (0 otherwise)."""
    stage = session.get(StageCase, stage_case_id)
    if stage is None or stage.status != "accepted":
        return 0
    still = is_standing_still(session, stage_case_id=stage_case_id)
    if still and stage.paused_since is None:
        case_store.update_stage(session, stage, paused_since=now)
        return 0
    if still or stage.paused_since is None:
        return 0
    days = cal.paused_working_days(stage.paused_since, now)
    changes: dict[str, object] = {"paused_since": None, "paused_days": stage.paused_days + days}
    if stage.due_date is not None and days:
        changes["due_date"] = cal.extend(stage.due_date, days).day
    case_store.update_stage(session, stage, **changes)
    if days and stage.stage_code in MAIN_LINE:
        project = session.get(Project, stage.project_id)
        if project is not None and project.target_due is not None:
            project.target_due = cal.extend(project.target_due, days).day
            session.add(project)
    return days
