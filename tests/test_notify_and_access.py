"""SMS delivery through a real HTTP gateway on 127.0.0.1, and access rules on cases and files."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from eap.errors import DomainError, PermissionDenied
from eap.models import SmsOutbox
from eap.services.approval import filing, handling, intake, results
from eap.services.core import files, notify
from eap.services.hall import projects
from tests.factories import applicant, at, cases_by_code, city_staff, project, upload_missing
from tests.fakes import Gateway

D = dt.date


def test_sms_delivered_through_http_gateway_with_retry(engine: Engine, gateway: str) -> None:
    with Session(engine) as s:
        for row in s.exec(select(SmsOutbox).where(SmsOutbox.status == "pending")):
            row.status = "sent"  # earlier tests' messages are not this test's business
            s.add(row)
        city = city_staff(s)
        owner = applicant(s)
        pid = project(s, owner, ptype=4)
        sc = filing.submit_stage_application(
            s,
            principal=owner,
            project_id=pid,
            stage_code=1,
            uploads=upload_missing(s, owner, pid, 1),
        )
        intake.receive_case(s, principal=city.window, stage_case_id=sc.id)
        intake.accept_case(s, principal=city.window, stage_case_id=sc.id)
        s.commit()
        Gateway.fail_next = 1
        first = notify.deliver_sms(s, gateway_url=gateway)
        assert first == {"sent": 1, "failed": 1}
        second = notify.deliver_sms(s, gateway_url=gateway)
        assert second == {"sent": 1, "failed": 0}
        assert notify.deliver_sms(s, gateway_url=gateway) == {"sent": 0, "failed": 0}
    texts = [m["text"] for m in Gateway.received]
    assert len(texts) == 2 and all(m["phone"] == "13912345678" for m in Gateway.received)
    assert any("已接件" in t for t in texts) and any("已受理" in t for t in texts)


def test_default_gateway_records_locally(session: Session) -> None:
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    from eap.models import Project

    notify.notify_applicant(
        session,
        project=session.get(Project, pid),
        key="notify.received",
        now=at(D(2026, 4, 1)),
        case_no="X1",
    )
    session.flush()
    sent = notify.deliver_sms(session, gateway_url="")
    assert sent["sent"] >= 1
    assert session.exec(select(SmsOutbox).where(SmsOutbox.status == "pending")).first() is None


def _accepted_case(session: Session):  # type: ignore[no-untyped-def]
    nc = city_staff(session, "360100")
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        uploads=upload_missing(session, owner, pid, 1),
    )
    intake.receive_case(session, principal=nc.window, stage_case_id=sc.id)
    intake.accept_case(session, principal=nc.window, stage_case_id=sc.id)
    return nc, owner, pid, sc, cases_by_code(session, sc.id)


def test_staff_act_only_in_their_region_and_department(session: Session) -> None:
    nc, owner, pid, sc, c = _accepted_case(session)
    gz = city_staff(session, "360700")
    stranger = applicant(session)
    case = c["S1-04"]  # an fgw item in Nanchang
    denied = [
        lambda: handling.start_handling(
            session, principal=gz.approvers["fgw"], item_case_id=case.id
        ),  # other city, same kind
        lambda: handling.start_handling(
            session, principal=nc.approvers["zrzy"], item_case_id=case.id
        ),  # same city, other department
        lambda: handling.start_handling(session, principal=nc.window, item_case_id=case.id),
        lambda: handling.start_handling(session, principal=owner, item_case_id=case.id),
        lambda: intake.receive_case(session, principal=gz.window, stage_case_id=sc.id),
        lambda: filing.withdraw_application(
            session, principal=stranger, stage_case_id=sc.id, reason="x"
        ),
        lambda: results.close_stage(session, principal=gz.approvers["fgw"], stage_case_id=sc.id),
        lambda: handling.revoke(
            session, principal=nc.approvers["fgw"], item_case_id=case.id, reason="x"
        ),
        lambda: projects.get_project(session, principal=stranger, project_id=pid),
        lambda: projects.get_project(session, principal=gz.approvers["zj"], project_id=pid),
    ]
    for attempt in denied:
        with pytest.raises(PermissionDenied):
            attempt()
    assert case.status == 3
    handling.start_handling(session, principal=nc.approvers["fgw"], item_case_id=case.id)
    assert projects.get_project(session, principal=nc.approvers["zj"], project_id=pid)


def test_materials_are_served_only_to_those_entitled(session: Session) -> None:
    nc, owner, pid, sc, c = _accepted_case(session)
    gz = city_staff(session, "360700")
    from eap.models import StageMaterial

    sm = session.exec(
        select(StageMaterial).where(
            StageMaterial.stage_case_id == sc.id, StageMaterial.file_id.is_not(None)
        )
    ).first()
    assert sm is not None
    _f, data = files.read_file(session, principal=owner, file_id=sm.file_id)
    assert data.startswith(b"%PDF")
    assert files.read_file(session, principal=nc.window, file_id=sm.file_id)
    assert files.read_file(session, principal=nc.approvers["fgw"], file_id=sm.file_id)
    for outsider in (gz.window, gz.approvers["fgw"], applicant(session), nc.approvers["jt"]):
        with pytest.raises(PermissionDenied):
            files.read_file(session, principal=outsider, file_id=sm.file_id)


@pytest.mark.parametrize(
    ("name", "content", "key"),
    [
        ("a.pdf", b"", "file.empty"),
        ("a.exe", b"MZ\x90\x00", "file.type"),
        ("big.pdf", b"%PDF-" + b"0" * (20 * 2**20), "file.too_big"),
    ],
)
def test_bad_uploads_refused(session: Session, name: str, content: bytes, key: str) -> None:
    owner = applicant(session)
    with pytest.raises(DomainError) as err:
        files.store_file(session, principal=owner, filename=name, content=content)
    assert err.value.key == key


def test_project_rules(session: Session) -> None:
    owner = applicant(session)
    pid = project(session, owner, ptype=3)
    from eap.models import Project
    from eap.models.projects import ProjectCreate

    code = session.get(Project, pid).project_code
    dup = ProjectCreate(
        project_code=code,
        name="重复",
        region_code="360102",
        location="东湖区",
        total_investment=1,
        process_type=3,
    )
    with pytest.raises(DomainError) as err:
        projects.register_project(session, principal=applicant(session), data=dup)
    assert err.value.key == "project.code_taken"
    bad = dup.model_copy(update={"project_code": "2026-360102-47-01"})
    with pytest.raises(DomainError) as err:
        projects.register_project(session, principal=owner, data=bad)
    assert err.value.key == "project_code.format"
    projects.update_project(session, principal=owner, project_id=pid, changes={"name": "新名称"})
    assert session.get(Project, pid).name == "新名称"
    city = city_staff(session)
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        answers={"filing_only": True},
        uploads=upload_missing(session, owner, pid, 1, answers={"filing_only": True}),
    )
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id)
    intake.accept_case(
        session, principal=city.window, stage_case_id=sc.id, owed={"M010": D(2099, 1, 1)}
    )
    with pytest.raises(DomainError) as err:
        projects.update_project(session, principal=owner, project_id=pid, changes={"name": "再改"})
    assert err.value.key == "project.locked"
    with pytest.raises(DomainError) as err:
        filing.submit_stage_application(session, principal=owner, project_id=pid, stage_code=2)
    assert err.value.key == "intake.stage_not_open"
