"""容缺 hand-in in the browser (issue 17 item 6): an application accepted with a material owed
and already late shows on the hall with a way to /hall/owed; handing in without a file is refused
beside the field; with the file the material is handed in and leaves the list."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, col, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Company, StageMaterial, User
from eap.services.approval import filing, intake
from eap.services.core.principal import Principal
from tests.browser.helpers import APP_DB, SCREENSHOTS, click, sign_in, wait_css, wait_text
from tests.factories import project, upload_missing

pytestmark = pytest.mark.browser


def _owing_applicant() -> tuple[str, int]:
    """A Nanchang demo company files a filing-only project's stage 1 with 国有土地出让合同
    (M010) owed; the window accepted it a fortnight ago, promised a week ago (so it is late)."""
    today = dt.date.today()
    with Session(make_engine(APP_DB["url"])) as s:
        window = Principal.of(s.exec(select(User).where(User.username == "nc_window")).one())
        user = s.exec(
            select(User)
            .join(Company, col(Company.id) == col(User.company_id))
            .where(
                col(User.username).startswith("qiye"), col(Company.region_code).startswith("3601")
            )
            .order_by(col(User.username).desc())
        ).first()
        assert user is not None
        owner = Principal.of(user)
        pid = project(s, owner, ptype=3, region="360102", attributes={"filing_only": True})
        sc = filing.submit_stage_application(
            s,
            principal=owner,
            project_id=pid,
            stage_code=1,
            uploads=upload_missing(s, owner, pid, 1, skip={"M010"}),
            owed=["M010"],
        )
        intake.receive_case(s, principal=window, stage_case_id=sc.id)
        intake.accept_case(
            s,
            principal=window,
            stage_case_id=sc.id,
            owed={"M010": today + dt.timedelta(days=30)},
        )
        # The promise has since passed (the window's date picker refuses a past date).
        sm = s.exec(
            select(StageMaterial).where(
                StageMaterial.stage_case_id == sc.id, col(StageMaterial.owed)
            )
        ).one()
        sm.owed_until = today - dt.timedelta(days=7)
        s.add(sm)
        s.commit()
        return user.username, sc.id or 0


def test_hand_in_an_owed_material(app_url: str, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    username, sc_id = _owing_applicant()
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, username)
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    driver.get(app_url + "/hall")
    wait_css(driver, ".go-owed").click()
    wait_text(driver, "home-title", t("owed.title", "zh"))
    row_id = f"owed-{sc_id}-M010"
    wait_text(driver, row_id, t("owed.late", "zh"))
    wait_text(driver, "owed-late", t("owed.late_count", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "owed.png"))
    driver.find_element(By.ID, row_id).find_element(By.CSS_SELECTOR, ".owed-start").click()
    wait_text(driver, "owed-handing", "M010")
    # No file yet: refused beside the file, nothing handed in.
    click(driver, "#owed-submit")
    wait_text(driver, "error-file", t("owed.file_needed", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "owed-no-file.png"))
    scan = tmp_path / "国有土地出让合同.pdf"
    scan.write_bytes(b"%PDF-1.4\n% land contract\n")
    driver.find_element(By.CSS_SELECTOR, "#owed-editor input[type=file]").send_keys(str(scan))
    wait_text(driver, "owed-upload-name", "国有土地出让合同")
    click(driver, "#owed-submit")
    wait_text(driver, "action-message", t("owed.handed_in", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "owed-handed-in.png"))
    assert not driver.find_elements(By.ID, row_id)
    with Session(make_engine(APP_DB["url"])) as s:
        sm = s.exec(
            select(StageMaterial).where(
                StageMaterial.stage_case_id == sc_id, col(StageMaterial.file_id).is_not(None)
            )
        ).all()
        assert sm and not any(m.owed for m in sm)
