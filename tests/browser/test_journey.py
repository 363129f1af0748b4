"""The whole applicant journey as a new user makes it, in the browser: register with an SMS
code, register a project, apply for stage 1 through the questionnaire (saving a draft on the
way), answer a supplement notice, see the approval, download and verify the certificate,
rate the case and see the reply to a bad grade, book a window appointment.

The government side (window, departments, lead department) acts through the engine's own
services, as a test helper; the workbench pages have their own browser tests."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, select

from eap.db import make_engine
from eap.demo.seed import make_uscc
from eap.i18n import t
from eap.models import (
    Certificate,
    Evaluation,
    ItemCase,
    Project,
    SmsOutbox,
    StageCase,
    User,
)
from eap.models.cases import TERMINAL, Blzt
from eap.services.approval import handling, intake, results, supplements
from eap.services.core.principal import Principal
from eap.services.hall import appointments, evaluation
from tests.browser.helpers import (
    APP_DB,
    SCREENSHOTS,
    click,
    open_alert_case,
    open_case,
    pick,
    project_card,
    sign_in,
    stored_states_containing,
    upload,
    wait_css,
    wait_message,
    wait_text,
)
from tests.factories import sms_ids_to

pytestmark = pytest.mark.browser
RNG = random.Random()


def _type(driver, element_id: str, value: str) -> None:  # type: ignore[no-untyped-def]
    box = wait_css(driver, f"#{element_id}")
    box.clear()
    box.send_keys(value)


def _type_all(driver, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Type into several boxes and check they kept it: a page's on-load that runs late clears
    what was typed before it (then type again)."""
    for _ in range(4):
        for element_id, value in values.items():
            _type(driver, element_id, value)
        time.sleep(0.4)
        kept = {i: wait_css(driver, f"#{i}").get_attribute("value") for i in values}
        if kept == values:
            return
    raise AssertionError(f"the page kept clearing {values}")


def _staff(s: Session, username: str) -> Principal:
    return Principal.of(s.exec(select(User).where(User.username == username)).one())


def _approve_everything(s: Session, stage_case_id: int) -> None:
    """Each department starts and approves its items (waiting ones after their prerequisite);
    the lead department closes the stage and the window delivers the results."""
    for _ in range(10):
        open_cases = [
            c
            for c in s.exec(select(ItemCase).where(ItemCase.stage_case_id == stage_case_id))
            if c.status not in TERMINAL
        ]
        if not open_cases:
            break
        for case in open_cases:
            if case.waiting_on:
                continue
            who = Principal.of(
                s.exec(
                    select(User).where(
                        User.department_id == case.department_id, col(User.is_head).is_(False)
                    )
                ).first()
            )
            if case.status == Blzt.ACCEPTED:
                handling.start_handling(s, principal=who, item_case_id=case.id or 0)
            handling.decide(
                s, principal=who, item_case_id=case.id or 0, outcome="approve", opinion="同意"
            )
        s.flush()
    sc = s.get(StageCase, stage_case_id)
    assert sc is not None
    lead = Principal.of(
        s.exec(
            select(User).where(
                User.department_id == sc.lead_department_id, col(User.is_head).is_(False)
            )
        ).first()
    )
    results.close_stage(s, principal=lead, stage_case_id=stage_case_id, opinion="同步出件")
    results.deliver_results(
        s, principal=_staff(s, "nc_window"), stage_case_id=stage_case_id, channel="online"
    )


