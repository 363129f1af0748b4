"""The 信用 service (公共信用信息平台): a company's credit is checked when it registers and
again before each decision on its cases. A 严重失信 (seriously untrustworthy) company is
flagged on its cases for the approver and may not be approved on commitment (告知承诺); when
the service is down the case shows "credit not checked" and nothing is blocked. The result
and its time are kept on the company. A natural person is not sent (their ID number stays
here): only companies, by USCC."""

from __future__ import annotations

from typing import Any

import httpx
from sqlmodel import Session

from eap.models import Company
from eap.models.accounts import CreditStatus
from eap.models.common import utcnow
from eap.services.exchange.adapters.breaker import AdapterDown, Unexpected, call, url_of

NAME = "credit"


def enabled() -> bool:
    return url_of(NAME) is not None


def _ask(uscc: str) -> Any:
    def request(http: httpx.Client) -> CreditStatus:
        answer = http.get(f"/api/credit/{uscc}")
        if answer.status_code == 404:  # no record: nothing against it
            return CreditStatus.GOOD
        if answer.status_code != 200:
            raise Unexpected(f"HTTP {answer.status_code}")
        try:
            status = answer.json()["status"]
        except (ValueError, KeyError, TypeError) as exc:
            raise Unexpected("malformed answer") from exc
        if status not in ("good", "dishonest"):
            raise Unexpected("unknown status")
        return CreditStatus.DISHONEST if status == "dishonest" else CreditStatus.GOOD

    return request


def check(session: Session, *, company: Company) -> CreditStatus:
    """Ask now and keep the answer on the company: GOOD, DISHONEST, or NOT_CHECKED when the
    service is off, down, or the party is a person."""
    if not enabled() or company.kind != "company":
        return CreditStatus(company.credit_status)
    try:
        status: CreditStatus = call(session, NAME, _ask(company.uscc))
    except AdapterDown:
        status = CreditStatus.NOT_CHECKED
    company.credit_status = status
    company.credit_checked_at = utcnow()
    session.add(company)
    session.flush()
    return status
