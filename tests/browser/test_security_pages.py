"""What a person sees of the security features: the applicant's phone masked on the window's
case panel until the clerk asks (audited), the administrator's texted sign-in code, and the
picture CAPTCHA after repeated failed sign-ins from one address."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import delete
from sqlmodel import Session, select

from eap.crypto import blind_index
from eap.db import make_engine
from eap.i18n import t
from eap.models import AuditLog, CaptchaChallenge, Company, RateCounter, SecurityPolicy, User
from eap.services.core import captcha
from eap.services.core.principal import Principal
from tests.browser.helpers import (
    APP_DB,
    SCREENSHOTS,
    file_stage_one,
    open_case,
    retype,
    sign_in,
    sign_in_code,
    wait_css,
    wait_text,
)

pytestmark = pytest.mark.browser


def _filed(code: str) -> tuple[str, str]:
    """qiye002 files stage 1 in 南昌; the case number and the company's phone."""
    with Session(make_engine(APP_DB["url"])) as s:
        user = s.exec(select(User).where(User.username == "qiye002")).one()
        company = s.get(Company, user.company_id)
        assert company is not None
        user.region_code = company.region_code = "360102"
        s.add(user)
        s.add(company)
        s.commit()
        owner = Principal.of(user)
        sc = file_stage_one(s, owner, project_code=code, name="脱敏测试厂房", investment=600)
        s.commit()
        return sc.case_no, company.contact_phone


def test_the_window_sees_a_masked_phone_until_it_asks(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    case_no, phone = _filed("2026-360102-47-01-777301")
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "nc_window")
    wait_text(driver, "home-title", t("home.window", "zh"))
    open_case(driver, ".queue-case", case_no)
    masked = phone[:3] + "****" + phone[-4:]
    wait_text(driver, "party-phone", masked)
    assert phone not in driver.page_source
    driver.save_screenshot(str(SCREENSHOTS / "security-party-masked.png"))
    driver.find_element(By.ID, "btn-reveal-party").click()
    wait_text(driver, "party-phone", phone)
    driver.save_screenshot(str(SCREENSHOTS / "security-party-revealed.png"))
    with Session(make_engine(APP_DB["url"])) as s:
        clerk = s.exec(select(User).where(User.username == "nc_window")).one()
        seen = s.exec(
            select(AuditLog).where(
                AuditLog.action == "personal.reveal", AuditLog.actor_id == clerk.id
            )
        ).all()
        assert any(a.detail.get("case") == case_no and a.ip == "127.0.0.1" for a in seen)
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))


def test_the_security_officer_confirms_with_a_texted_code(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "security", password="Demo@2026 ")  # not the helper's code step
    wait_text(driver, "login-error", "")  # a wrong password first: no code is sent
    driver.get(app_url + "/login")
    wait_text(driver, "login-title", t("login.title", "zh"))
    for field, value in (("username", "security"), ("password", "Demo@2026")):
        driver.find_element(By.ID, field).send_keys(value)
    driver.find_element(By.ID, "login-submit").click()
    wait_css(driver, "#otp")
    wait_text(driver, "otp-sent", "****")
    driver.save_screenshot(str(SCREENSHOTS / "security-second-factor.png"))
    driver.find_element(By.ID, "otp").send_keys("000000")
    driver.find_element(By.ID, "otp-submit").click()
    wait_text(driver, "login-error", t("sms.code_wrong", "zh", left=4)[:6])
    box = driver.find_element(By.ID, "otp")
    box.clear()
    box.send_keys(sign_in_code("security"))
    driver.find_element(By.ID, "otp-submit").click()
    wait_text(driver, "home-title", t("home.security", "zh"))
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))


def _solve(challenge_id: str) -> str:
    """Read the picture as a person would — here by trying every answer against the stored
    keyed hash (29⁴ tries, a couple of seconds), since a test has no eyes."""
    with Session(make_engine(APP_DB["url"])) as s:
        row = s.get(CaptchaChallenge, challenge_id)
        assert row is not None
        target = row.answer_hash
    for letters in itertools.product(captcha.ALPHABET, repeat=4):
        answer = "".join(letters)
        if blind_index(f"{challenge_id}|{answer}", purpose="captcha") == target:
            return answer
    raise AssertionError("no answer fits the picture")


