"""National reporting (DOMAIN §10): row versions written with the change, LSH order, the
upload lifecycle against the fake receiver (a real HTTP server), the staging database, the
national side's rules, the validation report and resending after a correction."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.fakes.spgl_receiver import Receiver, make_handler
from eap.models import Department, ItemCase, Project, ProjectUnit, SpglVersion
from eap.models.exchange import UploadState
from eap.services.core import leases
from eap.services.exchange import delivery, outbox, report, staging
from eap.services.exchange.fields import lsh_text
from eap.services.exchange.rules import Ledger, check_row
from eap.services.hall import projects
from tests.factories import (
    _user,
    applicant,
    approve_all,
    cases_by_code,
    city_staff,
    file_and_accept,
    project,
    scratch_database,
)

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def receiver() -> Iterator[tuple[str, Receiver]]:
    from http.server import ThreadingHTTPServer

    store = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(store))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", store
    server.shutdown()


def _settled(session: Session) -> None:
    """Everything already in the outbox counts as delivered: each test watches its own rows."""
    session.execute(update(SpglVersion).values(state=UploadState.ACCEPTED))
    session.commit()


def _versions(session: Session, table: str, key: str) -> list[SpglVersion]:
    session.expire_all()  # the test session keeps objects across commits
    return list(
        session.exec(
            select(SpglVersion)
            .where(SpglVersion.table_name == table, SpglVersion.record_key == key)
            .order_by(col(SpglVersion.lsh))
        ).all()
    )


def test_a_committed_change_adds_a_version_with_a_greater_lsh(session: Session) -> None:
    owner = applicant(session)
    pid = project(session, owner)
    session.commit()
    key = f"XM{pid:010d}"
    (first,) = _versions(session, "SPGL_XMJBXXB", key)
    assert first.state == UploadState.PENDING and first.valid
    assert first.payload["XMMC"].startswith("测试项目") and first.payload["GCDM"] is None
    # the unit is reported with the project, keyed by its own id
    (unit,) = session.exec(select(ProjectUnit).where(ProjectUnit.project_id == pid)).all()
    assert _versions(session, "SPGL_XMDWXXB", f"DW{unit.id:010d}")[0].payload["DWLX"] == 1

    projects.update_project(session, principal=owner, project_id=pid, changes={"name": "新名称"})
    session.commit()
    versions = _versions(session, "SPGL_XMJBXXB", key)
    assert [v.payload["XMMC"] for v in versions][-1] == "新名称"
    assert versions[1].lsh > versions[0].lsh

    # a commit that changes nothing reported adds nothing; a rolled-back change adds nothing
    p = session.get(Project, pid)
    assert p is not None
    p.current_stage = p.current_stage  # touched, not changed
    session.add(p)
    session.commit()
    assert len(_versions(session, "SPGL_XMJBXXB", key)) == 2
    nested = session.begin_nested()
    p.name = "撤回的修改"
    session.add(p)
    session.flush()
    nested.rollback()
    session.commit()
    assert len(_versions(session, "SPGL_XMJBXXB", key)) == 2


def test_a_removed_unit_is_reported_invalid(session: Session) -> None:
    owner = applicant(session)
    pid = project(session, owner)
    session.commit()
    unit = session.exec(select(ProjectUnit).where(ProjectUnit.project_id == pid)).one()
    key = f"DW{unit.id:010d}"
    session.delete(unit)
    session.commit()
    versions = _versions(session, "SPGL_XMDWXXB", key)
    assert [v.valid for v in versions] == [True, False]
    gone = delivery.wire_row(versions[-1])
    assert gone["SJYXBS"] == 0 and gone["SJWXYY"] and gone["DFSJZJ"] == key
    assert gone["XZQHDM"] == "360102"


def test_case_moves_are_versioned_and_history_rows_carry_a_handler(session: Session) -> None:
    nc, owner = city_staff(session), applicant(session)
    pid = project(session, owner)
    sc = file_and_accept(session, nc, owner, pid, 1, day=DAY)
    session.commit()
    approve_all(session, nc, sc.id or 0, DAY)
    session.commit()
    cases = list(cases_by_code(session, sc.id or 0).values())
    for case in cases:
        states = [
            v.payload["BLZT"] for v in _versions(session, "SPGL_XMSPSXBLXXB", f"SX{case.id:010d}")
        ]
        assert states[-1] == case.status == 11
        history = session.exec(
            select(SpglVersion).where(
                SpglVersion.table_name == "SPGL_XMSPSXBLXXXXB", SpglVersion.anchor_id == case.id
            )
        ).all()
        assert history and all(h.payload["BLR"] and h.payload["BLCS"] for h in history)
        assert [h.payload["BLZT"] for h in history].count(3) == 1
        dept = session.get(Department, case.department_id)
        assert dept is not None
        item = _versions(session, "SPGL_XMSPSXBLXXB", f"SX{case.id:010d}")[-1].payload
        # real codes: the department's organisation code, the city's 实施清单 code
        assert item["SPBMBM"] == dept.org_code and len(dept.org_code) == 18
        assert item["SPSXBM"].startswith(dept.org_code) and len(item["SPSXBM"]) == 26
    # nothing missed: rendering everything again finds no record that differs
    missed = outbox.resync(session)
    assert missed == {}, session.exec(
        select(SpglVersion.table_name, SpglVersion.record_key, SpglVersion.payload)
        .order_by(col(SpglVersion.id).desc())
        .limit(3)
    ).all()


def _approved_province(session: Session) -> tuple[list[ItemCase], int]:
    nc, owner = city_staff(session), applicant(session)
    pid = project(session, owner)
    sc = file_and_accept(session, nc, owner, pid, 1, day=DAY)
    approve_all(session, nc, sc.id or 0, DAY)
    session.commit()
    return list(cases_by_code(session, sc.id or 0).values()), pid


def test_push_lifecycle_rejection_correction_and_resend(
    session: Session, receiver: tuple[str, Receiver]
) -> None:
    url, store = receiver
    _settled(session)
    cases, _pid = _approved_province(session)
    broken = cases[0]
    dept = session.get(Department, broken.department_id)
    assert dept is not None
    good_code = dept.org_code
    # the department's code is missing (a data error): its case's rows are rejected
    dept.org_code = ""
    session.add(dept)
    broken.updated_at = broken.updated_at + dt.timedelta(seconds=1)
    session.add(broken)
    outbox.new_version(session, table="SPGL_XMSPSXBLXXB", keys=[f"SX{broken.id:010d}"])
    session.commit()

    result = delivery.push_http(session, url=url)
    # the broken case's row and nothing else (its history and documents carry no SPBMBM)
    assert result.sent > 0 and result.pending == 0 and result.rejected == 1
    latest = _versions(session, "SPGL_XMSPSXBLXXB", f"SX{broken.id:010d}")[-1]
    assert latest.state == UploadState.REJECTED and "SPBMBM" in latest.reason
    supervisor = _user(session, "supervisor", region_code="360000")
    view = report.reporting_view(session, principal=supervisor)
    (row,) = [r for r in view.rejected if r.record_key == f"SX{broken.id:010d}"]
    assert row.case_no == broken.case_no and row.linkable and "SPBMBM" in row.reason
    assert any(c.table == "SPGL_XMSPSXBLXXB" and c.rejected == 1 for c in view.counts)

    # nothing accepted goes out again
    receipts = store.receipts
    again = delivery.push_http(session, url=url)
    assert (again.sent, store.receipts) == (0, receipts)

    # corrected, sent again as a new version, accepted; the report no longer lists it
    dept.org_code = good_code
    session.add(dept)
    written = report.resend(session, principal=supervisor, version_ids=[row.version_id])
    session.commit()
    assert written == 1
    final = delivery.push_http(session, url=url)
    assert final.accepted == 1 and final.rejected == 0
    versions = _versions(session, "SPGL_XMSPSXBLXXB", f"SX{broken.id:010d}")
    assert versions[-1].state == UploadState.ACCEPTED and versions[-1].lsh > latest.lsh
    view = report.reporting_view(session, principal=supervisor)
    assert all(r.record_key != f"SX{broken.id:010d}" for r in view.rejected)
    # the settled rejection no longer counts; the accepted correction does
    assert view.totals["rejected"] == 0
    assert _last_round_shown(session)
    with pytest.raises(DomainError):  # nothing left to resend
        report.resend(session, principal=supervisor, version_ids=[row.version_id])


def _last_round_shown(session: Session) -> bool:
    from eap.services.exchange.push import push

    project(session, applicant(session))  # something to send
    session.commit()
    push(session, url="http://127.0.0.1:9/")  # a round nobody answers: kept as the last round
    supervisor = _user(session, "supervisor", region_code="360000")
    view = report.reporting_view(session, principal=supervisor)
    return view.last_round_at is not None and "error" in view.last_round


def test_the_report_is_scoped_and_refused_to_others(session: Session) -> None:
    _settled(session)
    pid = project(session, applicant(session))
    session.commit()
    (bad,) = _versions(session, "SPGL_XMJBXXB", f"XM{pid:010d}")
    bad.state, bad.reason = UploadState.REJECTED, "测试原因"
    session.add(bad)
    session.commit()
    nc = _user(session, "supervisor", region_code="360100")
    gz = _user(session, "supervisor", region_code="360700")
    admin = _user(session, "admin", region_code="360000")
    assert any(
        r.version_id == bad.id for r in report.reporting_view(session, principal=nc).rejected
    )
    assert not any(
        r.version_id == bad.id for r in report.reporting_view(session, principal=gz).rejected
    )
    assert not report.reporting_view(session, principal=nc).rejected[0].linkable
    assert report.reporting_view(session, principal=admin).rejected
    with pytest.raises(DomainError):  # another city's record is not theirs to resend
        report.resend(session, principal=gz, version_ids=[bad.id or 0])
    for who in (applicant(session), city_staff(session).approvers["zj"]):
        with pytest.raises(PermissionDenied):
            report.reporting_view(session, principal=who)


def test_a_failed_delivery_waits_and_loses_nothing(
    session: Session, receiver: tuple[str, Receiver]
) -> None:
    url, store = receiver
    _settled(session)
    project(session, applicant(session))
    session.commit()
    store.fail = 1
    first = delivery.push_http(session, url=url)
    assert first.error and first.accepted == 0 and first.pending >= 2
    session.expire_all()
    waiting = session.exec(
        select(SpglVersion).where(col(SpglVersion.state).in_(delivery.OPEN))
    ).all()
    # the failed batch waits; the round stopped there, so later tables were not tried
    assert all(not v.claimed_by for v in waiting)
    tried = [v for v in waiting if v.table_name == "SPGL_XMJBXXB"]
    assert tried and all(v.next_attempt_at and v.attempts == 1 for v in tried)
    # the backoff holds the rows back from an immediate round; the operator may override it
    assert delivery.push_http(session, url=url).sent == 0
    later = delivery.push_http(session, url=url, retry_now=True)
    assert later.accepted == len(waiting) and later.pending == 0
    # a receiver that is not there at all: a connection error, nothing lost
    project(session, applicant(session))
    session.commit()
    down = delivery.push_http(session, url="http://127.0.0.1:9/", timeout=2)
    assert down.error and down.pending >= 2


def test_a_round_waits_for_the_round_in_progress(
    session: Session, receiver: tuple[str, Receiver]
) -> None:
    """Two rounds never interleave batches: the national side checks a row against what it
    already holds, so a later table's row sent while another pusher's batch of projects is in
    flight would be rejected."""
    url, store = receiver
    _settled(session)
    project(session, applicant(session))
    session.commit()
    ttl = dt.timedelta(minutes=2)
    assert leases.acquire(session, name=delivery.LEASE, holder="other-pusher", ttl=ttl)
    started = time.monotonic()
    waited = delivery.push_http(session, url=url, wait=0.5)
    assert time.monotonic() - started >= 0.5
    assert waited.busy == "other-pusher" and waited.sent == 0 and waited.pending >= 2
    assert store.receipts == 0 and "busy" in waited.as_dict()

    # the other round ends while this one waits: this one goes on as soon as it can
    def other_round_ends() -> None:
        with Session(session.get_bind()) as other:
            leases.release(other, name=delivery.LEASE, holder="other-pusher")

    threading.Timer(0.4, other_round_ends).start()
    went = delivery.push_http(session, url=url, wait=10)
    assert not went.busy and went.sent == went.accepted >= 2 and went.pending == 0
    # a finished round gives the lease up: the next one need not wait for it to lapse
    assert leases.holder_of(session, name=delivery.LEASE) == ""
    assert "busy" not in went.as_dict()


def test_the_staging_database_mode(session: Session, tmp_path: Path) -> None:
    # the run's dialect: a SQLite file (the demo's), or a PostgreSQL database (production's)
    url = scratch_database("eap_spgl_staging", tmp_path)
    _settled(session)
    cases, pid = _approved_province(session)
    first = staging.push_staging(session, staging_url=url)
    assert first.sent > 0 and first.accepted == 0 and first.pending == first.sent
    engine = staging.staging_engine(url)
    with engine.connect() as conn:
        table = staging.STAGING["SPGL_XMJBXXB"]
        (row,) = (
            conn.execute(select(table).where(f"XM{pid:010d}" == table.c.DFSJZJ)).mappings().all()
        )
    assert row["SJSCZT"] == 0 and row["XMMC"].startswith("测试项目")
    # sending the same rows again leaves one row per LSH
    session.execute(update(SpglVersion).where(col(SpglVersion.state) == 1).values(state=0))
    session.commit()
    staging.push_staging(session, staging_url=url)
    with engine.connect() as conn:
        assert (
            len(conn.execute(select(table.c.LSH).where(f"XM{pid:010d}" == table.c.DFSJZJ)).all())
            == 1
        )
    # the exchange decides, the next round reads the outcomes back
    assert staging.run_fake_exchange(url)["rejected"] == 0
    second = staging.push_staging(session, staging_url=url)
    assert second.accepted == first.sent and second.pending == 0
    latest = _versions(session, "SPGL_XMSPSXBLXXB", f"SX{cases[0].id:010d}")[-1]
    assert latest.state == UploadState.ACCEPTED


# --- the national side's rules -------------------------------------------------------------


def _row(**fields: object) -> dict[str, object]:
    return {"LSH": lsh_text(1), "DFSJZJ": "K", "SJYXBS": 1, "XZQHDM": "360102", **fields}


PROJECT = _row(
    XMDM="2026-360102-47-01-000001",
    XMMC="某项目",
    XMTZLY=1,
    TDHQFS=3,
    SFWCQYPG=0,
    LXLX=1,
    GCFL=1,
    JSXZ=1,
    GBHY="E4710",
    SPLCLX=1,
    ZTZE=100.0,
    JSDDXZQH="360102",
    JSDD="东湖区",
    SBSJ="2026-03-02 09:00:00",
)


def test_rules_on_projects() -> None:
    ledger = Ledger()
    assert check_row("SPGL_XMJBXXB", PROJECT, ledger) is None
    assert "XMMC" in (check_row("SPGL_XMJBXXB", {**PROJECT, "XMMC": ""}, ledger) or "")
    assert "代码表" in (check_row("SPGL_XMJBXXB", {**PROJECT, "LXLX": 7}, ledger) or "")
    assert "GCDM" in (check_row("SPGL_XMJBXXB", {**PROJECT, "GCDM": PROJECT["XMDM"]}, ledger) or "")
    assert "XMDM" in (check_row("SPGL_XMJBXXB", {**PROJECT, "XMDM": "360102-1"}, ledger) or "")
    assert "格式" in (check_row("SPGL_XMJBXXB", {**PROJECT, "SBSJ": "2026/3/2"}, ledger) or "")
    far = {**PROJECT, "XMJSDDX": 28.6, "XMJSDDY": 115.9}  # swapped
    assert "坐标" in (check_row("SPGL_XMJBXXB", far, ledger) or "")
    assert check_row("SPGL_XMJBXXB", {**PROJECT, "SJYXBS": 0}, ledger) is not None
    assert check_row("SPGL_XMJBXXB", {**PROJECT, "SJYXBS": 0, "SJWXYY": "已删除"}, ledger) is None


def test_rules_on_cases_and_their_history() -> None:
    from eap.services.exchange.approval_tables import TABLES

    ledger = Ledger()
    ledger.add("SPGL_XMJBXXB", PROJECT)
    org = "11360100055334243U"
    case = _row(
        XMDM=PROJECT["XMDM"],
        SPSXBM=f"{org}10001000",
        SPSXBBH=1,
        SPSXMC="事项",
        SPSXSLBM="C1",
        BLSPSLBM="S1",
        SPJDXH=1,
        SPBMBM=org,
        SPBMMC="某局",
        SLFS=2,
        SXBLSX=5,
        BLZT=8,
        SFGZCN=0,
    )
    assert check_row("SPGL_XMSPSXBLXXB", case, ledger) is None
    assert "SPBMBM" in (
        check_row("SPGL_XMSPSXBLXXB", {**case, "SPBMBM": "360100-zj"}, ledger) or ""
    )
    assert "实施清单" in (check_row("SPGL_XMSPSXBLXXB", {**case, "SPSXBM": "S1-01"}, ledger) or "")
    other = "11360100037724758K"  # another department's valid code
    assert "不一致" in (check_row("SPGL_XMSPSXBLXXB", {**case, "SPBMBM": other}, ledger) or "")
    assert "批复文件" in (check_row("SPGL_XMSPSXBLXXB", {**case, "BLZT": 11}, ledger) or "")
    ledger.add("SPGL_XMSPSXPFWJXXB", {"SJYXBS": 1, "SPSXSLBM": "C1"})
    assert check_row("SPGL_XMSPSXBLXXB", {**case, "BLZT": 11}, ledger) is None
    assert "项目未上报" in (
        check_row("SPGL_XMSPSXBLXXB", {**case, "XMDM": "2026-360102-47-01-000002"}, ledger) or ""
    )

    def step(status: int, at: str) -> str | None:
        row = _row(SPSXSLBM="C1", BLCS="某局", BLR="张三", BLZT=status, BLSJ=at)
        reason = check_row("SPGL_XMSPSXBLXXXXB", row, ledger)
        if reason is None:
            ledger.add("SPGL_XMSPSXBLXXXXB", row)
        return reason

    assert step(1, "2026-03-02 10:00:00") is None
    assert step(3, "2026-03-02 11:00:00") is None
    assert "重复受理" in (step(3, "2026-03-02 12:00:00") or "")
    assert "早于" in (step(8, "2026-03-02 10:30:00") or "")
    assert "BLR" in (
        check_row(
            "SPGL_XMSPSXBLXXXXB",
            _row(SPSXSLBM="C1", BLCS="某局", BLR="", BLZT=8, BLSJ="2026-03-03 09:00:00"),
            ledger,
        )
        or ""
    )
    assert "15" in (step(15, "2026-03-03 09:00:00") or "")
    assert step(11, "2026-03-04 09:00:00") is None
    assert "办结" in (step(8, "2026-03-05 09:00:00") or "")
    assert step(15, "2026-03-06 09:00:00") is None  # 撤销 after approval is legal
    # every table's renderer yields exactly the columns its table declares
    assert all(len(set(t.column_names)) == len(t.column_names) for t in TABLES)
