"""The 电子证照库 over real HTTP (the fake on 127.0.0.1): every certificate issued here is
pushed through the outbox (again when revoked), a failed push waits and is retried; a licence
the library holds for the company from elsewhere comes into its material library and the one
form takes it instead of an upload; the library down changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlmodel import Session, col, select

from eap.config import get_settings
from eap.fakes.certificate_library import Library, start
from eap.models import Certificate, Company, LibraryMaterial, Project
from eap.models.common import utcnow
from eap.services.approval import results
from eap.services.exchange.adapters import certificates
from eap.services.hall import guide, licences
from tests.factories import applicant, city_staff, project, run_stage

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def library(monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    fake = Library()
    server = start(fake)
    monkeypatch.setenv("EAP_CERT_LIBRARY_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("EAP_ADAPTER_ATTEMPTS", "1")
    get_settings.cache_clear()
    yield fake
    server.shutdown()
    monkeypatch.undo()
    get_settings.cache_clear()


def test_issued_certificates_are_pushed_and_revocations_follow(
    session: Session, library: Library
) -> None:
    nc = city_staff(session, "360100")
    owner = applicant(session, "360102")
    pid = project(session, owner, region="360102")
    run_stage(session, nc, owner, pid, 1, DAY)
    mine = session.exec(select(Certificate).where(Certificate.project_id == pid)).all()
    assert mine and all(c.library_pending for c in mine)  # written with the certificate
    now = utcnow()
    library.fail_next = 1
    first = certificates.push_certificates(session, now=now)
    assert first == {"pushed": 0, "failed": 1}
    waiting = mine[0]
    assert waiting.library_attempts == 1 and waiting.library_error == "Unexpected: HTTP 503"
    assert waiting.library_next_at == now + dt.timedelta(minutes=1)
    # the next round sends the others; the failed one only once its wait is over
    certificates.push_certificates(session, now=now + dt.timedelta(seconds=30))
    assert waiting.library_pending and waiting.cert_no not in library.licences
    assert len(library.licences) == len(mine) - 1
    later = certificates.push_certificates(session, now=now + dt.timedelta(minutes=2))
    assert later == {"pushed": 1, "failed": 0}
    company = session.get(Company, owner.company_id)
    assert company is not None
    pushed = library.licences[mine[0].cert_no]
    assert pushed["holder_uscc"] == company.uscc and pushed["status"] == "valid"
    assert pushed["project_code"] == session.get(Project, pid).project_code  # type: ignore[union-attr]
    assert not any(c.library_pending for c in mine)
    # a revocation is the library's news too
    results.revoke_certificates(session, item_case_id=mine[0].item_case_id)
    assert mine[0].library_pending
    certificates.push_certificates(session, now=now + dt.timedelta(minutes=3))
    assert library.licences[mine[0].cert_no]["status"] == "revoked"


def test_a_licence_from_elsewhere_is_taken_instead_of_an_upload(
    session: Session, library: Library
) -> None:
    owner = applicant(session, "360102")
    company = session.get(Company, owner.company_id)
    assert company is not None
    library.licences["YYZZ-3601-2024-0001"] = {
        "holder_uscc": company.uscc,
        "name": "营业执照",
        "material_code": "M002",
        "issued_on": "2024-05-06",
        "valid_until": None,
        "status": "valid",
        "issuer": "南昌市市场监督管理局",
    }
    library.licences["ZZ-OLD"] = {  # an expired qualification is not offered
        "holder_uscc": company.uscc,
        "name": "资质证书",
        "material_code": "M003",
        "valid_until": "2020-01-01",
        "status": "valid",
    }
    today = dt.date(2026, 3, 2)
    assert licences.pull_licences(session, principal=owner, today=today) == 1
    kept = session.exec(
        select(LibraryMaterial).where(LibraryMaterial.company_id == company.id)
    ).all()
    assert [k.source for k in kept] == ["licence:YYZZ-3601-2024-0001"]
    # pulled again: unchanged, nothing downloaded twice
    assert licences.pull_licences(session, principal=owner, today=today) == 0
    pid = project(session, owner, region="360102")
    proj = session.get(Project, pid)
    assert proj is not None
    form = guide.stage_form(session, project=proj, stage_code=1, today=today)
    licence = next(m for m in form.materials if m.code == "M002")
    assert licence.satisfied_by == "library"  # no upload asked for the business licence
    # the library down: nothing changes, the form is as it was
    library.fail_next = 10
    assert licences.pull_licences(session, principal=owner, today=today) == 0
    assert (
        session.exec(
            select(LibraryMaterial).where(col(LibraryMaterial.company_id) == company.id)
        ).all()
        == kept
    )


def test_a_slow_library_is_a_failed_push_retried_later(
    session: Session, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EAP_ADAPTER_TIMEOUT_SECONDS", "0.3")
    get_settings.cache_clear()
    nc = city_staff(session, "360100")
    owner = applicant(session, "360102")
    pid = project(session, owner, region="360102")
    run_stage(session, nc, owner, pid, 1, DAY)
    library.delay_next = 1.0
    now = utcnow()
    assert certificates.push_certificates(session, now=now) == {"pushed": 0, "failed": 1}
    slow = session.exec(
        select(Certificate).where(Certificate.project_id == pid, Certificate.library_attempts == 1)
    ).one()
    assert slow.library_error == "ReadTimeout" and slow.library_pending
    later = certificates.push_certificates(session, now=now + dt.timedelta(minutes=2))
    assert later["failed"] == 0 and not slow.library_pending
