"""Counter intake (窗口代录, SLFS = 1; issue 17 item 4, eap/services/approval/counter.py): the
window registers a walk-in company and its project, scans the materials, files the one form on
its behalf; the case is received at once, flows like an online one, reports SLFS = 1 and has a
receipt for the applicant to sign. The company may later take its account over online."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlmodel import Session, col, select

from eap.demo.seed import make_uscc
from eap.errors import DomainError, PermissionDenied
from eap.models import AuditLog, Company, SmsOutbox, StageCase
from eap.models.cases import Blzt
from eap.models.projects import ProjectCreate
from eap.services.approval import counter, documents, intake
from eap.services.exchange.approval_tables import item_case_rows
from eap.services.hall import registration
from eap.services.hall.registration import Registration
from tests.factories import _rng, applicant, at, city_staff, pdf, sms_ids_to

DAY = dt.date(2026, 3, 2)  # a Monday
PHONE = "13911112222"


def _walk_in(session: Session, city):  # type: ignore[no-untyped-def]
    uscc = make_uscc(_rng, "360102")
    assert counter.find_walk_in(session, principal=city.window, uscc=uscc) is None
    return counter.register_walk_in(
        session,
        principal=city.window,
        uscc=uscc,
        name="洪都建设有限公司",
        legal_rep="赵六",
        phone=PHONE,
        region_code="360102",
    )


def _project(session: Session, city, company_id: int, region: str = "360102") -> int:  # type: ignore[no-untyped-def]
    n = _rng.randint(100000, 999999)
    return (
        counter.register_walk_in_project(
            session,
            principal=city.window,
            company_id=company_id,
            data=ProjectCreate(
                project_code=f"2026-{region}-47-01-{n:06d}",
                name=f"洪都小区{n}号楼",
                region_code=region,
                location="南昌市东湖区洪都大道",
                total_investment=8000,
                process_type=3,
                attributes={"filing_only": True},
            ),
        ).id
        or 0
    )


def _scan_all(session: Session, city, pid: int, stage: int = 1) -> dict[str, int]:  # type: ignore[no-untyped-def]
    form = counter.counter_form(session, principal=city.window, project_id=pid, stage_code=stage)
    return {
        n.code: counter.scan_material(
            session,
            principal=city.window,
            project_id=pid,
            filename=f"{n.code}.pdf",
            content=pdf() + n.code.encode(),
        ).id
        or 0
        for n in form.materials
        if not n.satisfied_by
    }


def test_a_walk_in_company_is_registered_with_its_project(session: Session) -> None:
    city = city_staff(session)
    walk_in = _walk_in(session, city)
    assert walk_in.projects == [] and walk_in.phone != PHONE and walk_in.phone.endswith("2222")
    # Found again by its USCC; refused a second time; a wrong USCC is refused beside the field.
    assert counter.find_walk_in(session, principal=city.window, uscc=walk_in.uscc) == walk_in
    with pytest.raises(DomainError, match="register.uscc_taken"):
        counter.register_walk_in(
            session,
            principal=city.window,
            uscc=walk_in.uscc,
            name="x",
            legal_rep="y",
            phone=PHONE,
            region_code="360102",
        )
    with pytest.raises(DomainError) as bad:
        counter.find_walk_in(session, principal=city.window, uscc="91360100ABC")
    assert bad.value.field == "uscc"
    # 南昌's window registers neither a company nor a project in 赣州.
    with pytest.raises(DomainError) as elsewhere:
        _project(session, city, walk_in.company_id, region="360702")
    assert elsewhere.value.field == "region_code"
    pid = _project(session, city, walk_in.company_id)
    again = counter.find_walk_in(session, principal=city.window, uscc=walk_in.uscc)
    assert again is not None and [p.id for p in again.projects] == [pid]
    # An applicant cannot use the counter.
    with pytest.raises(PermissionDenied):
        counter.find_walk_in(session, principal=applicant(session), uscc=walk_in.uscc)


def test_filed_at_the_counter_received_at_once_and_reported_slfs_1(session: Session) -> None:
    city = city_staff(session)
    walk_in = _walk_in(session, city)
    pid = _project(session, city, walk_in.company_id)
    scans = _scan_all(session, city, pid)
    # The scans are the company's files, not the clerk's.
    assert {files_row.company_id for files_row in map(_file(session), scans.values())} == {
        walk_in.company_id
    }
    # Another city's window sees nothing of the project.
    gz = city_staff(session, "360700")
    with pytest.raises(PermissionDenied):
        counter.file_at_counter(
            session, principal=gz.window, project_id=pid, stage_code=1, uploads=scans
        )
    sc = counter.file_at_counter(
        session,
        principal=city.window,
        project_id=pid,
        stage_code=1,
        uploads=scans,
        now=at(DAY, 9),
    )
    assert (sc.channel, sc.status, sc.submitted_by) == (1, "received", city.window.user_id)
    # From here it flows like an online application: the window accepts it.
    intake.accept_case(session, principal=city.window, stage_case_id=sc.id or 0, now=at(DAY, 10))
    stage = session.get(StageCase, sc.id)
    assert stage is not None and stage.status == "accepted"
    rows = [r.fields for r in item_case_rows(session, None) if r.fields["BLSPSLBM"] == sc.case_no]
    assert rows and {r["SLFS"] for r in rows} == {1}
    assert all(r["BLZT"] == Blzt.ACCEPTED for r in rows)
    audit = session.exec(
        select(AuditLog).where(
            AuditLog.action == "case.counter_intake", AuditLog.entity_id == str(sc.id)
        )
    ).one()
    assert audit.actor_id == city.window.user_id
    # What was taken in is in the company's library for its next application.
    second = _project(session, city, walk_in.company_id)
    form = counter.counter_form(session, principal=city.window, project_id=second, stage_code=1)
    assert {n.code: n.satisfied_by for n in form.materials}.get("M002") == "library"


def _file(session: Session):  # type: ignore[no-untyped-def]
    from eap.models import StoredFile

    return lambda file_id: session.get(StoredFile, file_id)


def test_the_receipt_lists_what_was_taken_in(session: Session) -> None:
    city = city_staff(session)
    walk_in = _walk_in(session, city)
    pid = _project(session, city, walk_in.company_id)
    sc = counter.file_at_counter(
        session,
        principal=city.window,
        project_id=pid,
        stage_code=1,
        uploads=_scan_all(session, city, pid),
        now=at(DAY, 9),
    )
    data = documents.receipt_pdf(session, principal=city.window, stage_case_id=sc.id or 0)
    pages = PdfReader(io.BytesIO(data)).pages
    text = "".join(p.extract_text() for p in pages).replace("\x00", "")  # CJK font padding
    assert "收件回执（窗口代录）" in text and sc.case_no in text and walk_in.uscc in text
    assert "M002" in text and "签字" in text
    # Received at 09:00 Beijing time, printed in Beijing time whatever the database hands back.
    assert "2026-03-02 09:00" in text
    gz = city_staff(session, "360700")
    with pytest.raises(PermissionDenied):
        documents.receipt_pdf(session, principal=gz.window, stage_case_id=sc.id or 0)


def _code(session: Session, phone: str) -> str:
    sms = session.exec(
        select(SmsOutbox)
        .where(col(SmsOutbox.id).in_(sms_ids_to(session, phone)))
        .order_by(col(SmsOutbox.id).desc())
    ).first()
    assert sms is not None
    match = re.search(r"\b(\d{6})\b", sms.text)
    assert match
    return match.group(1)


def _sign_up(session: Session, uscc: str, phone: str, username: str, hour: int):  # type: ignore[no-untyped-def]
    now = at(DAY, hour)  # an hour apart: a phone waits between codes
    registration.send_code(session, phone=phone, now=now)
    form = Registration(
        kind="company",
        uscc=uscc,
        name="洪都建设有限公司",
        legal_rep="赵六",
        region_code="360102",
        display_name="赵六",
        phone=phone,
        username=username,
        password="Strong#2026",
        password2="Strong#2026",
        code=_code(session, phone),
    )
    return registration.register_applicant(session, data=form, now=now)


def test_the_walk_in_company_takes_its_account_over_online(session: Session) -> None:
    city = city_staff(session)
    walk_in = _walk_in(session, city)
    # Someone else's phone does not take it over: the USCC is taken.
    stranger = _sign_up(session, walk_in.uscc, "13911113333", "hongdu_x", 11)
    assert stranger.error is not None and stranger.error.key == "register.uscc_taken"
    # The phone given at the counter does; the company is the same row, not a second one.
    owner = _sign_up(session, walk_in.uscc, PHONE, "hongdu01", 12)
    assert owner.error is None and owner.user is not None
    assert owner.user.company_id == walk_in.company_id
    assert len(session.exec(select(Company).where(Company.uscc == walk_in.uscc)).all()) == 1
    # Once it has an account, the same phone cannot claim it again.
    again = _sign_up(session, walk_in.uscc, PHONE, "hongdu02", 14)
    assert again.error is not None and again.error.key == "register.uscc_taken"
