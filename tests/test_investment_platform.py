"""The investment-project platform over real HTTP (the fake on 127.0.0.1): a known code
registers with the platform's record kept; an unknown one is refused beside the code; the
platform down or slow lets the project in "not yet verified" and the scheduler's job verifies
it later; repeated failures open the circuit (calls stop reaching the platform) until the
cool-down lets one through; the administrator sees each adapter's state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from eap.config import get_settings
from eap.errors import FieldErrors
from eap.fakes.investment_platform import Platform, start
from eap.models import AdapterState, AdapterStatus
from eap.models.projects import ApprovalType, ProjectCreate, SourceState
from eap.services.exchange.adapters import breaker, investment
from eap.services.hall import projects
from tests.factories import applicant, next_code

RECORD = {
    "name": "赣江新区智能制造产业园一期",
    "region_code": "360102",
    "location": "南昌市东湖区北京东路 1 号",
    "total_investment": 86000,
    "approval_type": int(ApprovalType.SANCTIONED),
    "approval_result": {"document_no": "赣发改审批〔2026〕12号", "approved_on": "2026-01-15"},
}


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> Iterator[Platform]:
    fake = Platform()
    server = start(fake)
    monkeypatch.setenv("EAP_INVESTMENT_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("EAP_ADAPTER_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("EAP_ADAPTER_BACKOFF_SECONDS", "0.01")
    get_settings.cache_clear()
    yield fake
    server.shutdown()
    monkeypatch.undo()
    get_settings.cache_clear()


def _data(code: str, **over: object) -> ProjectCreate:
    base = {
        "project_code": code,
        "name": "手填的名称",
        "region_code": "360102",
        "location": "南昌市东湖区",
        "total_investment": 1,
        "process_type": 1,
    }
    return ProjectCreate.model_validate({**base, **over})


def test_a_known_code_registers_with_the_platforms_record(
    session: Session, platform: Platform
) -> None:
    owner = applicant(session)
    code = next_code("360102")
    platform.records[code] = {**RECORD, "project_code": code}
    # the form is filled from the platform's record…
    filled = projects.platform_prefill(session, project_code=code)
    assert filled["name"] == RECORD["name"] and filled["total_investment"] == "86000"
    assert filled["approval_type"] == "2" and filled["region_code"] == "360102"
    # …and registering keeps what the platform said, whatever was typed
    p = projects.register_project(session, principal=owner, data=_data(code))
    assert p.source_state == SourceState.VERIFIED and p.source_checked_at is not None
    assert p.source_data["result_no"] == "赣发改审批〔2026〕12号"
    assert p.source_data["total_investment"] == 86000
    status = session.get(AdapterStatus, "investment")
    assert status is not None and status.state == AdapterState.UP and status.last_ok_at


def test_an_unknown_code_is_refused_beside_the_code(session: Session, platform: Platform) -> None:
    owner = applicant(session)
    code = next_code("360102")
    with pytest.raises(FieldErrors) as refused:
        projects.register_project(session, principal=owner, data=_data(code))
    assert refused.value.field == "project_code"
    assert code in refused.value.translate("zh")
    with pytest.raises(FieldErrors) as again:
        projects.platform_prefill(session, project_code=code)
    assert again.value.key == "project.code_not_on_platform"


def test_down_or_slow_registers_pending_and_the_scheduler_verifies_later(
    session: Session, platform: Platform
) -> None:
    owner = applicant(session)
    down, slow = next_code("360102"), next_code("360102")
    platform.records[down] = {**RECORD, "project_code": down}
    platform.fail_next = 3  # every retry of the call answers 503
    first = projects.register_project(session, principal=owner, data=_data(down))
    assert first.source_state == SourceState.PENDING and first.source_data == {}
    assert platform.requests == 3  # tried three times with backoff
    platform.delay_next = 2.0  # past the 0.5 s timeout…
    platform.records[slow] = {**RECORD, "project_code": slow}
    second = projects.register_project(session, principal=owner, data=_data(slow))
    # …the retry after the timeout is answered: the slow platform still vouched
    assert second.source_state == SourceState.VERIFIED
    status = session.get(AdapterStatus, "investment")
    assert status is not None and status.state == AdapterState.UP
    # the platform back: the scheduler's job verifies what was let in unverified
    out = investment.verify_projects(session)
    assert out["verified"] >= 1
    session.refresh(first)
    assert first.source_state == SourceState.VERIFIED and first.source_data["name"]


def test_the_circuit_opens_and_recovers(session: Session, platform: Platform, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EAP_ADAPTER_ATTEMPTS", "1")
    monkeypatch.setenv("EAP_ADAPTER_FAILURES", "2")
    get_settings.cache_clear()
    code = next_code("360102")
    platform.records[code] = {**RECORD, "project_code": code}
    platform.fail_next = 5
    for _ in range(2):
        with pytest.raises(breaker.AdapterDown):
            investment.lookup(session, project_code=code)
    status = session.get(AdapterStatus, "investment")
    assert status is not None and status.state == AdapterState.OPEN
    assert status.last_error == "Unexpected: HTTP 503"
    asked = platform.requests
    with pytest.raises(breaker.AdapterDown) as fast:
        investment.lookup(session, project_code=code)
    assert fast.value.reason == "circuit open" and platform.requests == asked  # not even asked
    rows = {r.name: r for r in breaker.statuses(session)}
    assert rows["investment"].configured and rows["investment"].state == AdapterState.OPEN
    assert rows["credit"].configured is False
    # after the cool-down one call goes through; its success closes the circuit
    status.open_until = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    session.add(status)
    platform.fail_next = 0
    assert investment.lookup(session, project_code=code) is not None
    assert status.state == AdapterState.UP and status.failures == 0


def test_without_a_platform_nothing_is_asked(session: Session) -> None:
    owner = applicant(session)
    p = projects.register_project(session, principal=owner, data=_data(next_code("360102")))
    assert p.source_state == SourceState.NOT_CHECKED
    assert projects.platform_prefill(session, project_code=p.project_code) == {}


def test_the_window_sees_a_code_not_yet_verified(session: Session, platform: Platform) -> None:
    from eap.services.approval import workbench
    from tests.factories import city_staff, file_stage

    nc = city_staff(session, "360100")
    owner = applicant(session)
    code = next_code("360102")
    platform.fail_next = 3  # down while the project is registered
    p = projects.register_project(session, principal=owner, data=_data(code))
    assert p.source_state == SourceState.PENDING
    sc = file_stage(session, owner, p.id or 0, 1, day=dt.date(2026, 3, 2))
    view = workbench.stage_case_view(session, principal=nc.window, stage_case_id=sc.id or 0)
    assert view.case.code_check == SourceState.PENDING  # shown as 项目代码待核验
    # checked later: the platform does not know it, and the window sees that too
    assert investment.verify_projects(session) == {"verified": 0, "unknown": 1, "still_pending": 0}
    view = workbench.stage_case_view(session, principal=nc.window, stage_case_id=sc.id or 0)
    assert view.case.code_check == SourceState.UNKNOWN
