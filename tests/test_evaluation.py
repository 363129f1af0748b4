"""好差评 per item case (一事一评 per 办件): finished cases only, within the rating window, once
each; a bad grade is rectified by the item's department within the configured working days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from eap.config import get_settings
from eap.errors import DomainError, PermissionDenied
from eap.models import Evaluation, ItemCase, StageCase
from eap.services.approval import case_store, filing
from eap.services.hall import evaluation, hall
from tests.factories import (
    applicant,
    at,
    city_staff,
    kind_of,
    project,
    run_cli,
    run_stage,
    scratch_database,
    upload_missing,
)

D = dt.date


@pytest.fixture
def rectify_days(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    yield monkeypatch
    get_settings.cache_clear()


def _withdrawn(session: Session):  # type: ignore[no-untyped-def]
    """A stage filed on Mon 2 Nov and withdrawn at once: every item case ends that day."""
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        uploads=upload_missing(session, owner, pid, 1),
        now=at(D(2026, 11, 2), 9),
    )
    return city, owner, sc


def test_rating_rules(session: Session) -> None:
    city, owner, sc = _withdrawn(session)
    first, *others = case_store.item_cases(session, sc.id)
    soon = at(D(2026, 11, 3))  # inside the 30 days to rate, whatever today's date is
    assert others, "stage 1 of a ptype-4 project has several items"
    with pytest.raises(DomainError) as err:
        evaluation.rate_item_case(
            session, principal=owner, item_case_id=first.id, grade=5, now=soon
        )
    assert err.value.key == "evaluation.not_finished"
    filing.withdraw_application(
        session, principal=owner, stage_case_id=sc.id, reason="不建了", now=at(D(2026, 11, 2), 15)
    )
    with pytest.raises(PermissionDenied):
        evaluation.rate_item_case(
            session, principal=applicant(session), item_case_id=first.id, grade=5, now=soon
        )
    with pytest.raises(DomainError) as err:
        evaluation.rate_item_case(
            session, principal=owner, item_case_id=first.id, grade=6, now=soon
        )
    assert err.value.key == "evaluation.grade"
    with pytest.raises(DomainError) as err:
        evaluation.rate_item_case(
            session, principal=owner, item_case_id=first.id, grade=1, now=soon
        )
    assert err.value.key == "evaluation.comment_required"
    ev = evaluation.rate_item_case(
        session,
        principal=owner,
        item_case_id=first.id,
        grade=1,
        comment="窗口态度差",
        now=at(D(2026, 11, 3)),
    )
    # Tue 3 Nov + 15 working days: 4-6, 9-13, 16-20 Nov (13), 23, 24 → Tue 24 Nov.
    assert ev.rectify_by == D(2026, 11, 24)
    assert (ev.department_id, ev.stage_case_id) == (first.department_id, sc.id)
    with pytest.raises(DomainError) as err:
        evaluation.rate_item_case(
            session, principal=owner, item_case_id=first.id, grade=5, now=soon
        )
    assert err.value.key == "evaluation.once"
    # Each 办件 is rated on its own, within 30 days of its end: the other item of the same
    # application ended on Mon 2 Nov, so 2 Dec is its last day and 3 Dec is too late.
    second = others[0]
    with pytest.raises(DomainError) as err:
        evaluation.rate_item_case(
            session, principal=owner, item_case_id=second.id, grade=4, now=at(D(2026, 12, 3))
        )
    assert err.value.key == "evaluation.window_closed"
    good = evaluation.rate_item_case(
        session, principal=owner, item_case_id=second.id, grade=4, now=at(D(2026, 12, 2))
    )
    assert good.rectify_by is None and good.department_id == second.department_id
    # Rectified by the item's own department, not another one of the stage.
    other_kind = next(
        k for k in ("zj", "fgw") if city.approvers[k].department_id != ev.department_id
    )
    with pytest.raises(PermissionDenied):
        evaluation.rectify(
            session,
            principal=city.approvers[other_kind],
            evaluation_id=ev.id,
            rectification="x",
            callback_note="y",
        )
    mine = city.approvers[kind_of(session, first)]
    with pytest.raises(DomainError) as err:
        evaluation.rectify(
            session, principal=mine, evaluation_id=ev.id, rectification="已整改", callback_note=""
        )
    assert err.value.field == "rectification"
    done = evaluation.rectify(
        session,
        principal=mine,
        evaluation_id=ev.id,
        rectification="已约谈窗口人员并整改",
        callback_note="电话回访，申请人认可",
    )
    assert done.rectified_at is not None and done.callback_at is not None
    with pytest.raises(DomainError) as err:
        evaluation.rectify(
            session, principal=mine, evaluation_id=ev.id, rectification="再", callback_note="再"
        )
    assert err.value.key == "evaluation.rectified"


def test_rectification_days_are_configurable(session: Session, rectify_days) -> None:  # type: ignore[no-untyped-def]
    rectify_days.setenv("EAP_EVALUATION_RECTIFY_DAYS", "5")
    get_settings.cache_clear()
    _, owner, sc = _withdrawn(session)
    filing.withdraw_application(session, principal=owner, stage_case_id=sc.id, reason="不建了")
    case = case_store.item_cases(session, sc.id)[0]
    ev = evaluation.rate_item_case(
        session,
        principal=owner,
        item_case_id=case.id,
        grade=2,
        comment="慢",
        now=at(D(2026, 11, 3)),
    )
    assert ev.rectify_by == D(2026, 11, 10)  # Tue 3 Nov + 5 working days (4, 5, 6, 9, 10)


def test_bad_grades_listed_for_the_items_department_until_rectified(session: Session) -> None:
    from eap.services.approval import workbench

    city, owner, sc = _withdrawn(session)
    filing.withdraw_application(session, principal=owner, stage_case_id=sc.id, reason="不建了")
    case = case_store.item_cases(session, sc.id)[0]
    ev = evaluation.rate_item_case(
        session,
        principal=owner,
        item_case_id=case.id,
        grade=2,
        comment="等待时间长",
        now=at(D(2026, 11, 3)),
    )
    mine = city.approvers[kind_of(session, case)]
    rows = [
        r
        for r in workbench.bad_grades(session, principal=mine, now=at(D(2026, 11, 20)))
        if r.id == ev.id
    ]
    assert rows and not rows[0].overdue and rows[0].case_no == case.case_no
    late = workbench.bad_grades(session, principal=mine, now=at(D(2026, 11, 25)))
    assert [r.overdue for r in late if r.id == ev.id] == [True]
    other = next(p for k, p in city.approvers.items() if p.department_id != case.department_id)
    assert not [r for r in workbench.bad_grades(session, principal=other) if r.id == ev.id]
    evaluation.rectify(
        session,
        principal=mine,
        evaluation_id=ev.id,
        rectification="优化排队叫号",
        callback_note="已回访",
    )
    assert not [r for r in workbench.bad_grades(session, principal=mine) if r.id == ev.id]


def test_the_hall_offers_each_finished_item_for_rating(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    sc, day = run_stage(session, city, owner, pid, 1, D(2026, 11, 2))
    cases = case_store.item_cases(session, sc.id)
    now = at(day)
    card = next(c for c in hall.my_projects(session, principal=owner, now=now) if c.id == pid)
    items = {i.id: i for st in card.stages for i in st.item_cases}
    assert all(items[c.id].can_rate and items[c.id].rate_until for c in cases)
    evaluation.rate_item_case(
        session, principal=owner, item_case_id=cases[0].id, grade=1, comment="慢", now=now
    )
    card = next(c for c in hall.my_projects(session, principal=owner, now=now) if c.id == pid)
    items = {i.id: i for st in card.stages for i in st.item_cases}
    rated = items[cases[0].id]
    assert (rated.rated, rated.bad_grade, rated.can_rate) == (1, True, False)
    assert rated.rectify_by and not rated.rate_until
    assert all(items[c.id].can_rate and items[c.id].rated == 0 for c in cases[1:])
    # Past the window nothing more is offered.
    later = now + dt.timedelta(days=45)
    card = next(c for c in hall.my_projects(session, principal=owner, now=later) if c.id == pid)
    assert not any(i.can_rate for st in card.stages for i in st.item_cases)


def test_stage_evaluations_migrate_to_the_lead_item(tmp_path: Path) -> None:
    """Down to 0026 (one evaluation per stage case), then up: each goes to the item case of the
    stage's lead department, which owes its rectification."""
    from alembic import command

    from eap.db import make_engine
    from eap.migrate import alembic_config

    url = scratch_database("eap_eval_migration", tmp_path)
    assert run_cli("db", "upgrade", db=url).returncode == 0
    out = run_cli("seed", "demo", "--companies", "20", "--projects", "10", db=url)
    assert out.returncode == 0, out.stderr
    engine = make_engine(url)
    with Session(engine) as s:
        rated_stages = set(s.exec(select(Evaluation.stage_case_id)).all())
        assert len(s.exec(select(Evaluation)).all()) > len(rated_stages) > 0
    cfg = alembic_config(url)
    command.downgrade(cfg, "0026")
    command.upgrade(cfg, "head")
    with Session(engine) as s:
        evaluations = s.exec(select(Evaluation)).all()
        assert {e.stage_case_id for e in evaluations} == rated_stages
        assert len(evaluations) == len(rated_stages)
        for e in evaluations:
            case, sc = s.get(ItemCase, e.item_case_id), s.get(StageCase, e.stage_case_id)
            assert case is not None and sc is not None
            assert case.stage_case_id == sc.id and e.department_id == case.department_id
            leads = [
                c.id
                for c in case_store.item_cases(s, sc.id or 0)
                if c.department_id == sc.lead_department_id
            ]
            if leads:
                assert e.item_case_id == leads[0]
    engine.dispose()
