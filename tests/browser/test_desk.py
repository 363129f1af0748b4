"""Service-hall side of government work in the browser: the window checks in today's
appointment, a department answers a consultation that the applicant then reads and closes,
and an agent acts for the company that authorised it."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Appointment, AppointmentSlot, AuditLog, Department, Inquiry, Project, User
from eap.services.core.clock import today_in_china
from eap.services.core.principal import Principal
from eap.services.hall import inquiries
from tests.browser.helpers import APP_DB, SCREENSHOTS, sign_in, wait_css, wait_text

pytestmark = pytest.mark.browser


def _user(s: Session, username: str) -> User:
    return s.exec(select(User).where(User.username == username)).one()


def test_window_checks_in_todays_appointment(app_url: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The booking is written straight into today's slot so the test runs on any day."""
    db = make_engine(APP_DB["url"])
    ticket = f"T{random.randrange(10**6):06d}"
    with Session(db) as s:
        office = s.exec(
            select(Department).where(
                Department.region_code == "360100", Department.kind == "window"
            )
        ).one()
        slot = AppointmentSlot(
            department_id=office.id or 0,
            day=today_in_china(),
            start="23:00",
            end="23:30",
            capacity=3,
            booked=1,
        )
        s.add(slot)
        s.flush()
        owner = _user(s, "qiye002")
        s.add(
            Appointment(
                slot_id=slot.id or 0,
                company_id=owner.company_id or 0,
                user_id=owner.id or 0,
                topic="递交纸质材料",
                ticket=ticket,
            )
        )
        s.commit()
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "nc_window")
    wait_text(driver, "today-panel", ticket)
    row = next(r for r in driver.find_elements("css selector", ".today-row") if ticket in r.text)
    row.find_element("css selector", ".check-in").click()
    wait_text(driver, "today-panel", t("appointment.checked_in", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "window-today-appointments.png"))
    with Session(db) as s:
        booked = s.exec(select(Appointment).where(Appointment.ticket == ticket)).one()
        assert booked.status == "checked_in" and booked.checked_in_by is not None
    # The list goes to Excel as shown.
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    driver.find_element("id", "export-today").click()
    target = tmp_path / "appointments-today.xlsx"
    for _ in range(40):
        if target.exists() and target.stat().st_size > 0:
            break
        time.sleep(0.25)
    from openpyxl import load_workbook

    sheet = load_workbook(target).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert ticket in cells and t("appointment.status.checked_in", "zh") in cells


def test_department_answers_and_applicant_closes(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    db = make_engine(APP_DB["url"])
    subject = f"人防设计审查材料{random.randrange(10**5)}"
    with Session(db) as s:
        asker = Principal.of(_user(s, "qiye001"))
        q = inquiries.ask(
            s,
            principal=asker,
            kind="consult",
            subject=subject,
            body="地下室面积很小是否需要人防审查？",
            item_code="S3-03",
        )
        s.commit()
        q_id = q.id
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "nc_rf")
    wait_text(driver, "replies-panel", subject)
    link = next(a for a in driver.find_elements("css selector", ".reply-open") if a.text == subject)
    link.click()
    wait_css(driver, "#staff-reply").send_keys("按规定须同步修建防空地下室，可申请易地建设。")
    driver.find_element("id", "btn-staff-reply").click()
    wait_text(driver, "replies-panel", t("inquiry.reply_sent", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "department-replies.png"))
    with Session(db) as s:
        assert s.get(Inquiry, q_id).status == "answered"  # type: ignore[union-attr]
    driver.delete_all_cookies()
    sign_in(driver, app_url, "qiye001")
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    driver.get(app_url + "/hall/inquiries")
    wait_text(driver, "home-title", t("inquiry.title", "zh"))
    row = None
    for _ in range(40):
        rows = [
            r for r in driver.find_elements("css selector", ".inquiry-row") if subject in r.text
        ]
        if rows:
            row = rows[0]
            break
        time.sleep(0.25)
    assert row is not None and t("inquiry.status.answered", "zh") in row.text
    row.find_element("css selector", ".inquiry-open").click()
    wait_text(driver, "home-title", t("inquiry.title", "zh"))
    wait_css(driver, ".inquiry-close")
    assert "易地建设" in driver.page_source
    driver.save_screenshot(str(SCREENSHOTS / "hall-inquiry-thread.png"))
    driver.find_element("css selector", ".inquiry-close").click()
    wait_text(driver, "page-message", t("inquiry.closed_ok", "zh"))
    with Session(db) as s:
        assert s.get(Inquiry, q_id).status == "closed"  # type: ignore[union-attr]


def test_agent_acts_for_the_authorising_company(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    """The demo company of qiye001 has authorised daiban01 (seeded through the service)."""
    db = make_engine(APP_DB["url"])
    with Session(db) as s:
        company_id = _user(s, "qiye001").company_id
        project = s.exec(select(Project).where(Project.company_id == company_id)).first()
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "qiye001")
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    driver.get(app_url + "/hall/agents")
    wait_text(driver, "home-title", t("agent.title", "zh"))
    wait_css(driver, ".revoke-grant")
    assert "daiban01" in driver.page_source
    # A wrong username is explained beside its field.
    wait_css(driver, "#agent-username").send_keys("nobody_such_agent")
    driver.find_element("id", "agent-until").send_keys("12312030")
    driver.find_element("id", "btn-grant").click()
    wait_text(driver, "error-agent_username", t("agent.unknown", "zh"))
    driver.delete_all_cookies()
    sign_in(driver, app_url, "daiban01")
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    wait_text(driver, "agent-hint", t("agent.choose", "zh"))  # not acting for anyone yet
    driver.get(app_url + "/hall/agents")
    wait_css(driver, ".act-for").click()
    wait_text(driver, "page-message", t("agent.switched", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "agent-acting.png"))
    if project is not None:
        driver.get(app_url + "/hall")
        wait_text(driver, "home-title", t("home.applicant", "zh"))
        for _ in range(40):
            if project.name in driver.page_source:
                break
            time.sleep(0.25)
        assert project.name in driver.page_source
    with Session(db) as s:
        agent_id = _user(s, "daiban01").id
        acted = s.exec(
            select(AuditLog).where(
                AuditLog.action == "agent.act_for", AuditLog.actor_id == agent_id
            )
        ).all()
        assert [a.entity_id for a in acted][-1] == str(company_id)
