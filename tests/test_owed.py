"""容缺受理 supervised (issue 17 item 6, the rule in eap/services/approval/owed.py): the
applicant is reminded before the promised date, the departments needing the material are told
once it has passed, an item whose material is owed is not approved outright, and the
applicant hands the material in."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import CaseEvent, Notification, StageMaterial, User
from eap.models.cases import Blzt
from eap.services.approval import filing, handling, intake, owed
from eap.services.core import files
from eap.services.hall import hall
from tests.factories import (
    CAL,
    applicant,
    at,
    cases_by_code,
    city_staff,
    pdf,
    project,
    upload_missing,
)

D = dt.date
PROMISED = D(2026, 3, 20)  # a Friday


def _owing(session: Session):  # type: ignore[no-untyped-def]
    """A filing-only social project in 赣州 whose 国有土地出让合同 (M010) is owed until 20 March."""
    city = city_staff(session, "360700")
    owner = applicant(session, "360702")
    pid = project(session, owner, ptype=3, region="360702", attributes={"filing_only": True})
    day = D(2026, 3, 2)
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        uploads=upload_missing(session, owner, pid, 1, skip={"M010"}),
        owed=["M010"],
        now=at(day, 9),
    )
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 10))
    intake.accept_case(
        session,
        principal=city.window,
        stage_case_id=sc.id,
        owed={"M010": PROMISED},
        now=at(day, 11),
    )
    return city, owner, sc


def test_the_reminder_and_the_late_notice_come_once_each(session: Session) -> None:
    city, owner, sc = _owing(session)
    # Tuesday 17 March is three working days ahead: nothing yet
    assert owed.sweep_owed(session, now=at(D(2026, 3, 17), 8)) == {"reminded": 0, "late": 0}
    # Wednesday 18 March: two working days ahead (19, 20): the applicant is reminded, once
    assert CAL.working_days_between(D(2026, 3, 18), PROMISED) == 2
    assert owed.sweep_owed(session, now=at(D(2026, 3, 18), 8))["reminded"] == 1
    assert owed.sweep_owed(session, now=at(D(2026, 3, 19), 8))["reminded"] == 0
    note = session.exec(
        select(Notification).where(
            Notification.key == "notify.owed_due", Notification.stage_case_id == sc.id
        )
    ).one()
    assert note.params["material"] and note.params["day"] == "2026-03-20"
    # the date itself is not late; Monday 23 March is: the 自然资源 approvers are told, once
    assert owed.sweep_owed(session, now=at(PROMISED, 18))["late"] == 0
    assert owed.sweep_owed(session, now=at(D(2026, 3, 23), 8))["late"] == 1
    assert owed.sweep_owed(session, now=at(D(2026, 3, 24), 8))["late"] == 0
    told = {
        n.user_id
        for n in session.exec(select(Notification).where(Notification.key == "notify.owed_late"))
        if n.params.get("case_no") == sc.case_no  # other tests' committed cases aside
    }
    zrzy_dept = city.approvers["zrzy"].department_id
    zrzy = set(
        session.exec(
            select(User.id).where(User.department_id == zrzy_dept, User.role == "approver")
        )
    )
    assert {city.approvers["zrzy"].user_id, city.heads["zrzy"].user_id} <= zrzy
    assert told == zrzy  # every approver of the department whose item lists it, not 发改
    late = owed.owed_materials(
        session, principal=owner, stage_case_id=sc.id, now=at(D(2026, 3, 23))
    )
    assert [(r.code, r.owed_until, r.late) for r in late] == [("M010", "2026-03-20", True)]


def test_an_owed_material_holds_the_outright_approval(session: Session) -> None:
    city, owner, sc = _owing(session)
    c = cases_by_code(session, sc.id)
    zrzy = city.approvers["zrzy"]
    handling.start_handling(
        session, principal=zrzy, item_case_id=c["S1-06"].id, now=at(D(2026, 3, 3))
    )
    assert owed.owed_for_item(session, case=c["S1-06"]) == ["M010"]
    assert owed.owed_for_item(session, case=c["S1-04"]) == []  # 发改's item does not list it
    with pytest.raises(DomainError) as held:
        handling.decide(
            session,
            principal=zrzy,
            item_case_id=c["S1-06"].id,
            outcome="approve",
            opinion="同意",
            now=at(D(2026, 3, 4)),
        )
    assert (held.value.key, held.value.params["codes"]) == ("case.owed_open", "M010")
    assert c["S1-06"].status == Blzt.HANDLING  # nothing changed
    # the applicant hands it in; only owed materials of this stage are taken, by its owner
    upload = files.store_file(session, principal=owner, filename="合同.pdf", content=pdf())
    with pytest.raises(DomainError) as stray:
        owed.hand_in_owed(
            session, principal=owner, stage_case_id=sc.id, uploads={"M002": upload.id or 0}
        )
    assert (stray.value.key, stray.value.field) == ("owed.not_owed", "materials")
    with pytest.raises(PermissionDenied):
        owed.hand_in_owed(
            session,
            principal=applicant(session, "360702"),
            stage_case_id=sc.id,
            uploads={"M010": upload.id or 0},
        )
    done = owed.hand_in_owed(
        session,
        principal=owner,
        stage_case_id=sc.id,
        uploads={"M010": upload.id or 0},
        now=at(D(2026, 3, 5), 9),
    )
    assert done == ["M010"]
    sm = session.exec(
        select(StageMaterial).where(StageMaterial.stage_case_id == sc.id, col(StageMaterial.owed))
    ).all()
    assert sm == []
    assert session.exec(
        select(CaseEvent).where(
            CaseEvent.stage_case_id == sc.id, CaseEvent.action == "owed_handed_in"
        )
    ).one()
    handling.decide(
        session,
        principal=zrzy,
        item_case_id=c["S1-06"].id,
        outcome="approve",
        opinion="材料齐全，同意",
        now=at(D(2026, 3, 5), 15),
    )
    assert c["S1-06"].status == Blzt.APPROVED
    # nothing owed any more: the sweep tells nobody
    assert owed.sweep_owed(session, now=at(D(2026, 3, 30), 8)) == {"reminded": 0, "late": 0}


def test_the_company_sees_what_it_owes_until_handed_in(session: Session) -> None:
    city, owner, sc = _owing(session)
    rows = owed.owed_by_company(session, principal=owner, now=at(D(2026, 3, 19)))
    assert [(r.stage_case_id, r.code, r.owed_until, r.late) for r in rows] == [
        (sc.id, "M010", "2026-03-20", False)
    ]
    assert owed.owed_by_company(session, principal=owner, now=at(D(2026, 3, 23)))[0].late
    # Another company sees nothing of it; staff have no such list.
    assert owed.owed_by_company(session, principal=applicant(session, "360702")) == []
    assert owed.owed_by_company(session, principal=city.window) == []
    f = files.store_file(session, principal=owner, filename="M010.pdf", content=pdf())
    owed.hand_in_owed(session, principal=owner, stage_case_id=sc.id, uploads={"M010": f.id or 0})
    assert owed.owed_by_company(session, principal=owner) == []


def test_the_hall_counts_the_owed_material_on_its_stage(session: Session) -> None:
    _, owner, sc = _owing(session)
    (card,) = [c for c in hall.my_projects(session, principal=owner) if c.id == sc.project_id]
    (stage,) = [st for st in card.stages if st.id == sc.id]
    assert (stage.owed_materials, stage.open_notices) == (1, 0)
