"""统一身份认证 in the browser (issue 15): from the sign-in page to the province's identity
provider (the fake OIDC provider on 127.0.0.1), its form, and back signed in — a company's
agent new to the system lands on the applicant's home with an account made from the
provider's claims; a wrong password stays at the provider."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Company, UserIdentity
from tests.browser.helpers import APP_DB, SCREENSHOTS, click, wait_css, wait_text

pytestmark = pytest.mark.browser


def test_sign_in_through_the_identity_provider(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    driver.get(app_url + "/login")
    wait_text(driver, "login-title", t("login.title", "zh"))
    wait_text(driver, "sso-start", t("sso.button", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "sso-login.png"))
    click(driver, "#sso-start")
    wait_css(driver, "#idp-username")
    assert driver.current_url.startswith(APP_DB["idp"].issuer)
    driver.find_element(By.ID, "idp-username").send_keys("zhangsan")
    driver.find_element(By.ID, "idp-password").send_keys("wrong")
    click(driver, "#idp-submit")
    wait_css(driver, ".err")  # the provider keeps a wrong password to itself
    driver.find_element(By.ID, "idp-username").send_keys("zhangsan")
    driver.find_element(By.ID, "idp-password").send_keys("Idp@2026")
    driver.save_screenshot(str(SCREENSHOTS / "sso-provider.png"))
    click(driver, "#idp-submit")
    wait_text(driver, "home-title", t("home.applicant", "zh"), timeout=30)
    wait_text(driver, "current-user", "张三")  # the account made from the provider's claims
    driver.save_screenshot(str(SCREENSHOTS / "sso-home.png"))
    uscc = APP_DB["idp"].users["zhangsan"]["claims"]["uscc"]
    with Session(make_engine(APP_DB["url"])) as s:
        company = s.exec(select(Company).where(Company.uscc == uscc)).one()
        assert company.name == "江西统一认证建设有限公司"
        assert s.exec(select(UserIdentity)).first() is not None
    # signing out and in again with the provider: the same account
    driver.delete_all_cookies()
    driver.get(app_url + "/login")
    click(driver, "#sso-start")
    wait_css(driver, "#idp-username").send_keys("zhangsan")
    driver.find_element(By.ID, "idp-password").send_keys("Idp@2026")
    click(driver, "#idp-submit")
    wait_text(driver, "home-title", t("home.applicant", "zh"), timeout=30)
    with Session(make_engine(APP_DB["url"])) as s:
        assert len(s.exec(select(Company).where(Company.uscc == uscc)).all()) == 1
        assert len(s.exec(select(UserIdentity)).all()) == 1
