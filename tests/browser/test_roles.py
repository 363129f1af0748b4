"""Every role signs in, lands on its own home page, in Chinese and in English."""

from __future__ import annotations

import pytest

from eap.i18n import t
from tests.browser.helpers import SCREENSHOTS, sign_in, wait_css, wait_text

pytestmark = pytest.mark.browser

ROLE_USERS = [
    ("qiye001", "applicant", "/hall", "home.applicant"),
    ("daiban01", "agent", "/hall", "home.applicant"),
    ("nc_window", "window", "/workbench/window", "home.window"),
    ("nc_zj", "approver", "/workbench/department", "home.approver"),
    ("gz_duban", "supervisor", "/supervision", "home.supervisor"),
    ("zhongjie01", "agency", "/agency", "market.workbench"),
    ("leader", "leader", "/screen", "screen.title"),
    ("admin", "admin", "/admin", "home.admin"),
    ("auditor", "auditor", "/admin/audit", "audit.title"),
    ("security", "security", "/admin/security", "home.security"),
]


@pytest.mark.parametrize(("username", "role", "route", "title"), ROLE_USERS)
def test_role_home_in_both_languages(
    app_url: str,
    browser,
    username: str,
    role: str,  # type: ignore[no-untyped-def]
    route: str,
    title: str,
) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, username)
    wait_text(driver, "home-title", t(title, "zh"))
    # signing in loads the home page afresh (the socket must carry the new session), and the
    # static server answers a page's folder with its trailing slash
    assert driver.current_url.rstrip("/").endswith(route)
    wait_text(driver, "current-user", t(f"role.{role}", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / f"home-{role}-zh.png"))
    driver.find_element(By.ID, "lang-toggle").click()
    wait_text(driver, "home-title", t(title, "en"))
    wait_text(driver, "current-user", t(f"role.{role}", "en"))
    driver.save_screenshot(str(SCREENSHOTS / f"home-{role}-en.png"))
    # Language is remembered across a reload.
    driver.refresh()
    wait_text(driver, "home-title", t(title, "en"))
    driver.find_element(By.ID, "lang-toggle").click()
    wait_text(driver, "home-title", t(title, "zh"))
    # Another role's page is not reachable by typing its URL.
    other = "/admin/audit" if role != "auditor" else "/admin"
    driver.get(app_url + other)
    wait_text(driver, "home-title", t(title, "zh"))
    assert driver.current_url.endswith(route)
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    driver.get(app_url + route)
    wait_text(driver, "login-title", t("login.title", "zh"))


def test_wrong_password_shows_translated_error(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "admin", "not-the-password")
    wait_text(
        driver, "login-error", t("auth.bad_credentials", "zh", left=4, attempts=5, minutes=15)
    )
    driver.save_screenshot(str(SCREENSHOTS / "login-error-zh.png"))
    sign_in(driver, app_url, "", "")  # an empty form says what is missing
    wait_text(driver, "login-error", t("login.missing", "zh"))
    sign_in(driver, app_url, "admin", "")
    wait_text(driver, "login-error", t("login.missing_password", "zh"))


def test_public_guide(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    driver.get(app_url + "/guide")
    wait_text(driver, "home-title", t("guide.title", "zh"))
    box = driver.find_element(By.ID, "guide-text")
    box.send_keys("建筑工程施工许可")
    driver.find_element(By.ID, "guide-search").click()
    wait_text(driver, "home-title", t("guide.title", "zh"))
    import time

    for _ in range(40):
        cards = driver.find_elements(By.CSS_SELECTOR, ".guide-item")
        if len(cards) == 1 and "建筑工程施工许可证核发" in cards[0].text:
            break
        time.sleep(0.25)
    else:
        raise AssertionError("search did not narrow the guide")
    assert driver.find_elements(By.ID, "guide-login")  # public: a way to sign in
    assert not driver.find_elements(By.ID, "current-user")
    driver.save_screenshot(str(SCREENSHOTS / "guide.png"))


def test_the_guide_is_one_click_away_in_the_hall(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "qiye001")
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    link = wait_css(driver, "a[href='/guide']")
    assert link.text == t("nav.guide", "zh")
    link.click()
    wait_text(driver, "home-title", t("guide.title", "zh"))
    wait_css(driver, ".guide-item")
    # Still in the hall: the signed-in user and the hall's menu, no "sign in" link.
    assert driver.find_elements(By.ID, "current-user")
    assert not driver.find_elements(By.ID, "guide-login")
    driver.save_screenshot(str(SCREENSHOTS / "hall-guide.png"))


def test_admin_publishes_a_notice_everyone_reads(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "admin")
    wait_text(driver, "home-title", t("home.admin", "zh"))
    driver.find_element(By.ID, "notice-title").send_keys("关于元旦期间窗口办公安排的通知")
    driver.find_element(By.ID, "notice-body").send_keys("1月1日休息，1月2日起正常办公。")
    driver.find_element(By.ID, "notice-publish").click()
    wait_text(driver, "notice-message", t("notice.published", "zh"))
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    driver.find_element(By.ID, "notices-link").click()
    wait_text(driver, "home-title", t("notice.list", "zh"))
    import time

    for _ in range(40):
        if "关于元旦期间窗口办公安排的通知" in driver.page_source:
            break
        time.sleep(0.25)
    else:
        raise AssertionError("notice not listed")
    driver.save_screenshot(str(SCREENSHOTS / "notices.png"))
    link = next(
        a
        for a in driver.find_elements(By.CSS_SELECTOR, ".notice-link")
        if "关于元旦期间窗口办公安排的通知" in a.text
    )
    link.click()
    wait_text(driver, "notice-detail", "1月2日起正常办公")
    # The administrator withdraws it; the public list no longer shows it.
    sign_in(driver, app_url, "admin")
    wait_text(driver, "home-title", t("home.admin", "zh"))
    for _ in range(40):
        rows = [
            r
            for r in driver.find_elements(By.CSS_SELECTOR, ".notice-row")
            if "关于元旦期间窗口办公安排的通知" in r.text
        ]
        if rows:
            break
        time.sleep(0.25)
    rows[0].find_element(By.CSS_SELECTOR, ".notice-withdraw").click()
    wait_text(driver, "notice-message", t("notice.withdrawn", "zh"))
    driver.get(app_url + "/notices")
    wait_text(driver, "home-title", t("notice.list", "zh"))
    time.sleep(1)
    assert "关于元旦期间窗口办公安排的通知" not in driver.page_source
