"""The 信用 service over real HTTP (the fake on 127.0.0.1): a company's credit is checked at
registration and before each decision; a 严重失信 company is flagged on its cases and may not
be approved on commitment (告知承诺); the service down shows "not checked" and blocks
nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from eap.config import get_settings
from eap.demo.seed import make_uscc
from eap.errors import DomainError
from eap.fakes.credit_service import CreditService, start
from eap.models import Company
from eap.models.accounts import CreditStatus
from eap.services.approval import counter, handling, workbench
from eap.services.exchange.adapters import breaker
from tests.factories import applicant, at, cases_by_code, city_staff, file_and_accept, project

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def credit_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[CreditService]:
    fake = CreditService()
    server = start(fake)
    monkeypatch.setenv("EAP_CREDIT_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("EAP_ADAPTER_BACKOFF_SECONDS", "0.01")
    get_settings.cache_clear()
    yield fake
    server.shutdown()
    monkeypatch.undo()
    get_settings.cache_clear()


def _handling_case(session: Session, *, dishonest: bool, service: CreditService):  # type: ignore[no-untyped-def]
    city = city_staff(session, "360700")
    owner = applicant(session, "360702")
    company = session.get(Company, owner.company_id)
    assert company is not None
    if dishonest:
        service.dishonest.add(company.uscc)
    pid = project(session, owner, ptype=3, region="360702", attributes={"filing_only": True})
    sc = file_and_accept(session, city, owner, pid, 1, day=DAY)
    case = cases_by_code(session, sc.id or 0)["S1-04"]  # an item that allows 告知承诺
    fgw = city.approvers["fgw"]
    handling.start_handling(session, principal=fgw, item_case_id=case.id or 0, now=at(DAY, 14))
    return company, case, fgw


def test_a_dishonest_party_is_flagged_and_not_approved_on_commitment(
    session: Session, credit_service: CreditService
) -> None:
    company, case, fgw = _handling_case(session, dishonest=True, service=credit_service)
    with pytest.raises(DomainError) as refused:
        handling.decide(
            session,
            principal=fgw,
            item_case_id=case.id or 0,
            outcome="approve",
            opinion="告知承诺办结",
            on_commitment=True,
            now=at(DAY, 15),
        )
    assert refused.value.key == "case.no_commitment_dishonest"
    assert credit_service.asked == [company.uscc]  # asked before the decision
    assert company.credit_status == CreditStatus.DISHONEST and company.credit_checked_at
    view = workbench.item_case_view(session, principal=fgw, item_case_id=case.id or 0)
    assert view.case.credit == CreditStatus.DISHONEST and view.case.credit_checked
    # an ordinary approval (materials checked, no commitment) is the approver's to give
    done = handling.decide(
        session,
        principal=fgw,
        item_case_id=case.id or 0,
        outcome="approve",
        opinion="材料齐全，同意",
        now=at(DAY, 15),
    )
    assert done.status == 11 and done.promise is False


def test_the_service_down_means_not_checked_and_nothing_blocked(
    session: Session, credit_service: CreditService
) -> None:
    company, case, fgw = _handling_case(session, dishonest=True, service=credit_service)
    credit_service.fail_next = 10
    done = handling.decide(
        session,
        principal=fgw,
        item_case_id=case.id or 0,
        outcome="approve",
        opinion="告知承诺办结",
        on_commitment=True,
        now=at(DAY, 15),
    )
    assert done.promise is True
    assert company.credit_status == CreditStatus.NOT_CHECKED
    view = workbench.item_case_view(session, principal=fgw, item_case_id=case.id or 0)
    assert view.case.credit == CreditStatus.NOT_CHECKED  # the page says "credit not checked"
    credit = {r.name: r for r in breaker.statuses(session)}["credit"]
    assert credit.configured and credit.last_error == "Unexpected: HTTP 503"


def test_a_company_registered_at_the_counter_is_checked(
    session: Session, credit_service: CreditService
) -> None:
    import random

    city = city_staff(session, "360100")
    listed = make_uscc(random.Random(99), "360102")
    credit_service.dishonest.add(listed)
    walk_in = counter.register_walk_in(
        session,
        principal=city.window,
        uscc=listed,
        name="失信测试建筑有限公司",
        legal_rep="李四",
        phone="13912345670",
        region_code="360102",
    )
    company = session.get(Company, walk_in.company_id)
    assert company is not None and company.credit_status == CreditStatus.DISHONEST


def test_an_agency_is_checked_and_a_dishonest_one_not_admitted(
    session: Session, credit_service: CreditService
) -> None:
    from eap.services.agency import admission, review
    from tests.factories import agency, reviewer

    user = agency(session, admit=False)
    company = session.get(Company, user.company_id)
    assert company is not None and company.credit_status == CreditStatus.GOOD  # at applying
    credit_service.dishonest.add(company.uscc)
    checker = reviewer(session)
    pending = {r.uscc: r for r in review.pending_agencies(session, principal=checker, lang="zh")}
    mine = admission.my_agency(session, user)
    assert mine is not None
    with pytest.raises(DomainError) as refused:
        admission.review_agency(session, principal=checker, agency_id=mine.id or 0, admit=True)
    assert refused.value.key == "market.dishonest"
    pending = {r.uscc: r for r in review.pending_agencies(session, principal=checker, lang="zh")}
    row = pending[company.uscc]
    assert row.credit == CreditStatus.DISHONEST and row.credit_checked  # the reviewer sees why


def test_a_slow_service_is_not_waited_for(
    session: Session, credit_service: CreditService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slower than the timeout on every try: the decision goes ahead, "not checked"."""
    monkeypatch.setenv("EAP_ADAPTER_TIMEOUT_SECONDS", "0.3")
    get_settings.cache_clear()
    company, case, fgw = _handling_case(session, dishonest=True, service=credit_service)
    credit_service.slow_next, credit_service.delay = 3, 1.0
    done = handling.decide(
        session,
        principal=fgw,
        item_case_id=case.id or 0,
        outcome="approve",
        opinion="告知承诺办结",
        on_commitment=True,
        now=at(DAY, 15),
    )
    assert done.promise is True and company.credit_status == CreditStatus.NOT_CHECKED
    credit = {r.name: r for r in breaker.statuses(session)}["credit"]
    assert credit.last_error == "ReadTimeout"
