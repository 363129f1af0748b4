"""Whole projects through all four stages plus parallel items, on a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from eap.errors import DomainError
from eap.models import (
    ApprovalDocument,
    CaseEvent,
    Certificate,
    Notification,
    PostCheckTask,
    Project,
    SmsOutbox,
    StageCase,
)
from eap.models.cases import Blzt
from eap.services.approval import case_clock, filing, handling, intake, results, supplements
from eap.services.core import files
from eap.services.hall import guide
from tests.factories import (
    CAL,
    applicant,
    at,
    cases_by_code,
    city_staff,
    file_and_accept,
    file_stage,
    next_wd,
    pdf,
    project,
    run_stage,
    upload_missing,
)

D = dt.date


def test_government_building_project_through_all_stages(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=1)
    # --- Stage 1 by hand: dependency waiting, a supplement and a special procedure across
    # the 2026 National Day holiday (1-7 Oct; Sat 10 Oct is a working day).
    uploads = upload_missing(session, owner, pid, 1)
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        uploads=uploads,
        now=at(D(2026, 9, 28), 9),
    )
    assert sc.status == "submitted" and sc.case_no.startswith("360100")
    with pytest.raises(DomainError):
        intake.accept_case(
            session, principal=city.window, stage_case_id=sc.id, now=at(D(2026, 9, 28), 10)
        )  # must be received first
    intake.receive_case(
        session, principal=city.window, stage_case_id=sc.id, now=at(D(2026, 9, 28), 10)
    )
    intake.accept_case(
        session, principal=city.window, stage_case_id=sc.id, now=at(D(2026, 9, 28), 11)
    )
    c = cases_by_code(session, sc.id)
    assert set(c) == {"S1-01", "S1-02", "S1-05", "S1-06"}
    assert c["S1-01"].due_date == D(2026, 10, 16)  # 9/29, 9/30, 10/8, 10/9, 10/10 (Sat), ...
    assert c["S1-02"].waiting_on == "S1-01" and c["S1-02"].due_date is None
    with pytest.raises(DomainError) as err:
        handling.start_handling(
            session, principal=city.approvers["fgw"], item_case_id=c["S1-02"].id
        )
    assert err.value.key == "case.illegal_transition" or err.value.key == "case.waiting"
    # S1-05: supplement requested 30 Sep, supplied 8 Oct: one working day paused (8 Oct).
    zrzy = city.approvers["zrzy"]
    handling.start_handling(
        session, principal=zrzy, item_case_id=c["S1-05"].id, now=at(D(2026, 9, 29))
    )
    due_before = c["S1-05"].due_date
    notice = handling.request_supplement(
        session,
        principal=zrzy,
        item_case_id=c["S1-05"].id,
        materials=[
            {"code": "M008", "remark": "缺少宗地图"},
            {"code": "M003", "remark": "授权书过期"},
        ],
        now=at(D(2026, 9, 30)),
    )
    assert c["S1-05"].status == Blzt.SUPPLEMENT_REQUESTED
    view = case_clock.clock_view(c["S1-05"], now=at(D(2026, 10, 8), 9), cal=CAL)
    assert view.state == "paused"
    with pytest.raises(DomainError) as err:  # everything at once, or nothing
        supplements.supply_supplement(
            session,
            principal=owner,
            notice_id=notice.id,
            uploads=upload_missing(session, owner, pid, 1, skip={"M003"}) and {},
        )
    assert err.value.key == "supplement.incomplete"
    from eap.services.core import files
    from tests.factories import pdf

    fresh = {
        code: files.store_file(session, principal=owner, filename=f"{code}.pdf", content=pdf()).id
        for code in ("M008", "M003")
    }
    supplements.supply_supplement(
        session, principal=owner, notice_id=notice.id, uploads=fresh, now=at(D(2026, 10, 8), 14)
    )
    assert c["S1-05"].status == Blzt.SUPPLEMENT_SUPPLIED
    assert c["S1-05"].paused_days == 1
    assert c["S1-05"].due_date == next_wd(due_before, 1)
    # S1-01 approved on 9 Oct releases S1-02, whose clock starts then.
    fgw = city.approvers["fgw"]
    handling.start_handling(
        session, principal=fgw, item_case_id=c["S1-01"].id, now=at(D(2026, 9, 29))
    )
    handling.decide(
        session,
        principal=fgw,
        item_case_id=c["S1-01"].id,
        outcome="approve",
        opinion="同意立项",
        now=at(D(2026, 10, 9)),
    )
    assert c["S1-02"].waiting_on == "" and c["S1-02"].due_date == next_wd(D(2026, 10, 9), 10)
    # S1-02: expert review 12-14 Oct (2 working days not counted).
    handling.start_handling(
        session, principal=fgw, item_case_id=c["S1-02"].id, now=at(D(2026, 10, 10))
    )
    due_before = c["S1-02"].due_date
    handling.start_special_procedure(
        session,
        principal=fgw,
        item_case_id=c["S1-02"].id,
        kind="expert",
        reason="组织专家评审",
        limit_days=5,
        now=at(D(2026, 10, 12)),
    )
    handling.end_special_procedure(
        session,
        principal=fgw,
        item_case_id=c["S1-02"].id,
        result="专家评审通过",
        now=at(D(2026, 10, 14)),
    )
    assert c["S1-02"].paused_days == 2 and c["S1-02"].due_date == next_wd(due_before, 2)
    for hour, (code, who) in enumerate((("S1-05", zrzy), ("S1-06", zrzy), ("S1-02", fgw))):
        if c[code].status == Blzt.ACCEPTED:
            handling.start_handling(
                session, principal=who, item_case_id=c[code].id, now=at(D(2026, 10, 15), 9)
            )
        handling.decide(
            session,
            principal=who,
            item_case_id=c[code].id,
            outcome="approve",
            opinion="同意",
            now=at(D(2026, 10, 15), 10 + hour),
        )
    with pytest.raises(DomainError):  # only the lead department closes
        results.close_stage(session, principal=zrzy, stage_case_id=sc.id)
    results.close_stage(session, principal=fgw, stage_case_id=sc.id, now=at(D(2026, 10, 16)))
    proj = session.get(Project, pid)
    assert proj.current_stage == 2 and proj.locked
    # Gross working days 28 Sep -> 16 Oct, less the days the stage stood still (every running
    # item paused, stage_clock): none — S1-06 ran through S1-05's 补正 and S1-02's expert
    # review, so the item pauses moved those items' deadlines, not the stage's.
    assert sc.paused_days == 0
    assert sc.used_days == CAL.working_days_between(D(2026, 9, 28), D(2026, 10, 16)) == 10
    # Certificates from stage 1 satisfy stage 2's need for them (material reuse).
    form2 = guide.stage_form(session, project=proj, stage_code=2)
    reused = {n.code: n.satisfied_by for n in form2.materials}
    assert reused["M011"] == "certificate"  # 建设用地规划许可证 from S1-06
    assert reused["M015"] == "in_stage"  # produced by S2-01 in the same stage
    sc2, day = run_stage(session, city, owner, pid, 2, D(2026, 10, 19))
    sc5, _ = run_stage(session, city, owner, pid, 5, day)  # parallel items alongside
    assert sc5.status == "closed"
    sc3, day = run_stage(session, city, owner, pid, 3, day)
    assert guide.stage_form(session, project=proj, stage_code=4).materials
    sc4, day = run_stage(session, city, owner, pid, 4, day)
    session.refresh(proj)
    assert proj.completed_at is not None
    expected = sum(s.used_days for s in (sc, sc2, sc3, sc4))
    assert proj.used_days == expected > 0
    assert proj.used_days <= case_clock.project_target(session, project=proj)
    # Results: a document per approval, certificates for permits with unique numbers.
    docs = session.exec(select(ApprovalDocument)).all()
    certs = session.exec(select(Certificate).where(Certificate.project_id == pid)).all()
    assert len({c.cert_no for c in certs}) == len(certs) >= 5
    assert len(docs) >= 20
    assert results.verify_certificate(session, token=certs[0].verify_token).valid is True
    # The applicant was told of every decision, in the inbox and by SMS.
    notes = session.exec(
        select(Notification).where(Notification.company_id == proj.company_id)
    ).all()
    assert {
        "notify.received",
        "notify.accepted",
        "notify.supplement",
        "notify.approved",
        "notify.special",
        "notify.stage_closed",
    } <= {n.key for n in notes}
    assert session.exec(select(SmsOutbox)).first() is not None
    # History: every item case has its full trail, in order, with server times.
    trail = session.exec(
        select(CaseEvent.status)
        .where(CaseEvent.item_case_id == c["S1-05"].id)
        .order_by(CaseEvent.id)
    ).all()
    assert trail == [1, 3, 8, 6, 7, 11]


def test_social_investment_with_commitment_and_deferred_materials(session: Session) -> None:
    city = city_staff(session, "360700")
    owner = applicant(session, "360702")
    pid = project(session, owner, ptype=3, region="360702", attributes={"filing_only": True})
    day = D(2026, 3, 2)
    uploads = upload_missing(session, owner, pid, 1, skip={"M010"})  # deferrable contract
    with pytest.raises(DomainError) as err:  # owing it needs the applicant's word
        filing.submit_stage_application(
            session, principal=owner, project_id=pid, stage_code=1, uploads=uploads, now=at(day, 9)
        )
    assert (err.value.key, err.value.params["codes"]) == ("apply.confirm_owed", "M010")
    key_missing = {k: v for k, v in uploads.items() if k != "M002"}  # 营业执照: never owed
    with pytest.raises(DomainError) as err:
        filing.submit_stage_application(
            session,
            principal=owner,
            project_id=pid,
            stage_code=1,
            uploads=key_missing,
            owed=["M010", "M002"],
            now=at(day, 9),
        )
    assert (err.value.key, err.value.params["codes"]) == ("apply.missing_key", "M002")
    assert session.exec(select(StageCase).where(StageCase.project_id == pid)).all() == []
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        uploads=uploads,
        owed=["M010"],
        now=at(day, 9),
    )
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 10))
    with pytest.raises(DomainError) as err:
        intake.accept_case(session, principal=city.window, stage_case_id=sc.id, now=at(day))
    assert err.value.key == "intake.incomplete" and "M010" in err.value.params["codes"]
    intake.accept_case(
        session,
        principal=city.window,
        stage_case_id=sc.id,
        owed={"M010": D(2026, 3, 20)},
        now=at(day, 11),
    )
    c = cases_by_code(session, sc.id)
    assert set(c) == {"S1-04", "S1-06"}
    fgw = city.approvers["fgw"]
    handling.start_handling(session, principal=fgw, item_case_id=c["S1-04"].id, now=at(day, 14))
    handling.decide(
        session,
        principal=fgw,
        item_case_id=c["S1-04"].id,
        outcome="approve",
        opinion="告知承诺办结",
        on_commitment=True,
        now=at(day, 15),
    )
    task = session.exec(
        select(PostCheckTask).where(PostCheckTask.item_case_id == c["S1-04"].id)
    ).one()
    assert task.status == "open" and task.due_date == next_wd(day, 20)
    zrzy = city.approvers["zrzy"]
    with pytest.raises(DomainError) as err:
        handling.decide(
            session,
            principal=zrzy,
            item_case_id=c["S1-06"].id,
            outcome="approve",
            opinion="x",
            on_commitment=True,
        )
    handling.start_handling(session, principal=zrzy, item_case_id=c["S1-06"].id, now=at(day, 14))
    handling.decide(
        session,
        principal=zrzy,
        item_case_id=c["S1-06"].id,
        outcome="approve_owed",
        opinion="容缺通过",
        owed=["M010"],
        now=at(day, 16),
    )
    assert c["S1-06"].status == Blzt.APPROVED_OWED
    results.close_stage(session, principal=fgw, stage_case_id=sc.id, now=at(next_wd(day)))
    # The commitment proves false: post-check records it and the head revokes.
    handling.record_post_check(
        session, principal=fgw, task_id=task.id, truthful=False, note="现场核查与承诺不符"
    )
    with pytest.raises(DomainError):
        handling.revoke(session, principal=fgw, item_case_id=c["S1-04"].id, reason="承诺不实")
    handling.revoke(
        session, principal=city.heads["fgw"], item_case_id=c["S1-04"].id, reason="承诺不实"
    )
    assert c["S1-04"].status == Blzt.REVOKED
    day = next_wd(day, 2)
    for stage in (2, 5, 3, 4):
        _sc, day = run_stage(session, city, owner, pid, stage, day)
    proj = session.get(Project, pid)
    assert proj.completed_at is not None and proj.current_stage == 4


def test_refused_prerequisite_blocks_dependent(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=1)
    day = D(2026, 6, 1)
    sc = file_and_accept(session, city, owner, pid, 1, day=day)
    c = cases_by_code(session, sc.id)
    fgw = city.approvers["fgw"]
    handling.start_handling(session, principal=fgw, item_case_id=c["S1-01"].id, now=at(day, 14))
    with pytest.raises(DomainError) as err:
        handling.decide(
            session, principal=fgw, item_case_id=c["S1-01"].id, outcome="refuse", opinion="  "
        )
    assert err.value.key == "case.opinion_required"
    handling.decide(
        session,
        principal=fgw,
        item_case_id=c["S1-01"].id,
        outcome="refuse",
        opinion="不符合国土空间规划",
        now=at(day, 15),
    )
    assert c["S1-02"].blocked_reason == "S1-01" and c["S1-02"].due_date is None
    with pytest.raises(DomainError) as err:
        handling.start_handling(session, principal=fgw, item_case_id=c["S1-02"].id)
    handling.decide(
        session,
        principal=fgw,
        item_case_id=c["S1-02"].id,
        outcome="refuse",
        opinion="前置事项未通过",
        now=at(day, 16),
    )
    assert c["S1-02"].status == Blzt.REFUSED


def test_withdrawal_before_and_after_acceptance(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    day = D(2026, 5, 11)
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        uploads=upload_missing(session, owner, pid, 1),
        now=at(day, 9),
    )
    filing.withdraw_application(session, principal=owner, stage_case_id=sc.id, reason="信息有误")
    assert {c.status for c in cases_by_code(session, sc.id).values()} == {Blzt.WITHDRAWN_BEFORE}
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        uploads=upload_missing(session, owner, pid, 1),
        now=at(day, 10),
    )
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 10))
    intake.accept_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 11))
    filing.withdraw_application(session, principal=owner, stage_case_id=sc.id, reason="暂缓建设")
    assert {c.status for c in cases_by_code(session, sc.id).values()} == {Blzt.WITHDRAWN}


def test_intake_refusal_and_supplement_notice(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    day = D(2026, 5, 11)
    with pytest.raises(DomainError) as err:  # nothing uploaded: nothing is submitted
        filing.submit_stage_application(
            session, principal=owner, project_id=pid, stage_code=1, uploads={}, now=at(day, 9)
        )
    assert err.value.key == "apply.missing_key" and "M001" in err.value.params["codes"]
    sc = file_stage(session, owner, pid, 1, day=day)
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 10))
    assert intake.completeness(session, stage_case_id=sc.id) == []
    # the window finds three of the uploads wanting: one notice names them all (一次性告知)
    wanting = ["M001", "M002", "M007"]
    notice = supplements.request_intake_supplement(
        session,
        principal=city.window,
        stage_case_id=sc.id,
        materials=[{"code": code, "remark": "材料不规范"} for code in wanting],
        remarks="请一次补齐",
    )
    assert len(notice.materials) == len(wanting)
    uploads = {
        code: files.store_file(session, principal=owner, filename=f"{code}.pdf", content=pdf()).id
        for code in wanting
    }
    supplements.supply_supplement(
        session, principal=owner, notice_id=notice.id, uploads=uploads, now=at(day, 15)
    )
    assert intake.completeness(session, stage_case_id=sc.id) == []
    intake.refuse_intake(
        session,
        principal=city.window,
        stage_case_id=sc.id,
        formal=True,
        reason="项目不属于本级审批权限",
        now=at(day, 16),
    )
    assert {c.status for c in cases_by_code(session, sc.id).values()} == {Blzt.REFUSED_INTAKE}
    assert sc.status == "refused"


def test_core_reads_see_this_units_pending_changes(session: Session) -> None:
    """A material attached through the session but not yet written out still counts for the
    completeness check in the same unit of work (as an ORM query's autoflush would see it)."""
    from eap.models import StageMaterial

    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    sc = file_stage(session, owner, pid, 1, day=D(2026, 5, 11))
    assert intake.completeness(session, stage_case_id=sc.id) == []
    m001 = next(
        m
        for m in guide.stage_form(
            session, project=session.get(Project, pid), stage_code=1
        ).materials
        if m.code == "M001"
    )  # type: ignore[arg-type]
    row = session.exec(
        select(StageMaterial).where(
            StageMaterial.stage_case_id == sc.id, StageMaterial.material_id == m001.material_id
        )
    ).one()
    row.file_id = None  # the window struck the file off; pending: not flushed yet
    session.add(row)
    assert "M001" in {m.code for m in intake.completeness(session, stage_case_id=sc.id)}
