"""An applicant registers a project, applies for stage 1 with uploads, and answers the
one-time supplement notice — in the browser."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Project, StageCase, SupplementNotice, User
from eap.services.approval import intake, supplements
from eap.services.core.principal import Principal
from tests.browser.helpers import (
    APP_DB,
    SCREENSHOTS,
    pick,
    project_card,
    sign_in,
    upload,
    wait_css,
    wait_text,
)

pytestmark = pytest.mark.browser
CODE = "2026-360102-47-01-777004"


def test_register_apply_and_answer_supplement(app_url: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "qiye004")
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    driver.get(app_url + "/hall/projects/new")
    wait_text(driver, "home-title", t("apply.new_project", "zh"))
    # Required fields are marked and formats explained before anything fails.
    assert "*" in driver.find_element(By.CSS_SELECTOR, "label[for=field-project_code]").text
    assert "2026-360102-47-01-000123" in driver.find_element(By.ID, "hint-project_code").text
    assert (
        t("project.hint.investment", "zh")
        in driver.find_element(By.ID, "hint-total_investment").text
    )
    # A wrong code, a negative area and no region: all three said at once, each under its own
    # field, and nothing is saved.
    for name, value in (
        ("project_code", "2026-360102-47"),
        ("name", "浏览器申报测试楼"),
        ("location", "南昌市东湖区"),
        ("total_investment", "900"),
        ("land_area", "-5"),
        ("floor_area", "12000"),
    ):
        box = driver.find_element(By.ID, f"field-{name}")
        box.clear()
        box.send_keys(value)
    pick(driver, "field-process_type", t("ptype.4", "zh"))
    driver.find_element(By.ID, "btn-register").click()
    wait_text(driver, "error-project_code", "YYYY-RRRRRR")
    wait_text(driver, "error-land_area", t("project.negative", "zh"))
    wait_text(driver, "error-region_code", t("project.region_unknown", "zh"))
    assert driver.find_elements(By.ID, "error-total_investment") == []
    driver.save_screenshot(str(SCREENSHOTS / "project-form-errors.png"))
    box = driver.find_element(By.ID, "field-project_code")
    box.clear()
    box.send_keys(CODE)
    box = driver.find_element(By.ID, "field-land_area")
    box.clear()
    box.send_keys("5000")
    # the region from a city → county picker, not a typed code
    pick(driver, "field-city", "南昌市")
    pick(driver, "field-region_code", "东湖区")
    # a site typed in Ganzhou for a project in 东湖区 is refused beside the longitude
    for name, value in (("longitude", "114.933"), ("latitude", "25.831")):
        box = driver.find_element(By.ID, f"field-{name}")
        box.clear()
        box.send_keys(value)
    driver.find_element(By.ID, "btn-register").click()
    wait_text(driver, "error-longitude", t("project.outside_county", "zh")[:8])
    driver.save_screenshot(str(SCREENSHOTS / "project-form-site-refused.png"))
    # 在地图上选点: the county drawn, a click inside it fills both coordinates
    driver.find_element(By.ID, "site-pick").click()
    wait_css(driver, "#site-map .nsewdrag")
    from selenium.webdriver.common.action_chains import ActionChains

    points = wait_css(driver, "#site-map .scatterlayer").find_elements(
        By.CSS_SELECTOR, ".trace:nth-of-type(2) path.point"
    )
    assert len(points) > 50  # the grid of places inside the county a click can pick
    ActionChains(driver).move_to_element(points[len(points) // 2]).pause(0.3).click().perform()
    for _ in range(40):
        lon = driver.find_element(By.ID, "field-longitude").get_attribute("value") or ""
        if lon != "114.933":
            break
        time.sleep(0.25)
    lat = driver.find_element(By.ID, "field-latitude").get_attribute("value") or ""
    assert 115.8 < float(lon) < 116.1 and 28.6 < float(lat) < 28.9, (lon, lat)  # in 东湖区
    driver.save_screenshot(str(SCREENSHOTS / "project-form-site-picked.png"))
    for name, value in (("longitude", "115.903526"), ("latitude", "28.698731")):
        box = driver.find_element(By.ID, f"field-{name}")
        box.clear()
        box.send_keys(value)
    driver.find_element(By.ID, "btn-register").click()
    wait_text(driver, "home-title", t("apply.title", "zh"))
    # Registration is confirmed and the new project is already chosen at its stage: the form
    # is there without picking anything.
    wait_text(driver, "apply-message", t("apply.registered", "zh", name="浏览器申报测试楼"))
    wait_css(driver, "#form-materials tr")
    assert "浏览器申报测试楼" in wait_css(driver, "#choose-project").text
    driver.save_screenshot(str(SCREENSHOTS / "apply-registered.png"))
    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:
        project = s.exec(select(Project).where(Project.project_code == CODE)).one()
        assert (project.longitude, project.latitude) == (115.903526, 28.698731)
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#form-materials tr")]
    codes = [r.split()[0] for r in rows if t("material.missing", "zh") in r]
    owable = [r.split()[0] for r in rows if t("apply.deferrable", "zh") in r]
    assert codes and owable and set(owable) < set(codes)
    # Submitting with nothing uploaded says what is missing, and nothing is filed.
    driver.find_element(By.ID, "btn-submit").click()
    wait_text(driver, "apply-error", t("apply.missing_key", "zh", codes="").split("：")[0])
    error = driver.find_element(By.ID, "apply-error").text
    assert all(c in error for c in codes if c not in owable)
    assert not any(c in error for c in owable)
    driver.save_screenshot(str(SCREENSHOTS / "apply-missing.png"))
    # A file of a refused type: one message, in Chinese, naming the file and what is accepted
    # (not the picker's English toast with MIME types, nor "one file at a time").
    bad = tmp_path / "setup.exe"
    bad.write_bytes(b"MZ" + b"\0" * 64)
    pick(driver, "upload-code", codes[0])
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(bad))
    wait_text(driver, "apply-error", t("apply.file_refused", "zh"))
    assert driver.find_elements(By.CSS_SELECTOR, "[data-sonner-toast]") == []  # no English toast
    assert t("apply.upload_count", "zh") not in driver.page_source
    driver.save_screenshot(str(SCREENSHOTS / "apply-file-refused.png"))
    # Everything but what 容缺 allows to owe: submitting asks first, naming those.
    for code in [c for c in codes if c not in owable] + owable:
        if code == owable[0]:
            driver.find_element(By.ID, "btn-submit").click()
            question = wait_css(driver, "#owed-question")
            wait_text(driver, "owed-question", owable[0])
            assert all(c in question.text for c in owable)
            driver.save_screenshot(str(SCREENSHOTS / "apply-owed-confirm.png"))
            driver.find_element(By.ID, "owed-back").click()  # back to upload them after all
            with Session(engine) as s:
                assert not s.exec(select(StageCase).where(StageCase.project_id == project.id)).all()
        name = upload(driver, code, tmp_path)
        for _ in range(40):
            row = next(
                r
                for r in driver.find_elements(By.CSS_SELECTOR, "#form-materials tr")
                if r.text.startswith(code)
            )
            if name in row.text:
                break
            time.sleep(0.25)
        else:
            raise AssertionError(f"{code} not uploaded")
    driver.save_screenshot(str(SCREENSHOTS / "apply-form.png"))
    driver.find_element(By.ID, "btn-submit").click()
    wait_css(driver, "#receipt")
    with Session(engine) as s:
        sc = s.exec(select(StageCase).where(StageCase.project_id == project.id)).one()
        sc_id = sc.id
        assert sc.case_no in driver.find_element(By.ID, "receipt").text
        window = Principal.of(s.exec(select(User).where(User.username == "nc_window")).one())
        intake.receive_case(s, principal=window, stage_case_id=sc.id)
        supplements.request_intake_supplement(
            s,
            principal=window,
            stage_case_id=sc.id,
            materials=[{"code": codes[0], "remark": "盖章不清"}],
            remarks="请重新上传",
        )
        s.commit()
    driver.get(app_url + "/hall/apply")
    wait_text(driver, "home-title", t("apply.title", "zh"))
    pick(driver, "choose-project", "浏览器申报测试楼")
    wait_css(driver, ".answer-notice")
    (tmp_path / "again").mkdir()
    upload(driver, codes[0], tmp_path / "again")
    time.sleep(1.5)
    driver.find_element(By.CSS_SELECTOR, ".answer-notice").click()
    wait_text(driver, "apply-message", t("apply.supplied", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "apply-supplement.png"))
    with Session(engine) as s:
        notice = s.exec(
            select(SupplementNotice).where(SupplementNotice.stage_case_id == sc_id)
        ).one()
        assert notice.answered_at is not None
    # The notices are in the inbox too.
    driver.get(app_url + "/inbox")
    wait_text(driver, "home-title", t("inbox.title", "zh"))
    wait_css(driver, "#unread-badge")  # the bell shows the unread count
    wait_text(driver, "inbox-table", "补正")
    driver.find_element(By.ID, "mark-read").click()
    wait_text(driver, "unread", "0")
    for _ in range(40):  # the bell clears with the same update
        if not driver.find_elements(By.ID, "unread-badge"):
            break
        time.sleep(0.25)
    else:
        raise AssertionError("the unread badge stayed")
    driver.save_screenshot(str(SCREENSHOTS / "inbox.png"))
    # Withdraw the application from the hall, then rate the finished case once.
    driver.get(app_url + "/hall")
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    card = project_card(driver, "浏览器申报测试楼")
    card.find_element(By.CSS_SELECTOR, ".withdraw-open").click()
    wait_css(driver, "#withdraw-reason").send_keys("设计调整，暂缓申报")
    wait_css(driver, ".withdraw-confirm").click()
    wait_text(driver, "hall-message", t("hall.withdrawn", "zh"))
    card = project_card(driver, "浏览器申报测试楼", needs=".rate-open")
    card.find_element(By.CSS_SELECTOR, ".rate-open").click()
    wait_css(driver, ".rate-confirm").click()
    wait_text(driver, "hall-message", t("hall.rated", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "hall-withdraw-rate.png"))
    with Session(engine) as s:
        assert s.get(StageCase, sc_id).status == "withdrawn"  # type: ignore[union-attr]
        from eap.models import Evaluation

        assert s.exec(select(Evaluation).where(Evaluation.stage_case_id == sc_id)).one().grade == 5
