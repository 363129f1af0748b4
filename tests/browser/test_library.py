"""材料库 in the browser (issue 17 item 5): the company sees what its accepted applications put
on file, renews its licence (a past end date is refused beside the field, the file kept), and
withdraws a project's copy after a confirmation."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import LibraryMaterial, Material, User
from tests.browser.helpers import APP_DB, SCREENSHOTS, click, sign_in, wait_css, wait_text

pytestmark = pytest.mark.browser


def _library_owner() -> tuple[str, int, int]:
    """A demo company that holds a licence and a project's copy, from the end of the list (the
    first companies are other tests' applicants): its login, the licence's and a copy's id."""
    with Session(make_engine(APP_DB["url"])) as s:
        for user in s.exec(
            select(User)
            .where(col(User.username).startswith("qiye"), col(User.company_id).is_not(None))
            .order_by(col(User.username).desc())
        ):
            entries = s.exec(
                select(LibraryMaterial, Material)
                .join(Material, col(Material.id) == LibraryMaterial.material_id)
                .where(LibraryMaterial.company_id == user.company_id)
                .order_by(col(LibraryMaterial.id))
            ).all()
            licence = next((e for e, m in entries if m.code == "M002"), None)
            copy = next((e for e, m in entries if e.project_id is not None), None)
            if licence and copy:
                return user.username, licence.id or 0, copy.id or 0
    raise AssertionError("no demo company with a library")


def test_renew_the_licence_and_withdraw_a_copy(app_url: str, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    username, licence_id, copy_id = _library_owner()
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, username)
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    driver.get(app_url + "/hall/library")
    wait_text(driver, "library-table", t("library.company_wide", "zh"))
    before = len(driver.find_elements(By.CSS_SELECTOR, ".library-row"))
    driver.save_screenshot(str(SCREENSHOTS / "library.png"))
    # The licence is the company-wide row; renew it.
    licence_row = driver.find_element(By.ID, f"library-entry-{licence_id}")
    assert t("library.company_wide", "zh") in licence_row.text and "M002" in licence_row.text
    licence_row.find_element(By.CSS_SELECTOR, ".library-renew").click()
    wait_text(driver, "library-renewing", "M002")
    scan = tmp_path / "营业执照-2026.pdf"
    scan.write_bytes(b"%PDF-1.4\n% renewed licence\n")
    driver.find_element(By.CSS_SELECTOR, "#library-editor input[type=file]").send_keys(str(scan))
    wait_text(driver, "library-upload-name", "营业执照-2026")
    # A date already past: refused beside the field; the chosen file stays chosen.
    date_box = driver.find_element(By.ID, "library-valid-until")
    date_box.send_keys("01312020")  # as typed into the browser's date field (en-US order)
    click(driver, "#library-save")
    wait_text(driver, "error-valid_until", t("library.already_expired", "zh"))
    assert "营业执照-2026" in driver.find_element(By.ID, "library-upload-name").text
    driver.save_screenshot(str(SCREENSHOTS / "library-past-date.png"))
    date_box.send_keys("03312031")
    click(driver, "#library-save")
    wait_text(driver, "action-message", t("library.renewed", "zh"))
    wait_text(driver, "library-table", "2031-03-31")
    with Session(make_engine(APP_DB["url"])) as s:
        entry = s.get(LibraryMaterial, licence_id)
        assert entry is not None and str(entry.valid_until) == "2031-03-31"
    # Withdraw a project's copy: the dialog says what follows.
    target = driver.find_element(By.ID, f"library-entry-{copy_id}")
    target.find_element(By.CSS_SELECTOR, ".library-withdraw").click()
    wait_css(driver, "[role=alertdialog]")
    assert t("library.withdraw_consequence", "zh")[:10] in driver.page_source
    driver.save_screenshot(str(SCREENSHOTS / "library-withdraw-confirm.png"))
    click(driver, ".library-withdraw-confirm")
    wait_text(driver, "action-message", t("library.withdrawn", "zh"))
    WebDriverWait(driver, 10).until(
        lambda d: (
            not d.find_elements(By.CSS_SELECTOR, "[role=alertdialog]")
            and len(d.find_elements(By.CSS_SELECTOR, ".library-row")) == before - 1
        )
    )
    with Session(make_engine(APP_DB["url"])) as s:
        assert s.get(LibraryMaterial, copy_id) is None
        assert s.get(LibraryMaterial, licence_id) is not None  # only the chosen one went
    assert not driver.find_elements(By.ID, f"library-entry-{copy_id}")
    driver.save_screenshot(str(SCREENSHOTS / "library-after.png"))
