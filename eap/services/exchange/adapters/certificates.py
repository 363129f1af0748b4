"""The 电子证照库 (e-certificate library): every certificate this system issues is pushed
there — through an outbox (``Certificate.library_pending``, set when the certificate is
written and again when it is revoked), delivered by the scheduler's ``push_certificates`` job
with retries and backoff — and a company's valid licences issued elsewhere are pulled by its
USCC into its material library, so the one form reuses them instead of asking for an upload.

Protocol: ``PUT /api/licences/{number}`` with the licence's JSON; ``GET
/api/licences?holder={USCC}`` → ``[{number, name, material_code, issued_on, valid_until,
status, issuer}]``; ``GET /api/licences/{number}/file`` → the PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx
from sqlmodel import Session, col, select

from eap.models import Certificate, Company, Department, ItemCase, Material, Project
from eap.models.common import utcnow
from eap.services.approval.documents import verify_url
from eap.services.exchange.adapters.breaker import AdapterDown, Unexpected, call, url_of

NAME = "certificates"


def enabled() -> bool:
    return url_of(NAME) is not None


def _backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes after each failed push, at most 6 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _payload(session: Session, cert: Certificate) -> dict[str, Any]:
    company = session.get(Company, cert.company_id)
    project = session.get(Project, cert.project_id)
    case = session.get(ItemCase, cert.item_case_id)
    dept = session.get(Department, case.department_id) if case else None
    material = session.get(Material, cert.material_id) if cert.material_id else None
    return {
        "number": cert.cert_no,
        "name": cert.name,
        "holder_uscc": company.uscc if company and company.kind == "company" else "",
        "holder_name": company.name if company else "",
        "material_code": material.code if material else "",
        "issued_on": cert.issued_on.isoformat(),
        "valid_until": cert.valid_until.isoformat() if cert.valid_until else None,
        "status": cert.status,
        "issuer": dept.name if dept else "",
        "issuer_code": dept.org_code if dept else "",
        "project_code": project.project_code if project else "",
        "verify_url": verify_url(cert.verify_token),
    }


def push_certificates(
    session: Session, *, now: dt.datetime | None = None, batch: int = 100
) -> dict[str, int]:
    """The scheduler's job: push what is pending and due, oldest first; stop at the first
    failure (the library is down: the rest waits for the next round)."""
    if not enabled():
        return {}
    now = now or utcnow()
    out = {"pushed": 0, "failed": 0}
    due = session.exec(
        select(Certificate)
        .where(col(Certificate.library_pending).is_(True))
        .where(
            (col(Certificate.library_next_at).is_(None)) | (col(Certificate.library_next_at) <= now)
        )
        .order_by(col(Certificate.id))
        .limit(batch)
    ).all()
    for cert in due:
        body = _payload(session, cert)

        def request(http: httpx.Client, body: dict[str, Any] = body) -> None:
            answer = http.put(f"/api/licences/{body['number']}", json=body)
            if answer.status_code not in (200, 201, 204):
                raise Unexpected(f"HTTP {answer.status_code}")

        try:
            call(session, NAME, request)
        except AdapterDown as exc:
            cert.library_attempts += 1
            cert.library_next_at = now + _backoff(cert.library_attempts)
            cert.library_error = exc.reason[:200]
            session.add(cert)
            out["failed"] += 1
            break
        cert.library_pending, cert.library_attempts = False, 0
        cert.library_next_at, cert.library_error = None, ""
        session.add(cert)
        out["pushed"] += 1
    session.flush()
    return out


@dataclass(frozen=True)
class Licence:
    """A licence the library holds for a company (issued here or elsewhere)."""

    number: str
    name: str
    material_code: str
    issued_on: str
    valid_until: dt.date | None
    status: str
    issuer: str


def licences_of(session: Session, *, uscc: str) -> list[Licence]:
    """The library's valid licences for a USCC; ``AdapterDown`` when it cannot say."""

    def request(http: httpx.Client) -> list[Licence]:
        answer = http.get("/api/licences", params={"holder": uscc})
        if answer.status_code != 200:
            raise Unexpected(f"HTTP {answer.status_code}")
        try:
            rows = answer.json()
            return [
                Licence(
                    str(r["number"])[:60],
                    str(r["name"])[:100],
                    str(r.get("material_code") or "")[:32],
                    str(r.get("issued_on") or "")[:10],
                    dt.date.fromisoformat(r["valid_until"]) if r.get("valid_until") else None,
                    str(r.get("status") or "valid"),
                    str(r.get("issuer") or "")[:100],
                )
                for r in rows
            ]
        except (ValueError, KeyError, TypeError) as exc:
            raise Unexpected("malformed list") from exc

    return call(session, NAME, request)


def licence_file(session: Session, *, number: str) -> bytes:
    def request(http: httpx.Client) -> bytes:
        answer = http.get(f"/api/licences/{number}/file")
        if answer.status_code != 200:
            raise Unexpected(f"HTTP {answer.status_code}")
        return answer.content

    return call(session, NAME, request)
