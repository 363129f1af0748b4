"""Applicants are often on a phone: the hall's pages fit a 390-pixel-wide screen without
sideways scrolling."""

from __future__ import annotations

import time

import pytest

from eap.i18n import t
from tests.browser.helpers import APP_DB, SCREENSHOTS, sign_in, wait_text

pytestmark = pytest.mark.browser
PAGES = ("/hall", "/hall/apply", "/hall/appointments", "/hall/inquiries", "/inbox", "/guide")


def _overflow(driver) -> int:  # type: ignore[no-untyped-def]
    return int(
        driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    )


def _busiest_applicant() -> str:
    """The demo applicant with the most projects, so the project cards are full."""
    from sqlmodel import Session, col, func, select

    from eap.db import make_engine
    from eap.models import Project, User

    with Session(make_engine(APP_DB["url"])) as s:
        row = s.exec(
            select(User.username, func.count(col(Project.id)))
            .join(Project, col(Project.company_id) == col(User.company_id))
            .where(User.role == "applicant", col(User.username).startswith("qiye"))
            .group_by(col(User.username))
            .order_by(func.count(col(Project.id)).desc())
        ).first()
    assert row is not None
    return row[0]


def test_hall_pages_fit_a_phone(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    driver = browser
    driver.set_window_size(390, 844)
    try:
        driver.delete_all_cookies()
        driver.get(app_url + "/hall/register")
        wait_text(driver, "register-title", t("register.title", "zh"))
        time.sleep(0.5)
        assert _overflow(driver) <= 0, "/hall/register"
        driver.save_screenshot(str(SCREENSHOTS / "phone-register.png"))
        sign_in(driver, app_url, _busiest_applicant())
        wait_text(driver, "home-title", t("home.applicant", "zh"))
        wide = {}
        for route in PAGES:
            driver.get(app_url + route)
            wait_text(driver, "home-title", "")
            time.sleep(1)
            wide[route] = _overflow(driver)
            driver.save_screenshot(str(SCREENSHOTS / f"phone{route.replace('/', '-')}.png"))
        assert all(v <= 0 for v in wide.values()), wide
        # The header is one compact line; the menu, the user and sign-out fold into a button.
        driver.get(app_url + "/hall")
        wait_text(driver, "home-title", t("home.applicant", "zh"))
        height = driver.execute_script(
            "return document.getElementById('top-bar').getBoundingClientRect().height"
        )
        assert height <= 64, f"header {height}px high on a phone"
        driver.find_element("id", "phone-menu").click()
        for _ in range(40):
            items = [e.text for e in driver.find_elements("css selector", "[role=menuitem]")]
            if t("nav.appointments", "zh") in items:
                break
            time.sleep(0.1)
        assert t("nav.appointments", "zh") in items and t("nav.logout", "zh") in items
        driver.save_screenshot(str(SCREENSHOTS / "phone-menu.png"))
    finally:
        driver.set_window_size(1400, 900)


def test_hall_pages_in_english(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    """The new hall pages follow the language switch (one catalogue, both languages)."""
    driver = browser
    driver.delete_all_cookies()
    driver.get(app_url + "/hall/register")
    wait_text(driver, "register-title", t("register.title", "zh"))
    driver.find_element("id", "lang-toggle").click()
    wait_text(driver, "register-title", t("register.title", "en"))
    assert t("register.send_code", "en") in driver.page_source
    driver.find_element("id", "lang-toggle").click()
    wait_text(driver, "register-title", t("register.title", "zh"))
    sign_in(driver, app_url, "qiye002")
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    driver.find_element("id", "lang-toggle").click()
    wait_text(driver, "home-title", t("home.applicant", "en"))
    for route, key in (
        ("/hall/appointments", "appointment.title"),
        ("/hall/inquiries", "inquiry.title"),
        ("/hall/agents", "agent.title"),
    ):
        driver.get(app_url + route)
        wait_text(driver, "home-title", t(key, "en"))
    driver.save_screenshot(str(SCREENSHOTS / "hall-agents-en.png"))
    driver.find_element("id", "lang-toggle").click()
    wait_text(driver, "home-title", t("agent.title", "zh"))