def test_repeated_failures_bring_a_captcha(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    try:
        for n in range(3):
            sign_in(driver, app_url, f"nobody{n}", "Wrong#2026")
            wait_css(driver, "#login-error")
        wait_css(driver, "#captcha-image")
        driver.save_screenshot(str(SCREENSHOTS / "security-captcha.png"))
        # the right password alone is no longer enough
        sign_in(driver, app_url, "qiye003")
        wait_text(driver, "login-error", t("captcha.required", "zh"))
        with Session(make_engine(APP_DB["url"])) as s:
            newest = s.exec(
                select(CaptchaChallenge).order_by(CaptchaChallenge.expires_at.desc())  # type: ignore[attr-defined]
            ).first()
            assert newest is not None
        answer = _solve(newest.id)
        for field, value in (
            ("username", "qiye003"),
            ("password", "Demo@2026"),
            ("captcha", answer),
        ):
            box = driver.find_element(By.ID, field)
            box.clear()
            box.send_keys(value)
        driver.find_element(By.ID, "login-submit").click()
        wait_text(driver, "home-title", t("home.applicant", "zh"))
        driver.find_element(By.ID, "logout").click()
    finally:  # the other browser tests sign in from this address too
        with Session(make_engine(APP_DB["url"])) as s:
            s.execute(delete(RateCounter).where(RateCounter.subject == "127.0.0.1"))  # type: ignore[arg-type]
            s.commit()


def test_a_one_time_password_is_replaced_then_changed_again(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    from eap.models.accounts import UserCreate
    from eap.services.admin.accounts import create_user

    with Session(make_engine(APP_DB["url"])) as s:
        if s.exec(select(User).where(User.username == "newduban")).first() is None:
            create_user(
                s,
                data=UserCreate(
                    username="newduban",
                    display_name="新督查员",
                    role="supervisor",
                    password="Once#Only2026",
                    region_code="360100",
                    phone="13700005555",
                ),
                actor_id=None,
                one_time=True,
            )
            s.commit()
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "newduban", "Once#Only2026")
    wait_css(driver, "#first-password")
    driver.find_element(By.ID, "new-password").send_keys("short")
    driver.find_element(By.ID, "new-password2").send_keys("short")
    driver.find_element(By.ID, "set-password").click()
    wait_text(driver, "login-error", t("auth.password_rules", "zh", length=8))
    driver.save_screenshot(str(SCREENSHOTS / "security-first-password.png"))
    for box_id in ("new-password", "new-password2"):
        box = driver.find_element(By.ID, box_id)
        box.clear()
        box.send_keys("Mine#Own2026")
    driver.find_element(By.ID, "set-password").click()
    wait_text(driver, "home-title", t("home.supervisor", "zh"))
    # later, from the key in the top bar: the old one is required
    driver.find_element(By.ID, "password-link").click()
    wait_text(driver, "home-title", t("account.password_title", "zh"))
    # the page's on-load may run after a quick first submit and clear its answer: submit again
    # until the refusal stays beside the field
    for _ in range(3):
        for name, value in (
            ("old_password", "wrong"),
            ("password", "Next#Pass2026"),
            ("password2", "Next#Pass2026"),
        ):
            box = driver.find_element(By.ID, f"pw-{name}")
            box.clear()
            box.send_keys(value)
        driver.find_element(By.ID, "pw-submit").click()
        try:
            wait_text(driver, "error-old_password", t("account.old_password_wrong", "zh"), 5)
            break
        except Exception:  # not answered yet: once more
            continue
    wait_text(driver, "error-old_password", t("account.old_password_wrong", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "security-change-password.png"))
    for name, value in (
        ("old_password", "Mine#Own2026"),
        ("password", "Next#Pass2026"),
        ("password2", "Next#Pass2026"),
    ):
        box = driver.find_element(By.ID, f"pw-{name}")
        box.clear()
        box.send_keys(value)
    driver.find_element(By.ID, "pw-submit").click()
    wait_text(driver, "pw-message", t("account.password_changed", "zh")[:4])
    driver.find_element(By.ID, "logout").click()
    sign_in(driver, app_url, "newduban", "Next#Pass2026")
    wait_text(driver, "home-title", t("home.supervisor", "zh"))
    driver.find_element(By.ID, "logout").click()


def test_the_security_officer_ends_a_session(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    from eap.services.admin import accounts

    with Session(make_engine(APP_DB["url"])) as s:  # someone signed in elsewhere
        token = accounts.login(s, username="qiye004", password="Demo@2026").token
        s.commit()
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "security")
    wait_text(driver, "home-title", t("home.security", "zh"))
    wait_text(driver, "sessions-table", "qiye004")
    driver.save_screenshot(str(SCREENSHOTS / "security-officer.png"))
    row = next(
        r
        for r in driver.find_elements(By.CSS_SELECTOR, "#sessions-table tbody tr")
        if "qiye004" in r.text
    )
    row.find_element(By.CSS_SELECTOR, ".force-out").click()
    wait_css(driver, ".force-out-confirm").click()  # the dialog asks first
    wait_text(driver, "action-message", t("security.forced_out", "zh")[:4])
    with Session(make_engine(APP_DB["url"])) as s:
        assert accounts.resolve_session(s, token=token) is None
    # the policy: a value out of its range is refused beside its field, nothing saved
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(  # the confirmation dialog holds the page while it closes
        lambda d: not d.find_elements(By.CSS_SELECTOR, "[role=alertdialog]")
    )
    idle = driver.find_element(By.ID, "policy-session_idle_minutes")
    retype(idle, "60")
    driver.find_element(By.ID, "policy-save").click()
    wait_text(driver, "error-session_idle_minutes", "5")
    assert idle.get_attribute("value") == "60"  # what was typed stays
    with Session(make_engine(APP_DB["url"])) as s:
        assert s.get(SecurityPolicy, 1) is None
    retype(idle, "30")
    hours = driver.find_element(By.ID, "policy-session_max_hours")
    retype(hours, "11")
    driver.save_screenshot(str(SCREENSHOTS / "security-policy.png"))
    driver.find_element(By.ID, "policy-save").click()
    wait_text(driver, "action-message", t("security.policy_saved", "zh"))
    with Session(make_engine(APP_DB["url"])) as s:
        saved = s.get(SecurityPolicy, 1)
        assert saved is not None and (saved.session_max_hours, saved.session_idle_minutes) == (
            11,
            30,
        )
    driver.find_element(By.ID, "logout").click()
