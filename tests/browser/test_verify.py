"""The certificate's QR page is public; the PDF is only for those entitled to it."""

from __future__ import annotations

import io

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import or_
from sqlmodel import Session, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Certificate, Project, User
from eap.services.core.clock import today_in_china
from tests.browser.helpers import APP_DB, SCREENSHOTS, sign_in, wait_text

pytestmark = pytest.mark.browser


def test_verify_page_and_certificate_pdf(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:
        # A certificate of a company whose demo login (qiye001…) has the demo password.
        row = s.exec(
            select(Certificate, User)
            .join(Project, Project.id == Certificate.project_id)
            .join(User, User.company_id == Project.company_id)
            .where(Certificate.status == "valid", User.username.startswith("qiye"))
            # Valid today, not merely in status: an expired one is shown as no longer valid.
            .where(
                or_(Certificate.valid_until.is_(None), Certificate.valid_until >= today_in_china())
            )  # type: ignore[union-attr]
            .order_by(Certificate.id)  # type: ignore[arg-type]
        ).first()
        assert row is not None
        cert, owner = row
        token, cert_id, cert_no = cert.verify_token, cert.id, cert.cert_no
        until = cert.valid_until.isoformat() if cert.valid_until else t("verify.long_term", "zh")
    driver = browser
    driver.delete_all_cookies()
    driver.get(f"{app_url}/verify/{token}")
    wait_text(driver, "verify-result", t("verify.genuine_valid", "zh"))
    assert cert_no in driver.page_source
    # The validity is always stated, as on the PDF (长期 when there is no end date).
    wait_text(driver, "verify-valid-until", until)
    driver.save_screenshot(str(SCREENSHOTS / "verify-genuine.png"))
    driver.get(f"{app_url}/verify/forged-token")
    wait_text(driver, "verify-result", t("verify.not_found", "zh"))
    pdf_url = f"{app_url}/documents/certificate/{cert_id}.pdf"
    assert httpx.get(pdf_url).status_code == 401
    sign_in(driver, app_url, owner.username)
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    cookie = driver.get_cookie("eap_session")["value"]
    resp = httpx.get(pdf_url, cookies={"eap_session": cookie})
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    # The QR code points at the address the PDF came from, not a developer's localhost.
    links = [
        a.get_object()["/A"]["/URI"]
        for a in PdfReader(io.BytesIO(resp.content)).pages[0].get("/Annots", [])
    ]
    assert f"{app_url}/verify/{token}" in links, links
