"""The project form filled from the investment platform (issue 15): the applicant types the
项目代码 the platform gave, one click brings the platform's name, place and investment into
the form; a code the platform does not know is refused beside the code, nothing else lost."""

from __future__ import annotations

import pytest

from eap.i18n import t
from tests.browser.helpers import APP_DB, SCREENSHOTS, click, sign_in, wait_text

pytestmark = pytest.mark.browser

CODE = "2026-360111-47-01-424242"


def test_the_form_fills_from_the_platform(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    APP_DB["platform"].records[CODE] = {
        "project_code": CODE,
        "name": "青山湖区新能源汽车零部件产业园",
        "region_code": "360111",
        "location": "南昌市青山湖区昌东大道 88 号",
        "total_investment": 56000,
        "approval_type": 2,
        "approval_result": {"document_no": "洪发改核〔2026〕7号", "approved_on": "2026-02-10"},
    }
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "qiye004")
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    driver.get(app_url + "/hall/projects/new")
    wait_text(driver, "home-title", t("apply.new_project", "zh"))
    box = driver.find_element(By.ID, "field-project_code")
    box.send_keys("2026-360111-47-01-999999")  # a code the platform never gave
    click(driver, "#fetch-platform")
    wait_text(driver, "error-project_code", "999999")
    driver.save_screenshot(str(SCREENSHOTS / "platform-unknown-code.png"))
    box.clear()
    box.send_keys(CODE)
    click(driver, "#fetch-platform")
    wait_text(driver, "from-platform", t("project.from_platform", "zh")[:6])
    assert (
        driver.find_element(By.ID, "field-name").get_attribute("value")
        == "青山湖区新能源汽车零部件产业园"
    )
    assert driver.find_element(By.ID, "field-total_investment").get_attribute("value") == "56000"
    assert "昌东大道" in (driver.find_element(By.ID, "field-location").get_attribute("value") or "")
    assert not driver.find_elements(By.ID, "error-project_code")
    driver.save_screenshot(str(SCREENSHOTS / "platform-prefilled.png"))
