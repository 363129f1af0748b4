"""Drafts and the questionnaire, appointments, consultations and complaints, blank templates."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import (
    Appointment,
    AppointmentSlot,
    ApprovalDocument,
    Certificate,
    Department,
    Inquiry,
    Notification,
    Project,
)
from eap.models.cases import Blzt
from eap.services.approval import case_store, intake, supplements
from eap.services.core import files
from eap.services.hall import appointments, drafts, hall, inquiries, templates
from eap.services.hall.rows import HallStage, ProjectChoice
from tests.factories import (
    _user,
    applicant,
    at,
    city_staff,
    file_and_accept,
    file_stage,
    pdf,
    project,
    run_stage,
)

MONDAY = dt.date(2026, 11, 30)


def test_questionnaire_answers_decide_the_items_and_drafts_resume(session: Session) -> None:
    owner = applicant(session)
    pid = project(session, owner, ptype=1)
    form = hall.apply_form(session, principal=owner, project_id=pid, stage_code=3)
    asked = {q.key: q.value for q in form.questions}
    assert set(asked) == {"civil_air_defence", "night_work"}
    assert not any(i.code == "S3-03" for i in form.form_items)
    templates_offered = {m.code: m.template for m in form.materials if m.template}
    assert templates_offered.get("M001") == "/templates/M001.pdf"
    yes = hall.apply_form(
        session, principal=owner, project_id=pid, stage_code=3, answers={"civil_air_defence": True}
    )
    assert any(i.code == "S3-03" for i in yes.form_items)
    assert any(m.code == "M023" for m in yes.materials)

    stored = files.store_file(session, principal=owner, filename="a.pdf", content=pdf())
    drafts.save_draft(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        answers={"covers_minerals": True},
        uploads={"M004": stored.id or 0},
    )
    draft = drafts.load_draft(session, principal=owner, project_id=pid, stage_code=1)
    assert draft is not None
    assert draft["answers"] == {"covers_minerals": True}
    assert draft["uploads"] == {"M004": stored.id} and draft["names"] == {"M004": "a.pdf"}
    other = applicant(session)
    with pytest.raises(PermissionDenied):
        drafts.load_draft(session, principal=other, project_id=pid, stage_code=1)
    foreign = files.store_file(session, principal=other, filename="b.pdf", content=pdf())
    with pytest.raises(PermissionDenied):
        drafts.save_draft(
            session,
            principal=owner,
            project_id=pid,
            stage_code=1,
            answers={},
            uploads={"M004": foreign.id or 0},
        )
    # submitting the stage removes the draft
    from tests.factories import file_stage

    sc = file_stage(session, owner, pid, 1, day=MONDAY, answers={"covers_minerals": True})
    assert sc.answers["covers_minerals"] is True
    assert drafts.load_draft(session, principal=owner, project_id=pid, stage_code=1) is None


def _office(session: Session, region: str = "360100") -> Department:
    return session.exec(
        select(Department).where(Department.region_code == region, Department.kind == "window")
    ).one()


def test_slots_follow_office_hours_on_working_days(session: Session) -> None:
    office = _office(session)
    now = at(MONDAY, 8)
    days = appointments.bookable_days(session, now=now)
    assert days[0] == MONDAY and all(d.weekday() < 5 for d in days[:5])
    slots = appointments.day_slots(session, department_id=office.id or 0, day=MONDAY, now=now)
    assert [s.start for s in slots][:2] == ["09:00", "09:30"]
    assert "12:00" not in [s.start for s in slots] and slots[-1].end == "17:00"
    assert len(slots) == 13
    later = appointments.day_slots(
        session, department_id=office.id or 0, day=MONDAY, now=at(MONDAY, 14)
    )
    assert [s.start for s in later][0] == "14:30"  # what has started is not offered
    with pytest.raises(DomainError):
        appointments.day_slots(
            session, department_id=office.id or 0, day=dt.date(2026, 12, 5), now=now
        )  # a Saturday


def test_booking_capacity_double_booking_cancel_cutoff_and_check_in(session: Session) -> None:
    city = city_staff(session)
    office = _office(session)
    now = at(MONDAY, 8)
    slot = appointments.day_slots(session, department_id=office.id or 0, day=MONDAY, now=now)[3]
    owners = [applicant(session) for _ in range(4)]
    booked = [
        appointments.book(session, principal=o, slot_id=slot.id or 0, topic="咨询", now=now)
        for o in owners[:3]
    ]
    assert len({b.ticket for b in booked}) == 3
    with pytest.raises(DomainError) as exc:
        appointments.book(session, principal=owners[3], slot_id=slot.id or 0, now=now)
    assert exc.value.key == "appointment.full"
    other = appointments.day_slots(session, department_id=office.id or 0, day=MONDAY, now=now)[5]
    with pytest.raises(DomainError) as exc:
        appointments.book(session, principal=owners[0], slot_id=other.id or 0, now=now)
    assert exc.value.key == "appointment.double"
    session.refresh(other)
    assert other.booked == 0  # the refused booking gave its place back
    # slot[3] starts 10:30; cancelling at 9:00 is inside the 2-hour cut-off
    with pytest.raises(DomainError) as exc:
        appointments.cancel(
            session, principal=owners[1], appointment_id=booked[1].id or 0, now=at(MONDAY, 9)
        )
    assert exc.value.key == "appointment.cutoff"
    appointments.cancel(session, principal=owners[1], appointment_id=booked[1].id or 0, now=now)
    session.refresh(slot)
    assert slot.booked == 2
    appointments.book(session, principal=owners[3], slot_id=slot.id or 0, now=now)
    with pytest.raises(PermissionDenied):
        appointments.cancel(session, principal=owners[3], appointment_id=booked[0].id or 0, now=now)
    confirmations = session.exec(
        select(Notification).where(
            Notification.user_id == owners[0].user_id,
            Notification.key == "notify.appointment_booked",
        )
    ).all()
    assert [c.params["ticket"] for c in confirmations] == [booked[0].ticket]
    from eap.models import SmsOutbox

    assert any(
        booked[0].ticket in m.text
        for m in session.exec(select(SmsOutbox))
        if m.phone == "13800138000"
    )
    mine = appointments.my_appointments(session, principal=owners[0], now=now)
    assert [m.ticket for m in mine] == [booked[0].ticket]
    today = appointments.todays_appointments(session, principal=city.window, now=now)
    assert len(today) == 3 and {r.status for r in today} == {"booked"}
    assert all(r.company for r in today) and not any(m.company for m in mine)
    appointments.check_in(
        session, principal=city.window, appointment_id=booked[0].id or 0, now=at(MONDAY, 10)
    )
    assert session.get(Appointment, booked[0].id).status == "checked_in"
    with pytest.raises(DomainError):
        appointments.check_in(
            session, principal=city.window, appointment_id=booked[0].id or 0, now=at(MONDAY, 10)
        )
    ganzhou = city_staff(session, "360700")
    with pytest.raises(PermissionDenied):
        appointments.check_in(
            session, principal=ganzhou.window, appointment_id=booked[2].id or 0, now=at(MONDAY, 10)
        )
    assert appointments.todays_appointments(session, principal=ganzhou.window, now=now) == []


def test_two_workers_racing_for_the_last_place_get_one_booking(engine: Engine) -> None:
    """Real threads, real commits: the guarded UPDATE lets exactly one through."""
    from eap.db import session_scope

    with session_scope() as s:
        office = _office(s, "360400")
        office.slot_capacity = 1
        s.add(office)
        s.flush()
        now = at(MONDAY, 8)
        slot_id = appointments.day_slots(s, department_id=office.id or 0, day=MONDAY, now=now)[0].id
        racers = [applicant(s, "360402") for _ in range(4)]
    results: list[str] = []
    barrier = threading.Barrier(len(racers))

    def race(p) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            with session_scope() as s:
                appointments.book(s, principal=p, slot_id=slot_id or 0, now=at(MONDAY, 8))
            results.append("ok")
        except DomainError as exc:
            results.append(exc.key)
        except Exception as exc:  # SQLite "database is locked" counts as a refusal
            results.append(type(exc).__name__)

    threads = [threading.Thread(target=race, args=(p,)) for p in racers]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results.count("ok") == 1
    with session_scope() as s:
        slot = s.get(AppointmentSlot, slot_id)
        assert slot is not None and slot.booked == 1
        rows = s.exec(select(Appointment).where(Appointment.slot_id == slot_id)).all()
        assert len(rows) == 1
        for row in rows:
            s.delete(row)
        slot.booked = 0
        office = _office(s, "360400")
        office.slot_capacity = 3


def test_consultation_and_complaint_are_routed_and_threaded(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner)
    q = inquiries.ask(
        session,
        principal=owner,
        kind="consult",
        subject="施工许可要什么材料",
        body="资金证明怎么出具？",
        item_code="S3-04",
    )
    zj = session.get(Department, q.department_id)
    assert zj is not None and zj.kind == "zj" and zj.region_code == "360100"
    # only that department sees it
    mine, total = inquiries.list_inquiries(session, principal=city.approvers["zj"])
    assert total >= 1 and q.id in {r.id for r in mine}
    theirs, _ = inquiries.list_inquiries(session, principal=city.approvers["zrzy"])
    assert q.id not in {r.id for r in theirs}
    with pytest.raises(PermissionDenied):
        inquiries.reply(session, principal=city.approvers["zrzy"], inquiry_id=q.id or 0, body="x")
    inquiries.reply(
        session,
        principal=city.approvers["zj"],
        inquiry_id=q.id or 0,
        body="由银行出具资金证明即可。",
    )
    assert session.get(Inquiry, q.id).status == "answered"
    note = session.exec(
        select(Notification).where(
            Notification.company_id == owner.company_id, Notification.key == "inquiry.replied"
        )
    ).first()
    assert note is not None
    inquiries.reply(session, principal=owner, inquiry_id=q.id or 0, body="模板在哪里下载？")
    assert session.get(Inquiry, q.id).status == "open"
    thread = inquiries.thread(session, principal=owner, inquiry_id=q.id or 0)
    assert [m.staff for m in thread] == [False, True, False]
    inquiries.close(session, principal=owner, inquiry_id=q.id or 0)
    with pytest.raises(DomainError):
        inquiries.reply(session, principal=city.approvers["zj"], inquiry_id=q.id or 0, body="x")

    sc = file_and_accept(session, city, owner, pid, 1, day=MONDAY)
    case = case_store.item_cases(session, sc.id or 0)[0]
    c = inquiries.ask(
        session,
        principal=owner,
        kind="complaint",
        subject="超期未办",
        body="已超过承诺时限",
        item_case_id=case.id,
    )
    assert c.department_id == case.department_id
    stranger = applicant(session)
    with pytest.raises(DomainError) as exc:
        inquiries.ask(
            session,
            principal=stranger,
            kind="complaint",
            subject="x",
            body="y",
            item_case_id=case.id,
        )
    assert exc.value.field == "item_case_id"
    with pytest.raises(PermissionDenied):
        inquiries.thread(session, principal=stranger, inquiry_id=c.id or 0)
    with pytest.raises(DomainError) as exc:
        inquiries.ask(
            session, principal=owner, kind="consult", subject="x", body=" ", item_code="S3-04"
        )
    assert exc.value.field == "body"


def test_blank_templates_render_with_their_fields(session: Session) -> None:
    data = templates.template_pdf(session, material_code="M045")
    assert data.startswith(b"%PDF") and len(data) > 2000
    with pytest.raises(DomainError):
        templates.template_pdf(session, material_code="M019")  # drawings have no template
    from eap.services.hall import guide_public

    items = guide_public.browse(session, text="S1-04")
    links = {m.code: m.template for m in items[0].materials}
    assert links["M007"] == "/templates/M007.pdf"


def test_check_in_and_replies_follow_scope_for_every_role(session: Session) -> None:
    """Every role tries the window's check-in and the department's reply; only the clerk of
    the booked office and the routed department (and the asker, for a follow-up) succeed."""
    from tests.factories import everyone

    nc, gz = city_staff(session, "360100"), city_staff(session, "360700")
    owner = applicant(session)
    people = everyone(session, nc, gz, owner)
    office = _office(session)
    now = at(MONDAY, 8)
    slot = appointments.day_slots(session, department_id=office.id or 0, day=MONDAY, now=now)[0]
    booking = appointments.book(session, principal=owner, slot_id=slot.id or 0, now=now)
    question = inquiries.ask(
        session,
        principal=owner,
        kind="consult",
        subject="用地规划",
        body="需要什么？",
        item_code="S1-06",
    )
    for who, principal in people.items():
        if who != "nc_window":
            with pytest.raises(PermissionDenied), session.begin_nested():
                appointments.check_in(
                    session,
                    principal=principal,
                    appointment_id=booking.id or 0,
                    now=at(MONDAY, 9),
                )
        if who not in ("nc_zrzy", "nc_zrzy_head", "owner"):
            with pytest.raises(PermissionDenied), session.begin_nested():
                inquiries.reply(
                    session, principal=principal, inquiry_id=question.id or 0, body="越权答复"
                )
    session.refresh(booking)
    assert booking.status == "booked"
    assert len(inquiries.thread(session, principal=owner, inquiry_id=question.id or 0)) == 1
    appointments.check_in(
        session, principal=people["nc_window"], appointment_id=booking.id or 0, now=at(MONDAY, 9)
    )
    inquiries.reply(
        session, principal=people["nc_zrzy"], inquiry_id=question.id or 0, body="详见办事指南"
    )
    assert session.get(Appointment, booking.id).status == "checked_in"


def test_my_projects_paginate_and_show_the_four_stage_timeline(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    ids = [project(session, owner, ptype=4) for _ in range(12)]
    assert hall.count_projects(session, principal=owner) == 12
    first = hall.my_projects(session, principal=owner, page=1, size=10)
    second = hall.my_projects(session, principal=owner, page=2, size=10)
    assert len(first) == 10 and len(second) == 2
    assert {p.id for p in first} | {p.id for p in second} == set(ids)
    file_and_accept(session, city, owner, ids[-1], 1, day=MONDAY)
    newest = hall.my_projects(session, principal=owner, page=1, size=1)[0]
    assert [(m.stage, m.state, m.status) for m in newest.timeline] == [
        (1, "current", "accepted"),
        (2, "todo", ""),
        (3, "todo", ""),
        (4, "todo", ""),
    ]
    assert newest.editable is False  # locked once accepted
    assert hall.my_projects(session, principal=owner, page=2, size=1)[0].editable is True
    (stage,) = newest.stages
    assert stage.can_withdraw
    assert not any(i.can_rate or i.rated for i in stage.item_cases)  # nothing finished yet
    assert all(i.status == Blzt.ACCEPTED and i.clock != "done" for i in stage.item_cases)


def test_my_projects_show_each_items_newest_document_and_certificate(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    sc, day = run_stage(session, city, owner, pid, 1, MONDAY)
    cases = case_store.item_cases(session, sc.id)
    issued = session.exec(
        select(ApprovalDocument).where(
            col(ApprovalDocument.item_case_id).in_([c.id for c in cases])
        )
    ).all()
    assert issued  # the stage's approvals gave documents
    first = issued[0]
    # a second document for the same item (a corrected reply), issued later: the newest shows
    newer = ApprovalDocument(
        item_case_id=first.item_case_id,
        doc_no=first.doc_no + "-更正",
        title="关于更正的批复",
        issued_on=day,
    )
    certificate = Certificate(
        cert_no="CERT-HALL-1",
        item_case_id=first.item_case_id,
        project_id=pid,
        company_id=owner.company_id or 0,
        name="建设工程规划许可证",
        issued_on=day,
        status="revoked",
        verify_token="hall-verify-1",
    )
    session.add_all([newer, certificate])
    session.flush()
    (card,) = [c for c in hall.my_projects(session, principal=owner, now=at(day)) if c.id == pid]
    shown = {i.id: i for st in card.stages for i in st.item_cases}
    item = shown[first.item_case_id]
    assert (item.doc, item.doc_title, item.doc_id) == (newer.doc_no, newer.title, newer.id)
    assert (item.cert, item.cert_name, item.cert_id, item.cert_status) == (
        "CERT-HALL-1",
        "建设工程规划许可证",
        certificate.id,
        "revoked",
    )
    for doc in issued[1:]:
        assert shown[doc.item_case_id].doc == doc.doc_no


def test_my_projects_count_open_supplement_notices_per_stage(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    sc = file_stage(session, owner, pid, 1, day=MONDAY)
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id, now=at(MONDAY, 10))

    def stage_card() -> HallStage:
        (card,) = [c for c in hall.my_projects(session, principal=owner) if c.id == pid]
        return next(st for st in card.stages if st.id == sc.id)

    assert stage_card().open_notices == 0
    supplements.request_intake_supplement(
        session,
        principal=city.window,
        stage_case_id=sc.id,
        materials=[{"code": "M001", "remark": "盖章不清"}],
        now=at(MONDAY, 11),
    )
    assert (stage_card().open_notices, stage_card().status) == (1, "supplement")


def test_the_forms_project_chooser_lists_the_companys_projects_newest_first(
    session: Session,
) -> None:
    city = city_staff(session)
    owner, other = applicant(session), applicant(session)
    older, newer = project(session, owner, ptype=4), project(session, owner, ptype=4)
    project(session, other, ptype=4)
    file_and_accept(session, city, owner, older, 1, day=MONDAY)
    assert hall.project_choices(session, principal=owner) == [
        ProjectChoice(id=newer, name=session.get(Project, newer).name, stage=1),
        ProjectChoice(id=older, name=session.get(Project, older).name, stage=1),
    ]
    assert newer not in [p.id for p in hall.project_choices(session, principal=other)]
    agent = _user(session, "agent")  # not yet authorised by any company
    assert hall.project_choices(session, principal=agent) == []
    with pytest.raises(PermissionDenied):
        hall.project_choices(session, principal=city.window)
