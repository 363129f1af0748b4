"""Alert and anomaly handling, scoping, anomaly kinds and Excel exports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from eap.errors import DomainError, PermissionDenied
from eap.models import Anomaly, ItemCase
from eap.services.approval import filing, handling, supplements
from eap.services.core import exports
from eap.services.supervision import alerts as supervision, anomalies, views as supervision_views
from tests.factories import (
    _user,
    applicant,
    at,
    cases_by_code,
    city_staff,
    file_and_accept,
    project,
    upload_missing,
)

D = dt.date


def _overdue_case(session: Session, region: str = "360100"):  # type: ignore[no-untyped-def]
    city = city_staff(session, region)
    owner = applicant(session, region[:4] + "02")
    pid = project(session, owner, ptype=4, region=region[:4] + "02")
    day = D(2026, 11, 2)
    sc = file_and_accept(session, city, owner, pid, 1, day=day)
    supervision.sweep_deadlines(session, now=at(D(2026, 11, 20)))
    return city, owner, sc, cases_by_code(session, sc.id)


def test_alert_scope_and_actions(session: Session) -> None:
    nc, _owner, _sc, c = _overdue_case(session, "360100")
    gz, *_ = _overdue_case(session, "360700")
    nc_sup = _user(session, "supervisor", region_code="360100")
    gz_sup = _user(session, "supervisor", region_code="360700")
    prov = _user(session, "supervisor", region_code="360000")
    nc_rows, _ = supervision.list_alerts(session, principal=nc_sup, page=1, size=500)
    gz_rows, _ = supervision.list_alerts(session, principal=gz_sup, page=1, size=500)
    prov_rows, _ = supervision.list_alerts(session, principal=prov, page=1, size=500)
    assert nc_rows and all(r.region_code.startswith("3601") for r in nc_rows)
    assert {r.id for r in nc_rows}.isdisjoint({r.id for r in gz_rows})
    assert {r.id for r in nc_rows} | {r.id for r in gz_rows} <= {r.id for r in prov_rows}
    item_alert = next(r for r in nc_rows if r.target_kind == "item" and r.level == "inspect")
    # Every alert names its case, project and what it covers, whatever its level.
    assert all(r.case_no and r.project and r.item for r in nc_rows), [
        (r.target_kind, r.case_no, r.project, r.item) for r in nc_rows
    ]
    stage_alerts = [r for r in nc_rows if r.target_kind == "stage"]
    assert stage_alerts and all(r.case_no.startswith("3601") for r in stage_alerts)
    with pytest.raises(PermissionDenied):
        supervision.act_on_alert(session, principal=gz_sup, alert_id=item_alert.id, kind="ack")
    case = session.get(ItemCase, item_alert.target_id)
    from eap.models import Department

    kind = session.get(Department, case.department_id).kind
    with pytest.raises(DomainError) as err:  # nothing to answer yet
        supervision.act_on_alert(
            session, principal=nc.approvers[kind], alert_id=item_alert.id, kind="reply", text="已办"
        )
    assert err.value.key == "alert.no_notice"
    with pytest.raises(PermissionDenied):  # supervisors cannot answer for the department
        supervision.act_on_alert(
            session, principal=nc_sup, alert_id=item_alert.id, kind="reply", text="x"
        )
    supervision.act_on_alert(session, principal=nc_sup, alert_id=item_alert.id, kind="ack")
    supervision.act_on_alert(
        session, principal=nc_sup, alert_id=item_alert.id, kind="notice", text="限两日内办结"
    )
    other_kind = "jt" if kind != "jt" else "cg"
    with pytest.raises(PermissionDenied):
        supervision.act_on_alert(
            session,
            principal=nc.approvers[other_kind],
            alert_id=item_alert.id,
            kind="reply",
            text="x",
        )
    alert = supervision.act_on_alert(
        session, principal=nc.approvers[kind], alert_id=item_alert.id, kind="reply", text="今日办结"
    )
    assert alert.status == "answered"
    actions = supervision.alert_actions(session, principal=nc_sup, alert_id=item_alert.id)
    assert [a.kind for a in actions] == ["ack", "notice", "reply"]
    detail = supervision_views.case_detail(
        session, principal=nc_sup, item_case_id=item_alert.target_id
    )
    assert detail.events and detail.case_no == case.case_no
    assert detail.events[-1].status == detail.status  # the history ends at the current BLZT
    with pytest.raises(PermissionDenied):
        supervision_views.case_detail(session, principal=gz_sup, item_case_id=item_alert.target_id)


def test_anomaly_kinds_and_handling(session: Session) -> None:
    city, owner, sc, c = _overdue_case(session)
    # An application nobody received for days.
    late = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=sc.project_id,
        stage_code=5,
        uploads=upload_missing(session, owner, sc.project_id, 5),
        now=at(D(2026, 11, 16)),
    )
    case = c["S1-06"]
    zrzy = city.approvers["zrzy"]
    handling.start_handling(session, principal=zrzy, item_case_id=case.id, now=at(D(2026, 11, 3)))
    from eap.services.core import files
    from tests.factories import pdf

    for day in (4, 6):  # two supplements on one case
        notice = handling.request_supplement(
            session,
            principal=zrzy,
            item_case_id=case.id,
            materials=[{"code": "M001", "remark": "x"}],
            now=at(D(2026, 11, day)),
        )
        f = files.store_file(session, principal=owner, filename="m.pdf", content=pdf())
        supplements.supply_supplement(
            session,
            principal=owner,
            notice_id=notice.id,
            uploads={"M001": f.id},
            now=at(D(2026, 11, day + 1)),
        )
    handling.start_special_procedure(
        session,
        principal=zrzy,
        item_case_id=case.id,
        kind="survey",
        reason="现场勘察",
        limit_days=2,
        now=at(D(2026, 11, 10)),
    )
    found = anomalies.detect(session, now=at(D(2026, 11, 20)))
    assert found["intake_delay"] >= 1 and found["repeated_supplement"] >= 1
    assert found["special_overrun"] >= 1
    rec = session.exec(select(Anomaly).where(Anomaly.subject == f"stage:{late.id}")).one()
    assert rec.kind == "intake_delay" and rec.evidence["case_no"] == late.case_no
    assert anomalies.detect(session, now=at(D(2026, 11, 20)))["intake_delay"] == 0
    sup = _user(session, "supervisor", region_code="360100")
    far = _user(session, "supervisor", region_code="360700")
    rows, total = supervision_views.list_anomalies(session, principal=sup)
    assert total >= 3 and any(r.subject == f"stage:{late.id}" for r in rows)
    # each reads as a sentence with names: no "stage:12", no "key=value", no region code
    said = next(r for r in rows if r.subject == f"stage:{late.id}")
    assert late.case_no in said.sentence and "应在" in said.sentence and "=" not in said.sentence
    assert said.region == "南昌市" and not said.sentence.startswith("—")
    english, _ = supervision_views.list_anomalies(session, principal=sup, lang="en")
    assert all("{" not in r.sentence and "=" not in r.sentence for r in english)
    with pytest.raises(PermissionDenied):
        supervision_views.act_on_anomaly(session, principal=far, anomaly_id=rec.id, kind="ack")
    supervision_views.act_on_anomaly(
        session, principal=sup, anomaly_id=rec.id, kind="comment", text="已提醒窗口"
    )
    closed = supervision_views.act_on_anomaly(
        session, principal=sup, anomaly_id=rec.id, kind="close"
    )
    assert closed.status == "closed"


def test_excel_export_keeps_filters_headers_and_rows() -> None:
    data = exports.to_xlsx(
        title="预警",
        filters="level=urge",
        headers=["级别", "办件编号"],
        rows=[["催办", "3601-1"], ["督察", None]],
    )
    ws = load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "预警" and values[1][0] == "level=urge"
    assert values[2] == ["级别", "办件编号"]
    assert values[3] == ["催办", "3601-1"] and values[4][0] == "督察"


def test_skipped_steps_and_backlog_growth(session: Session) -> None:
    city = city_staff(session, "361100")
    cases = []
    for n in range(6):
        owner = applicant(session, "361102")
        pid = project(session, owner, ptype=4, region="361102")
        day = D(2026, 11, 16 + n % 4)
        sc = file_and_accept(session, city, owner, pid, 1, day=day)
        cases.append(cases_by_code(session, sc.id)["S1-06"])
    # A refusal straight from acceptance, never handled: a required step is missing.
    handling.decide(
        session,
        principal=city.approvers["zrzy"],
        item_case_id=cases[0].id,
        outcome="refuse",
        opinion="不符合规划条件",
        now=at(D(2026, 11, 20), 15),
    )
    found = anomalies.detect(session, now=at(D(2026, 11, 20), 18))
    assert found["skipped_steps"] >= 1 and found["backlog_growth"] >= 1
    skipped = session.exec(
        select(Anomaly).where(
            Anomaly.kind == "skipped_steps", Anomaly.subject == f"item:{cases[0].id}"
        )
    ).one()
    assert skipped.evidence["missing"] == [8]
    backlog = session.exec(
        select(Anomaly).where(Anomaly.kind == "backlog_growth", Anomaly.region_code == "361100")
    ).all()
    assert any(b.evidence["open_now"] >= 5 and b.evidence["open_week_ago"] == 0 for b in backlog)


def test_a_case_is_one_row_with_its_highest_level_and_the_levels_it_reached(
    session: Session,
) -> None:
    _city, _owner, _sc, c = _overdue_case(session, "360100")
    sup = _user(session, "supervisor", region_code="360100")
    rows, _ = supervision.list_alerts(session, principal=sup, page=1, size=500)
    keys = [(r.target_kind, r.target_id) for r in rows]
    assert len(keys) == len(set(keys))  # never the same case twice
    case_id = c["S1-04"].id
    row = next(r for r in rows if (r.target_kind, r.target_id) == ("item", case_id))
    assert row.level == "inspect"
    assert [s.level for s in row.history] == ["urge", "supervise", "inspect"]
    # the level filter looks at the highest level: the case is not listed as a 催办 any more
    urges, _ = supervision.list_alerts(session, principal=sup, level="urge", page=1, size=500)
    assert ("item", case_id) not in {(r.target_kind, r.target_id) for r in urges}
    # closing says why, or is refused with nothing closed
    with pytest.raises(DomainError) as err:
        supervision.act_on_alert(session, principal=sup, alert_id=row.id, kind="close", text=" ")
    assert (err.value.key, err.value.field) == ("case.reason_required", "text")
    # closing the case's alert closes the levels below it too
    supervision.act_on_alert(
        session, principal=sup, alert_id=row.id, kind="close", text="已督促办结"
    )
    closed, _ = supervision.list_alerts(session, principal=sup, page=1, size=500)
    again = next(r for r in closed if (r.target_kind, r.target_id) == ("item", case_id))
    assert {s.status for s in again.history} == {"closed"}
