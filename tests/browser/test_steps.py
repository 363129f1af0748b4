"""经办 proposes, the department head signs — in the browser."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import ItemCase, StageCase, User
from eap.models.cases import Blzt
from eap.services.approval import intake, steps
from eap.services.core.principal import Principal
from tests.browser.helpers import (
    APP_DB,
    SCREENSHOTS,
    click,
    file_stage_one,
    open_case,
    sign_in,
    wait_message,
    wait_text,
)

pytestmark = pytest.mark.browser


def test_handler_proposes_head_signs(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]

    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:
        P = lambda n: Principal.of(s.exec(select(User).where(User.username == n)).one())  # noqa: E731
        owner, head, window = P("qiye002"), P("nc_zrzy_head"), P("nc_window")
        user = s.get(User, owner.user_id)
        user.region_code = "360102"
        s.add(user)
        steps.set_chain(
            s,
            principal=head,
            department_id=head.department_id,
            item_id=None,
            steps=["handle", "sign"],
        )
        sc = file_stage_one(
            s, owner, project_code="2026-360102-47-01-777002", name="签发流程测试楼", investment=500
        )
        intake.receive_case(s, principal=window, stage_case_id=sc.id)
        intake.accept_case(s, principal=window, stage_case_id=sc.id)
        s.commit()
        case = s.exec(
            select(ItemCase).where(
                ItemCase.stage_case_id == sc.id, ItemCase.department_id == head.department_id
            )
        ).one()
        case_no, case_id = case.case_no, case.id
    try:
        _walk(browser, app_url, case_no, case_id, sc.id)
    finally:  # the app is shared by the browser tests: leave no chain behind
        from eap.models import StepChain

        with Session(engine) as s:
            for row in s.exec(select(StepChain)):
                s.delete(row)
            s.commit()


def _walk(driver, app_url: str, case_no: str, case_id: int, stage_case_id: int) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    engine = make_engine(APP_DB["url"])
    driver.delete_all_cookies()
    sign_in(driver, app_url, "nc_zrzy")
    wait_text(driver, "home-title", t("home.approver", "zh"))
    open_case(driver, ".inbox-case", case_no)
    click(driver, "#btn-start")
    wait_message(driver)
    wait_text(driver, "current-step", t("steps.handle", "zh"))
    driver.find_element(By.ID, "dept-opinion").send_keys("经审查符合条件，拟同意")
    click(driver, "#btn-propose-approve")
    wait_message(driver)
    wait_text(driver, "current-step", t("steps.sign", "zh"))
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    sign_in(driver, app_url, "nc_zrzy_head")
    wait_text(driver, "home-title", t("home.approver", "zh"))
    open_case(driver, ".inbox-case", case_no)
    wait_text(driver, "current-step", t("steps.sign", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "department-sign.png"))
    click(driver, "#btn-sign")
    wait_message(driver)
    with Session(engine) as s:
        assert s.get(ItemCase, case_id).status == Blzt.APPROVED  # type: ignore[union-attr]
        assert s.get(StageCase, stage_case_id).status == "accepted"  # type: ignore[union-attr]
    driver.find_element(By.ID, "logout").click()