def test_new_user_journey(app_url: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    db = make_engine(APP_DB["url"])
    driver.delete_all_cookies()
    n = RNG.randrange(10**7, 10**8)
    phone, username, password = f"139{n}", f"journey{n}", "Journey#2026"
    uscc = make_uscc(RNG, "360102")

    # 1. Register and verify the phone.
    driver.get(app_url + "/login")
    wait_css(driver, "#register-link").click()
    wait_text(driver, "register-title", t("register.title", "zh"))
    for element_id, value in (
        ("reg-uscc", uscc),
        ("reg-name", f"旅程建设有限公司{n}"),
        ("reg-legal_rep", "赵六"),
        ("reg-display_name", "钱七"),
        ("reg-phone", phone),
        ("reg-username", username),
        ("reg-password", "weakpass"),
        ("reg-password2", "weakpass"),
    ):
        _type(driver, element_id, value)
    driver.find_element(By.ID, "btn-send-code").click()
    wait_text(driver, "reg-message", t("sms.sent", "zh"))
    wait_text(driver, "btn-send-code", t("register.resend_in", "zh"))  # counting down
    with Session(db) as s:
        sms = s.exec(
            select(SmsOutbox)
            .where(col(SmsOutbox.id).in_(sms_ids_to(s, phone)))
            .order_by(col(SmsOutbox.id).desc())
        ).first()
        assert sms is not None
        code = re.search(r"\d{6}", sms.text).group(0)  # type: ignore[union-attr]
    _type(driver, "reg-code", code)
    driver.find_element(By.ID, "btn-register-account").click()
    wait_text(driver, "error-password", t("auth.password_rules", "zh", length=8))
    driver.save_screenshot(str(SCREENSHOTS / "journey-01-register-error.png"))
    _type(driver, "reg-password", password)
    _type(driver, "reg-password2", password)
    driver.find_element(By.ID, "btn-register-account").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    sign_in(driver, app_url, username, password)
    wait_text(driver, "home-title", t("home.applicant", "zh"))

    # 2. Register a project.
    driver.get(app_url + "/hall/projects/new")
    wait_text(driver, "home-title", t("apply.new_project", "zh"))
    project_code = f"2026-360102-47-03-{n % 900000:06d}"  # the fake platform refuses 9…
    for name, value in (
        ("project_code", project_code),
        ("name", "旅程测试综合楼"),
        ("location", "南昌市东湖区阳明路"),
        ("total_investment", "3000"),
        ("land_area", "8000"),
        ("floor_area", "20000"),
    ):
        _type(driver, f"field-{name}", value)
    pick(driver, "field-process_type", t("ptype.3", "zh"))
    pick(driver, "field-city", "南昌市")
    pick(driver, "field-region_code", "东湖区")
    driver.find_element(By.ID, "btn-register").click()
    wait_text(driver, "home-title", t("apply.title", "zh"))
    # (issue 18, item 2) the registration is confirmed and the new project already chosen
    wait_text(driver, "apply-message", t("apply.registered", "zh", name="旅程测试综合楼"))
    assert "旅程测试综合楼" in wait_css(driver, "#choose-project").text

    # 3. Apply for stage 1: the questionnaire decides the items; save a draft, come back.
    wait_css(driver, "#questionnaire")
    wait_css(driver, "#q-filing_only-yes").click()
    time.sleep(1)
    wait_css(driver, "#form-materials tr")
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#form-materials tr")]
    codes = [r.split()[0] for r in rows if t("material.missing", "zh") in r]
    owable = [
        r.split()[0]
        for r in rows
        if t("apply.deferrable", "zh") in r and t("material.missing", "zh") in r
    ]
    assert codes
    # (item 1) submitting with nothing uploaded names the key materials missing; nothing filed
    driver.find_element(By.ID, "btn-submit").click()
    wait_text(driver, "apply-error", t("apply.missing_key", "zh", codes="").split("：")[0])
    error = driver.find_element(By.ID, "apply-error").text
    assert all(c in error for c in codes if c not in owable)
    for code_ in [c for c in codes if c not in owable] + owable:
        if owable and code_ == owable[0]:  # what 容缺 lets be owed: asked first, by name
            driver.find_element(By.ID, "btn-submit").click()
            wait_text(driver, "owed-question", owable[0])
            driver.find_element(By.ID, "owed-back").click()
        name = upload(driver, code_, tmp_path)
        for _ in range(40):
            rows = driver.find_elements(By.CSS_SELECTOR, "#form-materials tr")
            if any(r.text.startswith(code_) and name in r.text for r in rows):
                break
            time.sleep(0.25)
        else:
            raise AssertionError(f"{code_} not uploaded")
    assert driver.find_elements(By.CSS_SELECTOR, ".preview-link")
    driver.find_element(By.ID, "btn-draft").click()
    wait_text(driver, "apply-message", t("apply.draft_saved", "zh"))
    # Another day, another tab (a page state of its own; the same signed-in browser): the
    # saved draft comes back. (Leaving the page and coming back in the same tab keeps the
    # tab's own work, saved or not.)
    driver.get(app_url + "/hall")
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    driver.get(app_url + "/hall/apply")
    wait_text(driver, "form-materials", f"{codes[0]}-材料.pdf")
    first_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    second_tab = driver.current_window_handle
    driver.switch_to.window(first_tab)
    driver.close()
    driver.switch_to.window(second_tab)
    driver.get(app_url + "/hall/apply")
    wait_text(driver, "home-title", t("apply.title", "zh"))
    pick(driver, "choose-project", "旅程测试综合楼")
    wait_text(driver, "apply-message", t("apply.draft_resumed", "zh", at="").split()[0])
    wait_text(driver, "form-materials", f"{codes[0]}-材料.pdf")
    driver.save_screenshot(str(SCREENSHOTS / "journey-02-apply-draft.png"))
    driver.find_element(By.ID, "btn-submit").click()
    wait_css(driver, "#receipt")
    driver.save_screenshot(str(SCREENSHOTS / "journey-03-receipt.png"))
    with Session(db) as s:
        project = s.exec(select(Project).where(Project.project_code == project_code)).one()
        sc = s.exec(select(StageCase).where(StageCase.project_id == project.id)).one()
        sc_id, case_no = sc.id or 0, sc.case_no
        assert case_no in driver.find_element(By.ID, "receipt").text
        assert sc.answers.get("filing_only") is True

    # 4. The window receives it in the browser: (item 10) the case opens in view with its row
    # marked; (item 11) nothing destructive is preselected and 不予受理 asks, with a reason.
    driver.find_element(By.ID, "logout").click()
    sign_in(driver, app_url, "nc_window")
    wait_text(driver, "home-title", t("home.window", "zh"))
    open_case(driver, ".queue-case", case_no)
    assert case_no in wait_css(driver, ".selected-row").text
    wait_css(driver, "#case-title")
    top = driver.execute_script(
        "return document.getElementById('case-panel').getBoundingClientRect().top"
    )
    assert top < driver.execute_script("return window.innerHeight"), "case opened off screen"
    click(driver, "#btn-receive")
    wait_message(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, "button[role=checkbox][data-state=checked]")
    click(driver, "#btn-refuse-formal")
    assert not wait_css(driver, "#btn-refuse-formal-confirm").is_enabled()  # no reason, no
    driver.save_screenshot(str(SCREENSHOTS / "journey-04-window-refuse-asks.png"))
    click(driver, "#btn-refuse-formal-cancel")
    with Session(db) as s:
        assert {
            c.status for c in s.exec(select(ItemCase).where(ItemCase.stage_case_id == sc_id))
        } == {Blzt.RECEIVED}
        # The window raises a one-time supplement notice (test helper, through the engine).
        window = _staff(s, "nc_window")
        supplements.request_intake_supplement(
            s,
            principal=window,
            stage_case_id=sc_id,
            materials=[{"code": codes[0], "remark": "缺少盖章"}],
            remarks="请补正后重新提交",
        )
        s.commit()
    # The hall offers 去补正 on the application; it opens the supplement alone: the notice, its
    # materials to upload and one button — not the original form's submit and draft buttons.
    driver.delete_all_cookies()  # the clerk's browser is not the applicant's
    sign_in(driver, app_url, username, password)
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    driver.get(app_url + "/hall")
    card = project_card(driver, "旅程测试综合楼", needs=".go-supplement")
    card.find_element(By.CSS_SELECTOR, ".go-supplement").click()
    wait_css(driver, ".answer-notice")
    assert not driver.find_elements(By.ID, "btn-submit")
    assert not driver.find_elements(By.ID, "btn-draft")
    (tmp_path / "again").mkdir()
    upload(driver, codes[0], tmp_path / "again")
    trigger = driver.find_element(By.ID, "upload-code").text
    assert trigger.count(codes[0]) == 1, trigger  # was "M001M001"
    time.sleep(1.5)
    driver.save_screenshot(str(SCREENSHOTS / "journey-04-supplement.png"))
    driver.find_element(By.CSS_SELECTOR, ".answer-notice").click()
    wait_text(driver, "apply-message", t("apply.supplied", "zh"))

    # 5. Accepted and approved in parallel, the stage closed and the results delivered.
    with Session(db) as s:
        intake.accept_case(s, principal=_staff(s, "nc_window"), stage_case_id=sc_id)
        _approve_everything(s, sc_id)
        s.commit()
        cert = s.exec(
            select(Certificate)
            .join(ItemCase, col(ItemCase.id) == col(Certificate.item_case_id))
            .where(ItemCase.stage_case_id == sc_id)
        ).first()
        assert cert is not None
        cert_id, cert_no, token = cert.id, cert.cert_no, cert.verify_token
    driver.get(app_url + "/hall")
    card = project_card(driver, "旅程测试综合楼", needs=".rate-open")
    assert cert_no in card.text
    driver.save_screenshot(str(SCREENSHOTS / "journey-05-results.png"))
    session_cookie = driver.get_cookie("eap_session")["value"]
    pdf = httpx.get(
        f"{app_url}/documents/certificate/{cert_id}.pdf", cookies={"eap_session": session_cookie}
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert httpx.get(f"{app_url}/documents/certificate/{cert_id}.pdf").status_code == 401
    driver.get(f"{app_url}/verify/{token}")
    wait_text(driver, "verify-result", t("verify.genuine_valid", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "journey-06-verify.png"))

    # 6. Rate the case (a bad grade) and see the department's rectification.
    driver.get(app_url + "/hall")
    card = project_card(driver, "旅程测试综合楼", needs=".rate-open")
    card.find_element(By.CSS_SELECTOR, ".rate-open").click()
    pick(driver, "rate-grade-trigger", t("grade.2", "zh"))
    wait_css(driver, "#rate-comment").send_keys("窗口答复不够及时")
    wait_css(driver, ".rate-confirm").click()
    wait_text(driver, "hall-message", t("hall.rated", "zh"))
    with Session(db) as s:
        ev = s.exec(select(Evaluation).where(Evaluation.stage_case_id == sc_id)).one()
        assert ev.grade == 2 and ev.rectify_by is not None
        # The rated item's own department rectifies (一事一评 per 办件).
        handler = Principal.of(
            s.exec(
                select(User).where(
                    User.department_id == ev.department_id, col(User.is_head).is_(False)
                )
            ).first()
        )
        evaluation.rectify(
            s,
            principal=handler,
            evaluation_id=ev.id or 0,
            rectification="已安排专人跟进答复",
            callback_note="电话回访，企业表示满意",
        )
        s.commit()
    driver.get(app_url + "/hall")
    project_card(driver, "旅程测试综合楼", needs=".grade-reply")
    assert "已安排专人跟进答复" in driver.find_element(By.CSS_SELECTOR, ".grade-reply").text
    driver.save_screenshot(str(SCREENSHOTS / "journey-07-grade-reply.png"))

    # 7. Book a window appointment for the next working day, see it listed.
    with Session(db) as s:
        day = appointments.bookable_days(s)[1].isoformat()
    driver.get(app_url + "/hall/appointments")
    wait_text(driver, "home-title", t("appointment.title", "zh"))
    pick(driver, "day", day)
    wait_css(driver, "#slots .slot:not([disabled])").click()
    _type(driver, "appointment-topic", "领取纸质证照")
    driver.find_element(By.ID, "btn-book").click()
    wait_text(driver, "page-message", t("appointment.booked", "zh", ticket="")[:4])
    wait_text(driver, "my-bookings", "领取纸质证照")
    driver.save_screenshot(str(SCREENSHOTS / "journey-08-appointment.png"))
    # Plans change: cancel it (well before the cut-off) and the place is given back.
    from eap.models import Appointment, AppointmentSlot

    def _booking() -> tuple[Appointment, int]:
        with Session(db) as s:
            row = s.exec(
                select(Appointment)
                .where(Appointment.topic == "领取纸质证照")
                .order_by(col(Appointment.id).desc())
            ).first()
            assert row is not None
            return row, s.get(AppointmentSlot, row.slot_id).booked  # type: ignore[union-attr]

    _, taken = _booking()
    driver.find_element(By.CSS_SELECTOR, ".cancel-booking").click()
    wait_text(driver, "page-message", t("appointment.cancelled", "zh"))
    wait_text(driver, "my-bookings", t("appointment.status.cancelled", "zh"))
    booking, left = _booking()
    assert booking.status == "cancelled" and left == taken - 1

    # 8. Forgot the password: a code to the account's phone, a new password, sign in with it.
    driver.find_element(By.ID, "logout").click()
    wait_css(driver, "#reset-link").click()
    wait_text(driver, "reset-title", t("reset.title", "zh"))
    _type_all(driver, {"reset-username": username, "reset-phone": phone})
    with Session(db) as s:
        before = max(s.exec(select(SmsOutbox.id)).all(), default=0) or 0
    driver.find_element(By.ID, "btn-reset-code").click()
    wait_text(driver, "reset-message", t("reset.sent", "zh")[:4])
    with Session(db) as s:  # the reset's code, not the sign-up's sent to the same phone
        sms = s.exec(
            select(SmsOutbox)
            .where(col(SmsOutbox.id).in_(sms_ids_to(s, phone)), col(SmsOutbox.id) > before)
            .order_by(col(SmsOutbox.id).desc())
        ).first()
        assert sms is not None, "no reset code was sent"
        reset_code = re.search(r"\d{6}", sms.text).group(0)  # type: ignore[union-attr]
    _type(driver, "reset-code", reset_code)
    _type(driver, "reset-password", "Renewed#2026")
    _type(driver, "reset-password2", "Renewed#2026")
    driver.find_element(By.ID, "btn-reset").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    sign_in(driver, app_url, username, "Renewed#2026")
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    # (等保 item 1) The session cookie is HttpOnly, page scripts cannot read it, and no page
    # state Reflex stored holds a password, a phone code or the session token.
    cookie = driver.get_cookie("eap_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "eap_session" not in driver.execute_script("return document.cookie")
    assert (
        stored_states_containing(
            password, "weakpass", "Renewed#2026", code, reset_code, cookie["value"]
        )
        == []
    )

    # 9. (item 15) The province's supervisor sees late cases one row each — project, case,
    # item and department by name, the levels reached inside the row — and opens one.
    driver.find_element(By.ID, "logout").click()
    sign_in(driver, app_url, "sheng_duban")
    wait_text(driver, "home-title", t("home.supervisor", "zh"))
    wait_css(driver, "#alerts-table a.alert-link")
    links = driver.find_elements(By.CSS_SELECTOR, "#alerts-table a.alert-link")
    numbers = [a.text for a in links]
    assert numbers and "#" not in "".join(numbers) and len(numbers) == len(set(numbers))
    rows = driver.find_elements(By.CSS_SELECTOR, "#alerts-table tbody tr")
    assert all(len([c for c in r.find_elements(By.TAG_NAME, "td") if c.text]) >= 6 for r in rows)
    open_alert_case(driver)
    driver.save_screenshot(str(SCREENSHOTS / "journey-09-supervisor.png"))
