"""The big screen (数据展示): the scheduler's snapshot against a direct count, the scope each
person may see, and the refusals of a bad date range."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, col, func, select

from eap.errors import DomainError, PermissionDenied
from eap.models import Department, ItemCase, ScreenSnapshot, StageCase
from eap.models.cases import TERMINAL, Blzt
from eap.services.core.clock import CHINA_TZ, WorkCalendar, local_date
from eap.services.screen import figures, snapshot
from eap.services.supervision import kpi
from tests.factories import _user, applicant, city_staff, file_and_accept, project

D = dt.date
NOW = dt.datetime(2026, 12, 21, 10, tzinfo=CHINA_TZ)


def _direct(session: Session, prefix: str, start: D, end: D) -> dict[str, int]:
    """Counted from the case tables in plain Python, not from the roll-ups."""
    out = {"accepted": 0, "completed": 0, "overdue_now": 0}
    today = local_date(NOW)
    for case, region in session.exec(
        select(ItemCase, StageCase.region_code).join(
            StageCase, col(StageCase.id) == col(ItemCase.stage_case_id)
        )
    ):
        if not region.startswith(prefix):
            continue
        if case.clock_started_at and start <= local_date(case.clock_started_at) <= end:
            out["accepted"] += 1
        if (
            case.decided_at
            and case.clock_started_at
            and case.status in kpi.DECIDED
            and start <= local_date(case.decided_at) <= end
        ):
            out["completed"] += 1
        if (
            case.due_date
            and case.due_date < today
            and case.decided_at is None
            and case.paused_since is None
            and case.status not in TERMINAL | {Blzt.APPROVED, Blzt.APPROVED_OWED, Blzt.REFUSED}
        ):
            out["overdue_now"] += 1
    return out


def test_snapshot_equals_a_direct_count(session: Session) -> None:
    city = city_staff(session, "360100")
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    late = file_and_accept(session, city, owner, pid, 1, day=D(2025, 3, 3))  # long overdue now
    other = file_and_accept(session, city, owner, project(session, owner), 1, day=D(2026, 12, 1))
    year = (D(2026, 1, 1), D(2026, 12, 21))
    kpi.rollup(session, start=year[0], end=year[1])
    data = snapshot.compute(session, scope="360000", now=NOW, cal=WorkCalendar.load(session))
    expected = _direct(session, "36", *year)
    got = data["periods"]["year"]["totals"]
    assert (got["accepted"], got["completed"]) == (expected["accepted"], expected["completed"])
    assert got["accepted"] >= 2  # the December case is in the year, the 2025 one is not
    assert data["now"]["overdue_count"] == expected["overdue_now"]
    overdue = {o["case_no"]: o for o in data["now"]["overdue"]}
    late_cases = session.exec(select(ItemCase).where(ItemCase.stage_case_id == late.id)).all()
    first = overdue[late_cases[0].case_no]
    assert first["region"] == "南昌市" and first["project"].startswith("测试项目")
    assert first["days_over"] > 300  # working days since its due date in 2025
    # the city's own snapshot counts only the city; its areas are counties
    nanchang = snapshot.compute(session, scope="360100", now=NOW, cal=WorkCalendar.load(session))
    assert (
        nanchang["periods"]["year"]["totals"]["accepted"]
        == _direct(session, "3601", *year)["accepted"]
    )
    assert all(code.startswith("3601") for code in nanchang["periods"]["year"]["areas"])
    # the live feed masks company names
    assert other.id and all("**" in e["company"] for e in data["now"]["events"])


def test_refresh_keeps_one_row_per_scope(session: Session) -> None:
    first = snapshot.refresh(session, now=NOW)
    again = snapshot.refresh(session, now=NOW + dt.timedelta(minutes=1))
    rows = int(session.exec(select(func.count()).select_from(ScreenSnapshot)).one())
    assert first == again == {"scopes": rows} and rows == 13  # the province, 11 cities, 赣江新区
    row = session.get(ScreenSnapshot, "360000")
    assert row is not None and set(row.data) == {"periods", "now", "trend", "ref"}


def test_who_sees_which_scope(session: Session) -> None:
    province = _user(session, "leader", region_code="360000")
    nanchang = _user(session, "leader", region_code="360100")
    view = figures.screen_view(session, principal=province, period="year", now=NOW)
    assert view.scope == "360000" and len(view.areas) == 12  # every city, 赣江新区 included
    city_view = figures.screen_view(session, principal=province, scope="360700", now=NOW)
    assert city_view.scope_name == "赣州市"
    own = figures.screen_view(session, principal=nanchang, now=NOW)
    assert own.scope == "360100" and all(a.code.startswith("3601") for a in own.areas)
    with pytest.raises(PermissionDenied):
        figures.screen_view(session, principal=nanchang, scope="360700", now=NOW)
    with pytest.raises(PermissionDenied):
        figures.screen_view(session, principal=nanchang, scope="360000", now=NOW)
    # a province supervisor reaches the centre's views; a city's does not; nor do applicants
    assert figures.screen_view(
        session, principal=_user(session, "supervisor", region_code="360000"), now=NOW
    )
    for who in (_user(session, "supervisor", region_code="360100"), applicant(session)):
        with pytest.raises(PermissionDenied):
            figures.screen_view(session, principal=who, now=NOW)


def test_bad_ranges_are_refused_beside_their_field(session: Session) -> None:
    leader = _user(session, "leader", region_code="360000")

    def refused(**kw: object) -> tuple[str, str | None]:
        with pytest.raises(DomainError) as err:
            figures.screen_view(session, principal=leader, now=NOW, **kw)  # type: ignore[arg-type]
        return err.value.key, err.value.field

    assert refused(period="custom", start=D(2026, 12, 5), end=D(2026, 12, 1)) == (
        "screen.range_reversed",
        "end",
    )
    assert refused(period="custom", start=D(2026, 12, 1), end=D(2027, 1, 1)) == (
        "screen.range_future",
        "end",
    )
    assert refused(period="custom", end=D(2026, 12, 1)) == ("screen.date_required", "start")
    assert refused(period="custom", start=D(2020, 1, 1), end=D(2026, 12, 1))[0] == (
        "screen.range_long"
    )
    assert refused(period="week")[1] == "period"
    ok = figures.screen_view(
        session,
        principal=leader,
        period="custom",
        start=D(2026, 11, 1),
        end=D(2026, 11, 30),
        now=NOW,
    )
    assert (ok.start, ok.end) == ("2026-11-01", "2026-11-30")


def test_an_area_with_no_data_says_so(session: Session) -> None:
    leader = _user(session, "leader", region_code="360000")
    # 赣江新区 has no cases in the tests' data: the page shows a message, not a wall of zeros
    view = figures.screen_view(session, principal=leader, scope="369900", period="today", now=NOW)
    assert view.has_data is False and view.overdue == []


@pytest.mark.parametrize(
    ("name", "masked"),
    [("南昌市建设投资集团有限公司", "南昌**集团有限公司"), ("赣州实业", "赣**"), ("张三", "张**")],
)
def test_company_names_are_masked(name: str, masked: str) -> None:
    assert snapshot.mask_company(name) == masked


def test_a_project_is_found_and_shown_whole_within_the_viewers_region(session: Session) -> None:
    from eap.services.approval import handling
    from eap.services.screen import projects
    from tests.factories import cases_by_code

    city = city_staff(session, "360100")
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    sc = file_and_accept(session, city, owner, pid, 1, day=D(2026, 11, 2))
    case = cases_by_code(session, sc.id)["S1-06"]
    handling.start_handling(session, principal=city.approvers["zrzy"], item_case_id=case.id)
    handling.decide(
        session,
        principal=city.approvers["zrzy"],
        item_case_id=case.id,
        outcome="approve",
        opinion="同意",
    )
    from eap.models import Project

    p = session.get(Project, pid)
    assert p is not None
    province = _user(session, "leader", region_code="360000")
    nanchang = _user(session, "leader", region_code="360100")
    ganzhou = _user(session, "leader", region_code="360700")
    found = projects.find_projects(session, principal=province, text=p.name[2:])
    assert p.project_code in [f.code for f in found]
    assert [
        f.code for f in projects.find_projects(session, principal=nanchang, text=p.project_code)
    ] == [p.project_code]
    assert projects.find_projects(session, principal=ganzhou, text=p.project_code) == []
    with pytest.raises(DomainError) as err:
        projects.find_projects(session, principal=province, text=" x ")
    assert (err.value.key, err.value.field) == ("screen.search_short", "search")
    assert projects.find_projects(session, principal=province, text="%%") == []  # literal
    timeline = projects.project_timeline(session, principal=nanchang, code=p.project_code)
    assert timeline.name == p.name and timeline.region == "东湖区"
    stage = timeline.stages[0]
    assert stage.stage == 1 and stage.accepted == "2026-11-02"
    permit = next(i for i in stage.item_cases if i.case_no == case.case_no)
    assert permit.status == Blzt.APPROVED and "批复" in permit.document and permit.history
    assert {h.status for h in permit.history} >= {Blzt.ACCEPTED, Blzt.APPROVED}
    with pytest.raises(DomainError) as err:  # another city's leader: not found, not forbidden
        projects.project_timeline(session, principal=ganzhou, code=p.project_code)
    assert err.value.key == "screen.project_unknown"


def test_projects_in_approval_are_drawn_at_their_sites(session: Session) -> None:
    from eap.models import Project

    city = city_staff(session, "360100")
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    p = session.get(Project, pid)
    assert p is not None
    p.longitude, p.latitude = 115.903526, 28.698731
    session.add(p)
    file_and_accept(session, city, owner, pid, 1, day=D(2025, 3, 3))  # overdue now
    data = snapshot.compute(session, scope="360100", now=NOW, cal=WorkCalendar.load(session))
    site = next(x for x in data["now"]["sites"] if x["code"] == p.project_code)
    assert (site["lon"], site["lat"], site["stage"], site["overdue"]) == (
        115.903526,
        28.698731,
        1,
        True,
    )
    ganzhou = snapshot.compute(session, scope="360700", now=NOW, cal=WorkCalendar.load(session))
    assert p.project_code not in [x["code"] for x in ganzhou["now"]["sites"]]
    assert (site["process_type"], site["accepted_on"]) == (4, "2025-03-03")


def test_slowest_departments_items_and_the_monthly_trend(session: Session) -> None:
    """A city's screen names its slowest departments (from the roll-ups) and items (from the
    period's decisions) and draws its monthly on-time line; the province's adds its best and
    worst city."""
    from tests.factories import approve_all

    nc, gz = city_staff(session, "360100"), city_staff(session, "360700")
    day = D(2026, 10, 12)
    for city, region in ((nc, "360102"), (gz, "360702")):
        owner = applicant(session, region)
        sc = file_and_accept(
            session, city, owner, project(session, owner, region=region), 1, day=day
        )
        approve_all(session, city, sc.id or 0, day if city is nc else D(2026, 11, 30))
    kpi.rollup(session, start=D(2026, 10, 1), end=D(2026, 12, 21))
    data = snapshot.compute(session, scope="360100", now=NOW, cal=WorkCalendar.load(session))
    year = data["periods"]["year"]
    decided = session.exec(
        select(ItemCase.used_days)
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .where(col(StageCase.region_code).startswith("3601"), col(ItemCase.decided_at).is_not(None))
    ).all()
    assert year["slow_items"] and year["slow_items"][0]["days"] == max(
        r["days"] for r in year["slow_items"]
    )
    assert sum(r["count"] for r in year["slow_items"]) <= len(decided)
    # departments that handled 南昌's projects: the city's, its counties', and the province's
    # for what 事权 sends there (large 核准)
    nanchang = set(
        session.exec(
            select(Department.name).where(
                col(Department.region_code).startswith("3601")
                | (Department.region_code == "360000")
            )
        )
    )
    assert year["slow_departments"] and all(r["name"] in nanchang for r in year["slow_departments"])
    trend = data["trend"]
    october = trend["scope"][trend["months"].index("2026-10")]
    assert october is not None and 0 <= october <= 1
    province = snapshot.compute(session, scope="360000", now=NOW, cal=WorkCalendar.load(session))
    best, worst = province["trend"]["best"], province["trend"]["worst"]
    assert best and worst and best != worst  # two cities finished work: a best and a worst
    assert len(province["trend"]["best_line"]) == len(province["trend"]["months"])
    leader = _user(session, "leader", region_code="360100")
    view = figures.screen_view(session, principal=leader, period="year", now=NOW)
    assert view.slow_items and view.trend.months


def test_a_citys_map_is_its_counties() -> None:
    from eap.state.screen import charts

    nanchang = charts.area_shapes("360100")
    assert nanchang and all(code.startswith("3601") for code in nanchang)
    assert "360102" in nanchang and len(charts.area_shapes("360000")) == 11
