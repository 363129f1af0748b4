"""Open-API clients in the browser (issue 15): the administrator issues a client, sees its secret
once (never kept in the stored page state), and the other system then calls the running
server's /api/v1 with it; disabling the client (asked first) stops its token at once."""

from __future__ import annotations

import httpx
import pytest

from eap.i18n import t
from tests.browser.helpers import (
    SCREENSHOTS,
    click,
    sign_in,
    stored_states_containing,
    wait_css,
    wait_text,
)

pytestmark = pytest.mark.browser


def test_issue_use_and_disable_a_client(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "admin")
    wait_text(driver, "home-title", t("home.admin", "zh"))
    driver.get(app_url + "/admin/api-clients")
    wait_text(driver, "home-title", t("api.title", "zh"))
    # Nothing filled in: the refusal stands beside the name, nothing is issued.
    click(driver, "#api-create")
    wait_text(driver, "error-name", t("api.bad_name", "zh"))
    driver.find_element(By.ID, "api-name").send_keys("南昌市政务数据共享平台")
    click(driver, "#api-create")
    wait_text(driver, "error-scopes", "请选择权限")
    for scope in ("projects-read", "catalogue-read"):
        driver.find_element(By.ID, f"api-scope-{scope}").click()
    driver.save_screenshot(str(SCREENSHOTS / "api-clients-form.png"))
    click(driver, "#api-create")
    wait_text(driver, "action-message", t("api.client_created", "zh"))
    wait_text(driver, "api-secret-value", "client_secret: ")
    shown = driver.find_element(By.ID, "api-secret-value").text
    creds = dict(line.split(": ", 1) for line in shown.splitlines())
    assert driver.find_element(By.ID, "api-secret").is_displayed()
    driver.save_screenshot(str(SCREENSHOTS / "api-clients-secret.png"))
    # the secret reached the screen without entering the server's stored page state
    assert stored_states_containing(creds["client_secret"]) == []

    # The other system, against the running server: a token, then the catalogue.
    answer = httpx.post(
        app_url + "/api/v1/oauth/token",
        data={"grant_type": "client_credentials", **creds},
        timeout=20,
    )
    assert answer.status_code == 200, answer.text
    bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    items = httpx.get(app_url + "/api/v1/catalogue/items", headers=bearer, timeout=20)
    assert items.status_code == 200 and len(items.json()) > 20
    assert items.headers["x-content-type-options"] == "nosniff"  # the security layer is in front
    kpi = httpx.get(app_url + "/api/v1/kpi?start=2026-01-01&end=2026-01-31", headers=bearer)
    assert kpi.status_code == 403 and kpi.json()["error"] == "insufficient_scope"

    # Closing the box forgets the secret on the page too.
    driver.find_element(By.CSS_SELECTOR, "#api-secret button").click()
    assert not driver.find_element(By.ID, "api-secret").is_displayed()
    row = next(
        r for r in driver.find_elements(By.CSS_SELECTOR, ".api-row") if creds["client_id"] in r.text
    )
    row.find_element(By.CSS_SELECTOR, ".api-disable").click()
    # asked first: the dialog says what disabling does
    wait_text(driver, "api-disable-dialog", t("api.disable_confirm", "zh")[:10])
    click(driver, ".api-disable-confirm")
    wait_text(driver, "action-message", t("api.client_disabled", "zh"))
    wait_text(driver, "api-table", t("api.disabled", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "api-clients-disabled.png"))
    gone = httpx.get(app_url + "/api/v1/catalogue/items", headers=bearer, timeout=20)
    assert gone.status_code == 401

    driver.get(app_url + "/api/v1/docs")
    wait_css(driver, ".op")
    assert "/api/v1/projects/{project_code}/stages" in driver.page_source
    driver.save_screenshot(str(SCREENSHOTS / "api-reference.png"))
