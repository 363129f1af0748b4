"""审批省级监管中心 (issue 12, item 5): every city's data freshness, limit compliance and the
reform's indicators for a month, and the monthly 通报 as PDF and Excel (the download route is
authorised and audited)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from eap.errors import DomainError, PermissionDenied
from eap.models import AuditLog, User
from eap.services.admin import accounts
from eap.services.core.clock import CHINA_TZ, today_in_china
from eap.services.screen import bulletin, centre
from tests.factories import _user, applicant, city_staff, file_and_accept, project

MONTH_DAY = dt.date(2025, 3, 4)  # a quiet month of the test database: only this test's cases
NOW = dt.datetime(2025, 3, 20, 10, 0, tzinfo=CHINA_TZ)


def test_who_may_open_the_centre(session: Session) -> None:
    for who in (
        _user(session, "leader", region_code="360100"),
        _user(session, "supervisor", region_code="360100"),
        applicant(session),
    ):
        with pytest.raises(PermissionDenied):
            centre.centre_view(session, principal=who, now=NOW)
    leader = _user(session, "leader", region_code="360000")
    supervisor = _user(session, "supervisor", region_code="360000")
    for who in (leader, supervisor):
        view = centre.centre_view(session, principal=who, now=NOW)
        assert view.month == "2025-02" and len(view.cities) >= 11  # the month before, by default
    for bad, key in (("2025-13", "centre.month_format"), ("March", "centre.month_format")):
        with pytest.raises(DomainError) as err:
            centre.centre_view(session, principal=leader, month=bad, now=NOW)
        assert (err.value.key, err.value.field) == (key, "month")
    with pytest.raises(DomainError) as err:
        centre.centre_view(session, principal=leader, month="2025-04", now=NOW)
    assert err.value.key == "centre.month_future"


def test_freshness_and_the_reform_indicators(session: Session) -> None:
    nc, owner = city_staff(session), applicant(session)
    pid = project(session, owner)
    sc = file_and_accept(session, nc, owner, pid, 1, day=MONTH_DAY)
    leader = _user(session, "leader", region_code="360000")
    view = centre.centre_view(session, principal=leader, month="2025-03", now=NOW)
    by_code = {r.code: r for r in view.cities}
    nanchang = by_code["360100"]
    assert nanchang.last_event.startswith("2025-03-04") and nanchang.silent_days == 12
    assert nanchang.silent  # 12 working days without data, the threshold is 3
    fresh = centre.centre_view(
        session, principal=leader, month="2025-03", now=dt.datetime(2025, 3, 5, 9, tzinfo=CHINA_TZ)
    )
    assert not {r.code: r for r in fresh.cities}["360100"].silent
    # one application accepted in March, its items and materials counted
    from eap.models import ItemCase, StageMaterial

    items = len(session.exec(select(ItemCase).where(ItemCase.stage_case_id == sc.id)).all())
    materials = len(
        session.exec(select(StageMaterial).where(StageMaterial.stage_case_id == sc.id)).all()
    )
    assert nanchang.applications == 1
    assert nanchang.items_per_application == items and items > 0
    assert nanchang.materials_per_application == materials
    assert nanchang.owed_pct == 0.0
    assert view.province.applications >= 1
    assert view.silent_cities == sum(r.silent for r in view.cities) >= 1


def test_the_monthly_bulletin(session: Session) -> None:
    nc, owner = city_staff(session), applicant(session)
    file_and_accept(session, nc, owner, project(session, owner), 1, day=MONTH_DAY)
    leader = _user(session, "leader", region_code="360000")
    view = centre.centre_view(session, principal=leader, month="2025-03", now=NOW)
    pdf = bulletin.bulletin_pdf(view, lang="zh")
    # the CJK font is embedded as two-byte glyphs: the extracted text carries NULs between them
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\x00", "")
    assert "月度通报（2025-03）" in text and "南昌市" in text
    assert "数据报送提醒" in text  # the silent cities are named
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 2  # the two charts, as images
    book = load_workbook(io.BytesIO(bulletin.bulletin_xlsx(view, lang="en")))
    cities = book.worksheets[0]
    assert cities["A1"].value.startswith("Jiangxi") and cities["A3"].value == "City"
    names = [c.value for c in cities["A"][3:]]
    assert any(str(n).startswith("南昌市") for n in names) and names[-1] == "江西省"
    silent_row = next(r for r in cities.iter_rows(min_row=4) if "No data" in str(r[0].value))
    assert silent_row[0].fill.fgColor.rgb.endswith("FFE0E0")
    assert book.worksheets[1]["A1"].value == "Process type"


def test_the_download_route_is_authorised_and_audited(engine: Engine) -> None:
    from eap.api import api

    with Session(engine) as s:
        leader = _user(s, "leader", region_code="360000")
        city = _user(s, "leader", region_code="360100")
        tokens = {}
        for key, p in (("leader", leader), ("city", city)):
            user = s.get(User, p.user_id)
            assert user is not None
            user.password_hash = accounts.hash_password("Pass#word1")
            s.add(user)
            s.commit()
            tokens[key] = accounts.login(s, username=user.username, password="Pass#word1").token
        s.commit()
    client = TestClient(api)
    assert client.get("/centre/bulletin.pdf").status_code == 401
    ok = client.get("/centre/bulletin.pdf?month=2025-03", cookies={"eap_session": tokens["leader"]})
    assert ok.status_code == 200 and ok.content.startswith(b"%PDF")
    assert ok.headers["cache-control"] == "private, no-store"
    xlsx = client.get("/centre/bulletin.xlsx", cookies={"eap_session": tokens["leader"]})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    denied = client.get("/centre/bulletin.pdf", cookies={"eap_session": tokens["city"]})
    assert denied.status_code == 403
    bad = client.get(
        "/centre/bulletin.pdf?month=2025-3x", cookies={"eap_session": tokens["leader"]}
    )
    assert bad.status_code == 400 and "YYYY-MM" in bad.text
    with Session(engine) as s:
        audited = s.exec(
            select(AuditLog)
            .where(AuditLog.actor_id == leader.user_id, AuditLog.action == "centre.bulletin")
            .order_by(col(AuditLog.id))
        ).all()
    assert [a.entity_id for a in audited] == ["2025-03", centre.previous_month(today_in_china())]
