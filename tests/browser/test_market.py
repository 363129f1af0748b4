"""The intermediary market end to end in the browser: an owner posts a purchase (a wrong
budget is refused beside the field), two agencies register, the draw runs at the deadline and
anyone can check it on /market, the contract is signed by both, the result is accepted into
the owner's library and offered in the one form, the owner rates and the credit shows."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Agency, AgencyService, Company, Project, Purchase, User
from eap.models.market import ServiceStatus
from eap.models.projects import ProjectCreate
from eap.services.agency import selection
from eap.services.core.clock import today_in_china
from eap.services.core.principal import Principal
from eap.services.hall import projects
from tests.browser.helpers import (
    APP_DB,
    SCREENSHOTS,
    pick,
    sign_in,
    wait_clickable,
    wait_css,
    wait_text,
)

pytestmark = pytest.mark.browser
OWNER = "qiye001"


def _switch(driver, url: str, username: str, path: str) -> None:  # type: ignore[no-untyped-def]
    driver.delete_all_cookies()
    sign_in(driver, url, username)
    time.sleep(1)
    driver.get(url + path)


def _wait_db(engine, check, timeout: float = 20):  # type: ignore[no-untyped-def]
    deadline = time.time() + timeout
    while time.time() < deadline:
        with Session(engine) as s:
            value = check(s)
            if value:
                return value
        time.sleep(0.3)
    raise AssertionError("the database never showed it")


def _texts(driver, css: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts of the elements matching ``css``; [] while the list is being re-rendered."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        return [e.text for e in driver.find_elements(By.CSS_SELECTOR, css)]
    except StaleElementReferenceException:
        return []


def _file(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n% " + name.encode() + b"\n%%EOF\n")
    return str(path)


def test_market_journey(app_url: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:  # the owner's project in 南昌 (the demo agencies serve it)
        owner = s.exec(select(User).where(User.username == OWNER)).one()
        project = projects.register_project(
            s,
            principal=Principal.of(owner),
            data=ProjectCreate(
                project_code="2026-360102-47-01-990001",
                name="洪都中介采购测试项目",
                region_code="360102",
                location="南昌市东湖区",
                total_investment=8000,
                process_type=1,
            ),
            units=[],
        )
        s.commit()
        project_id = project.id

    # 1. the owner posts; a negative budget is refused beside the field, nothing saved
    _switch(driver, app_url, OWNER, "/hall/intermediary")
    wait_text(driver, "home-title", t("market.owner_title", "zh"))
    pick(driver, "purchase-project", "洪都中介采购测试项目")
    pick(driver, "purchase-service", "环境影响评价")
    driver.find_element(By.ID, "purchase-scope").send_keys("编制本项目环境影响报告表并协助报批")
    driver.find_element(By.ID, "purchase-budget").send_keys("-5")
    driver.find_element(By.ID, "purchase-limit-days").send_keys("10")
    driver.find_element(By.ID, "purchase-register-days").send_keys("3")
    driver.find_element(By.ID, "purchase-post").click()
    wait_css(driver, "#error-budget")
    driver.save_screenshot(str(SCREENSHOTS / "agency-owner-error.png"))
    with Session(engine) as s:
        assert not s.exec(select(Purchase).where(Purchase.project_id == project_id)).all()
    budget = driver.find_element(By.ID, "purchase-budget")
    budget.clear()
    budget.send_keys("50000")
    driver.find_element(By.ID, "purchase-post").click()
    wait_text(driver, "action-message", t("market.posted", "zh"))
    number = _wait_db(
        engine,
        lambda s: s.exec(select(Purchase.number).where(Purchase.project_id == project_id)).first(),
    )
    wait_css(driver, ".purchase-number")
    driver.save_screenshot(str(SCREENSHOTS / "agency-owner-post.png"))

    # 2. two agencies find it among their opportunities and register
    with Session(engine) as s:
        pid = s.exec(select(Purchase.id).where(Purchase.number == number)).one()
    for username in ("zhongjie01", "zhongjie02"):
        _switch(driver, app_url, username, "/agency")
        wait_text(driver, "home-title", t("market.workbench", "zh"))
        wait_css(driver, f"#register-{pid}").click()
        wait_text(driver, "action-message", t("market.registered", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "agency-opportunities.png"))

    # 3. the deadline passes: the scheduler's job draws, once; anyone checks it on /market
    with Session(engine) as s:
        s.execute(
            update(Purchase)
            .where(col(Purchase.id) == pid)
            .values(deadline=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        )
        s.commit()
        assert selection.select_due(s)["selected"] >= 1
        purchase = s.get(Purchase, pid)
        assert purchase is not None and purchase.winner_id is not None
        winner_user = s.exec(
            select(User)
            .join(Agency, col(Agency.company_id) == col(User.company_id))
            .where(Agency.id == purchase.winner_id, User.role == "agency")
        ).first()
        assert winner_user is not None and winner_user.username in ("zhongjie01", "zhongjie02")
        sid = s.exec(select(AgencyService.id).where(AgencyService.purchase_id == pid)).one()
    driver.delete_all_cookies()
    driver.get(app_url + "/market")
    wait_css(driver, "#tab-results").click()
    wait_css(driver, f"#verify-{pid}").click()
    wait_text(driver, "verify-outcome", number)
    assert (
        t("market.verify.ok", "zh", number=number, winner="")[:8]
        in driver.find_element(By.ID, "verify-outcome").text
    )
    driver.save_screenshot(str(SCREENSHOTS / "agency-market-verify.png"))

    # 4. the publicity ends; the winner uploads and confirms the contract, the owner confirms
    with Session(engine) as s:
        yesterday = today_in_china() - dt.timedelta(days=1)
        s.execute(update(Purchase).where(col(Purchase.id) == pid).values(publicity_until=yesterday))
        s.execute(
            update(AgencyService)
            .where(col(AgencyService.id) == sid)
            .values(contract_due=today_in_china() + dt.timedelta(days=14))
        )
        s.commit()
    _switch(driver, app_url, winner_user.username, "/agency")
    wait_css(driver, "#tab-services").click()
    wait_css(driver, f"#upload-contract-{sid}").click()
    wait_css(driver, "#agency-uploader input[type=file]").send_keys(_file(tmp_path, "合同.pdf"))
    wait_text(driver, "action-message", t("market.contract_uploaded", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "agency-contract.png"))
    _switch(driver, app_url, OWNER, "/hall/intermediary")
    wait_css(driver, f"#owner-confirm-contract-{sid}").click()
    wait_text(driver, "action-message", t("market.contract_confirmed", "zh"))
    _wait_db(
        engine,
        lambda s: s.get(AgencyService, sid).status == ServiceStatus.IN_PROGRESS,  # type: ignore[union-attr]
    )

    # 5. the agency submits its result; the owner accepts it into the library and rates
    _switch(driver, app_url, winner_user.username, "/agency")
    wait_css(driver, "#tab-services").click()
    wait_css(driver, f"#submit-result-{sid}").click()
    wait_css(driver, "#agency-uploader input[type=file]").send_keys(
        _file(tmp_path, "环境影响报告表.pdf")
    )
    wait_text(driver, "action-message", t("market.result_submitted", "zh"))
    _switch(driver, app_url, OWNER, "/hall/intermediary")
    wait_css(driver, f"#accept-{sid}").click()
    wait_text(driver, "action-message", t("market.accepted", "zh"))
    wait_css(driver, f"#in-library-{sid}")
    pick(driver, f"rating-{sid}", "5 ★")
    driver.find_element(By.ID, f"rate-{sid}").click()
    wait_text(driver, "action-message", t("market.rated", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "agency-owner-accepted.png"))

    # 6. the one form of the parallel stage offers the report: nothing to upload again
    driver.get(app_url + "/hall/apply")
    pick(driver, "choose-project", "洪都中介采购测试项目")
    pick(driver, "choose-stage", t("stage.5", "zh"))
    deadline = time.time() + 20
    while time.time() < deadline:
        rows = [r for r in _texts(driver, "tr") if "M038" in r]
        if rows and t("apply.satisfied.library", "zh") in rows[0]:
            break
        time.sleep(0.3)
    else:
        raise AssertionError("the one form does not offer the accepted report")
    driver.save_screenshot(str(SCREENSHOTS / "agency-one-form.png"))

    # 7. the agency's credit, recomputed, on the public ranking
    with Session(engine) as s:
        agency = s.get(Agency, purchase.winner_id)
        company = s.get(Company, agency.company_id) if agency else None
        assert agency is not None and company is not None and agency.completed >= 1
        credit = agency.credit
    driver.delete_all_cookies()
    driver.get(app_url + "/market")
    wait_css(driver, "#tab-directory").click()
    wait_css(driver, "#directory-query").send_keys(company.uscc)
    driver.find_element(By.ID, "directory-search").click()
    deadline = time.time() + 20
    while time.time() < deadline:
        rows = _texts(driver, ".directory-row")
        if len(rows) == 1 and company.name in rows[0]:
            break
        time.sleep(0.3)
    assert len(rows) == 1 and f"\n{credit:g}\n" in rows[0]  # the page prints 100, not 100.0
    driver.save_screenshot(str(SCREENSHOTS / "agency-credit.png"))
    with Session(engine) as s:
        assert s.get(Project, project_id) is not None


def test_reviewer_supervisor_and_the_english_market(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    """The reviewer refuses only with a reason (said beside the field), then admits; the
    supervision tab lists overdue services and the upheld objection; /market reads in English."""
    from selenium.webdriver.common.by import By

    driver = browser
    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:
        pending = s.exec(
            select(Agency)
            .join(User, col(User.company_id) == col(Agency.company_id))
            .where(User.username == "zhongjie29")
        ).one()
    key = f"a{pending.id}"
    _switch(driver, app_url, "admin", "/admin/market")
    wait_text(driver, "home-title", t("market.admin_title", "zh"))
    wait_css(driver, f"#refuse-{key}").click()
    wait_text(driver, f"error-{key}", t("market.refuse_reason", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "agency-admin-review.png"))
    with Session(engine) as s:
        assert s.get(Agency, pending.id).status == 1  # type: ignore[union-attr]
    driver.find_element(By.ID, f"admit-{key}").click()
    wait_text(driver, "action-message", t("market.admitted", "zh"))
    _wait_db(engine, lambda s: s.get(Agency, pending.id).status == 2)  # type: ignore[union-attr]

    _switch(driver, app_url, "nc_duban", "/supervision")
    wait_clickable(driver, "#tab-market").click()  # shown once the page knows the role
    wait_css(driver, "#watch-overdue tr")
    wait_css(driver, "#watch-objections tr")
    assert (
        t("market.objection_status.2", "zh") in driver.find_element(By.ID, "watch-objections").text
    )
    driver.save_screenshot(str(SCREENSHOTS / "agency-supervision.png"))

    driver.delete_all_cookies()
    driver.get(app_url + "/market")
    wait_text(driver, "home-title", t("market.public_title", "zh"))
    driver.find_element(By.ID, "lang-toggle").click()
    wait_text(driver, "home-title", t("market.public_title", "en"))
    wait_css(driver, "#tab-announcements").click()
    wait_css(driver, "#announcements tr")
    assert t("market.method.2", "en") in driver.find_element(By.ID, "announcements").text
    driver.save_screenshot(str(SCREENSHOTS / "agency-market-en.png"))
    driver.find_element(By.ID, "lang-toggle").click()
