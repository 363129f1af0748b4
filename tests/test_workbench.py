"""Workbench read models and the authorised materials route."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from eap.errors import PermissionDenied
from eap.models import StageMaterial, User
from eap.models.cases import Blzt
from eap.services.admin import accounts
from eap.services.approval import filing, handling, intake, workbench
from tests.factories import applicant, at, cases_by_code, city_staff, project, upload_missing

D = dt.date


def _submitted(session: Session, region: str = "360100"):  # type: ignore[no-untyped-def]
    city = city_staff(session, region)
    owner = applicant(session, region[:4] + "02")
    pid = project(session, owner, ptype=1, region=region[:4] + "02")
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=pid,
        stage_code=1,
        uploads=upload_missing(session, owner, pid, 1),
        now=at(D(2026, 11, 2), 9),
    )
    return city, owner, sc


def test_window_queue_is_regional_and_oldest_first(session: Session) -> None:
    nc, _o, first = _submitted(session)
    _nc2, _o2, second = _submitted(session)
    gz, _o3, other = _submitted(session, "360700")
    rows = workbench.window_queue(session, principal=nc.window, size=500).rows
    ids = [r.id for r in rows]
    assert first.id in ids and second.id in ids and other.id not in ids
    assert ids.index(first.id) < ids.index(second.id)
    with pytest.raises(PermissionDenied):
        workbench.window_queue(session, principal=nc.approvers["zj"])
    with pytest.raises(PermissionDenied):
        workbench.stage_case_view(session, principal=gz.window, stage_case_id=first.id)
    view = workbench.stage_case_view(session, principal=nc.window, stage_case_id=first.id)
    assert {m.code for m in view.materials} >= {"M001", "M004"}
    assert all(m.present for m in view.materials if m.code == "M001")
    assert all(isinstance(m.key, bool) and isinstance(m.present, bool) for m in view.materials)


def test_department_inbox_sorted_by_deadline_with_clock_states(session: Session) -> None:
    city, _owner, sc = _submitted(session)
    intake.receive_case(
        session, principal=city.window, stage_case_id=sc.id, now=at(D(2026, 11, 2), 10)
    )
    intake.accept_case(
        session, principal=city.window, stage_case_id=sc.id, now=at(D(2026, 11, 2), 11)
    )
    zrzy = city.approvers["zrzy"]
    page = workbench.department_inbox(session, principal=zrzy, size=500, now=at(D(2026, 11, 6)))
    mine = [r for r in page.rows if r.case_no.startswith(sc.case_no)]
    assert {r.item_zh for r in mine} == {
        "建设项目用地预审与选址意见书核发",
        "建设用地规划许可证核发",
    }
    dues = [r.due for r in page.rows if r.due]
    assert dues == sorted(dues)
    s106 = next(r for r in mine if r.item_zh == "建设用地规划许可证核发")
    assert s106.due == "2026-11-09" and s106.clock == "warning"
    assert s106.status == Blzt.ACCEPTED and s106.left == 1
    assert workbench.department_inbox(session, principal=zrzy, text=sc.case_no).total == 2
    assert workbench.department_inbox(session, principal=zrzy, stage=2, text=sc.case_no).total == 0
    fgw_rows = workbench.department_inbox(
        session, principal=city.approvers["fgw"], text=sc.case_no
    ).rows
    assert {r.waiting for r in fgw_rows} == {"", "S1-01"}
    other = city_staff(session, "360700")
    assert (
        workbench.department_inbox(
            session, principal=other.approvers["zrzy"], text=sc.case_no
        ).total
        == 0
    )
    c = cases_by_code(session, sc.id)
    with pytest.raises(PermissionDenied):
        workbench.item_case_view(
            session, principal=other.approvers["zrzy"], item_case_id=c["S1-06"].id
        )
    handling.start_handling(session, principal=zrzy, item_case_id=c["S1-06"].id)
    view = workbench.item_case_view(session, principal=zrzy, item_case_id=c["S1-06"].id)
    assert [h.status for h in view.history] == [Blzt.RECEIVED, Blzt.ACCEPTED, Blzt.HANDLING]
    assert len(view.item_cases) == 4
    # The engine's rules reach the page as booleans: the item in hand is being handled.
    assert view.item.id == c["S1-06"].id and view.item.active and not view.item.finished
    others = [i for i in view.item_cases if i.id != c["S1-06"].id]
    assert all(i.status == Blzt.ACCEPTED and not i.active for i in others)
    leads = workbench.lead_stage_cases(session, principal=city.approvers["fgw"]).rows
    assert any(r.id == sc.id and r.total_items == 4 and r.done == 0 for r in leads)


def test_materials_route_checks_the_session_and_scope(engine: Engine) -> None:
    from eap.api import api

    with Session(engine) as s:
        city, owner, sc = _submitted(s, "360900")
        sm = s.exec(
            select(StageMaterial).where(
                StageMaterial.stage_case_id == sc.id, StageMaterial.file_id.is_not(None)
            )
        ).first()
        file_id = sm.file_id
        for p in (owner, city.window, city_staff(s, "361000").window):
            user = s.get(User, p.user_id)
            user.password_hash = accounts.hash_password("Pass#word1")
            s.add(user)
        s.commit()
        names = {
            k: s.get(User, p.user_id).username
            for k, p in (("owner", owner), ("window", city.window))
        }
        outsider = (
            s.exec(
                select(User)
                .where(User.role == "window", User.region_code == "361000")
                .order_by(col(User.id))
            )
            .all()[-1]
            .username
        )
        tokens = {}
        for key, username in (*names.items(), ("outsider", outsider)):
            tokens[key] = accounts.login(s, username=username, password="Pass#word1").token
        s.commit()
    client = TestClient(api)
    url = f"/files/{file_id}"
    assert client.get(url).status_code == 401
    for key in ("owner", "window"):
        resp = client.get(url, cookies={"eap_session": tokens[key]})
        assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
        assert resp.headers["cache-control"] == "private, no-store"
    denied = client.get(url, cookies={"eap_session": tokens["outsider"], "eap_lang": "en"})
    assert denied.status_code == 404 and "Not found" in denied.text
    assert client.get("/files/abc", cookies={"eap_session": tokens["owner"]}).status_code == 404


def test_deliver_results_once_and_post_check_list(session: Session) -> None:
    from eap.errors import DomainError
    from eap.services.approval import results

    city, owner, sc = _submitted(session)
    c0 = workbench.lead_stage_cases(session, principal=city.approvers["fgw"]).rows
    assert all(r.id != sc.id for r in c0)  # not accepted yet
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id)
    intake.accept_case(session, principal=city.window, stage_case_id=sc.id)
    with pytest.raises(DomainError):
        results.deliver_results(
            session, principal=city.window, stage_case_id=sc.id, channel="counter"
        )
    from tests.factories import approve_all

    approve_all(session, city, sc.id, D(2026, 11, 3))
    results.close_stage(session, principal=city.approvers["fgw"], stage_case_id=sc.id)
    waiting = workbench.awaiting_delivery(session, principal=city.window, size=500).rows
    row = next(r for r in waiting if r.id == sc.id)
    assert row.project and row.company and row.closed  # names, not only numbers
    other = city_staff(session, "360700")
    with pytest.raises(PermissionDenied):
        results.deliver_results(
            session, principal=other.window, stage_case_id=sc.id, channel="post"
        )
    results.deliver_results(session, principal=city.window, stage_case_id=sc.id, channel="post")
    with pytest.raises(DomainError) as err:
        results.deliver_results(session, principal=city.window, stage_case_id=sc.id, channel="post")
    assert err.value.key == "deliver.already"
    assert sc.id not in [
        r.id for r in workbench.awaiting_delivery(session, principal=city.window, size=500).rows
    ]
    # Commitment approvals (S1-04 is 告知承诺 in type 3) show up as post-check tasks.
    owner3 = applicant(session)
    pid = project(session, owner3, ptype=3, attributes={"filing_only": True})
    sc3 = filing.submit_stage_application(
        session,
        principal=owner3,
        project_id=pid,
        stage_code=1,
        uploads=upload_missing(session, owner3, pid, 1),
    )
    intake.receive_case(session, principal=city.window, stage_case_id=sc3.id)
    intake.accept_case(
        session, principal=city.window, stage_case_id=sc3.id, owed={"M010": D(2099, 1, 1)}
    )
    case = cases_by_code(session, sc3.id)["S1-04"]
    handling.start_handling(session, principal=city.approvers["fgw"], item_case_id=case.id)
    handling.decide(
        session,
        principal=city.approvers["fgw"],
        item_case_id=case.id,
        outcome="approve",
        opinion="告知承诺",
        on_commitment=True,
    )
    tasks = workbench.post_check_tasks(session, principal=city.approvers["fgw"])
    assert any(t.item_case_id == case.id for t in tasks)
    assert not any(
        t.item_case_id == case.id
        for t in workbench.post_check_tasks(session, principal=city.approvers["zj"])
    )
