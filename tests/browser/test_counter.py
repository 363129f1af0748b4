"""窗口代录 in the browser (issue 17 item 4): 南昌's window takes a walk-in company's first
application — a mistyped USCC refused beside the field, the company and its project
registered, every material scanned — files and receives it, and prints the receipt."""

from __future__ import annotations

import io
import random

import httpx
import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from eap.db import make_engine
from eap.demo.seed import make_uscc
from eap.i18n import t
from eap.models import StageCase
from tests.browser.helpers import APP_DB, SCREENSHOTS, click, pick, sign_in, wait_css, wait_text

pytestmark = pytest.mark.browser


def _type(driver, element_id: str, value: str) -> None:  # type: ignore[no-untyped-def]
    box = wait_css(driver, f"#{element_id}")
    box.clear()
    box.send_keys(value)


def test_a_walk_in_application(app_url: str, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    rng = random.Random()
    uscc = make_uscc(rng, "360102")
    code = f"2026-360102-47-01-{rng.randint(100000, 899999)}"  # the fake platform refuses 9…
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "nc_window")
    wait_text(driver, "home-title", t("home.window", "zh"))
    driver.get(app_url + "/workbench/counter")
    wait_text(driver, "home-title", t("counter.title", "zh"))
    # A USCC with a wrong check character: refused beside the field.
    _type(driver, "counter-uscc", uscc[:-1] + ("0" if uscc[-1] != "0" else "1"))
    click(driver, "#counter-find")
    wait_css(driver, "#error-uscc")
    driver.save_screenshot(str(SCREENSHOTS / "counter-bad-uscc.png"))
    # The right one: new to the system, so registered from the licence.
    _type(driver, "counter-uscc", uscc)
    click(driver, "#counter-find")
    wait_css(driver, "#counter-company-form")
    _type(driver, "company-name", "滕王阁建设有限公司")
    _type(driver, "company-legal_rep", "王勃")
    _type(driver, "company-phone", "13966668888")
    click(driver, "#counter-register-company")
    wait_text(driver, "counter-company", "滕王阁建设有限公司")
    assert "13966668888" not in driver.page_source  # the phone is shown masked
    # Its first project: the form is open at once.
    wait_css(driver, "#counter-project-form")
    _type(driver, "proj-project_code", code)
    _type(driver, "proj-name", "滕王阁安置房项目")
    _type(driver, "proj-location", "南昌市东湖区沿江北大道")
    _type(driver, "proj-total_investment", "6800")
    click(driver, "#counter-register-project")
    wait_css(driver, "#counter-materials")
    # Scan every material the form still needs.
    driver.execute_script("document.getElementById('counter-materials').scrollIntoView()")
    driver.save_screenshot(str(SCREENSHOTS / "counter-form.png"))
    for _ in range(20):
        if driver.find_element(By.ID, "counter-file").is_enabled():
            break
        current = wait_css(driver, "#counter-scan-code").text.strip()
        scan = tmp_path / f"{current or 'scan'}-扫描件.pdf"
        scan.write_bytes(b"%PDF-1.4\n% scanned " + current.encode() + b"\n")
        if not current:
            pick(driver, "counter-scan-code", "M")
        driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(scan))
        WebDriverWait(driver, 20, ignored_exceptions=[StaleElementReferenceException]).until(
            # the last scan removes the picker altogether: the button is looked at first
            lambda d, c=current: (
                d.find_element(By.ID, "counter-file").is_enabled()
                or c not in d.find_element(By.ID, "counter-scan-code").text
            )
        )
    driver.save_screenshot(str(SCREENSHOTS / "counter-scanned.png"))
    click(driver, "#counter-file")
    WebDriverWait(driver, 20).until(
        lambda d: d.find_elements(By.ID, "counter-filed") or d.find_elements(By.ID, "counter-error")
    )
    errors = driver.find_elements(By.ID, "counter-error")
    assert not errors, errors[0].text
    case_no = driver.find_element(By.CSS_SELECTOR, "#counter-case-no code").text
    driver.save_screenshot(str(SCREENSHOTS / "counter-filed.png"))
    with Session(make_engine(APP_DB["url"])) as s:
        sc = s.exec(select(StageCase).where(StageCase.case_no == case_no)).one()
        assert (sc.channel, sc.status) == (1, "received")
    # The receipt, as the printer gets it: the case, the company, signature lines.
    cookie = driver.get_cookie("eap_session")["value"]
    resp = httpx.get(f"{app_url}/documents/receipt/{sc.id}.pdf", cookies={"eap_session": cookie})
    assert resp.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.content)).pages)
    text = text.replace("\x00", "")
    assert case_no in text and uscc in text and "签字" in text
    # Not for anyone without a session.
    assert httpx.get(f"{app_url}/documents/receipt/{sc.id}.pdf").status_code == 401
