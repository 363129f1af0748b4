"""事项管理 in the browser (issue 19 item 4): the administrator opens an item, a limit of 0 is
refused beside its field, a new kind of material is added to the catalogue, a material's kind
is changed, the conditions rewritten, and the item published as version 2 after a
confirmation."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session, col, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Item, ItemMaterial, Material
from tests.browser.helpers import (
    APP_DB,
    SCREENSHOTS,
    click,
    retype,
    sign_in,
    wait_css,
    wait_text,
)

pytestmark = pytest.mark.browser

CODE, CONDITIONS = "S4-05", "已取得防雷装置设计审核意见，防雷装置已按设计施工完毕"


def test_admin_publishes_a_new_item_version(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "admin")
    wait_text(driver, "home-title", t("home.admin", "zh"))
    driver.get(app_url + "/admin/items")
    wait_text(driver, "item-table", "S1-01")
    driver.find_element(By.ID, "item-search").send_keys(CODE)
    for _ in range(40):  # the search narrows the list to the one item
        if "S1-01" not in driver.find_element(By.ID, "item-table").text:
            break
        time.sleep(0.25)
    row = next(
        r for r in driver.find_elements(By.CSS_SELECTOR, "#item-table tbody tr") if CODE in r.text
    )
    row.find_element(By.CSS_SELECTOR, ".item-edit").click()
    wait_text(driver, "item-editor", CODE)
    limit = wait_css(driver, "#item-limit_days")
    statutory = limit.get_attribute("value") or ""
    retype(limit, "0")
    click(driver, ".item-publish")
    click(driver, ".item-publish-confirm")  # the dialog asks first
    wait_text(driver, "error-limit_days", "1")
    assert limit.get_attribute("value") == "0"  # what was typed stays
    retype(limit, statutory)
    retype(driver.find_element(By.ID, "item-conditions"), CONDITIONS)
    # a new kind of material joins the catalogue (and the draft, from which it is removed)
    driver.find_element(By.ID, "item-new-material").send_keys("防雷检测机构资质证书")
    driver.find_element(By.ID, "item-create-material").click()
    wait_text(driver, "item-materials", "防雷检测机构资质证书")
    row = next(
        r
        for r in driver.find_elements(By.CSS_SELECTOR, "#item-materials tr")
        if "防雷检测机构资质证书" in r.text
    )
    row.find_element(By.CSS_SELECTOR, ".material-remove").click()
    for _ in range(40):
        if "防雷检测机构资质证书" not in driver.find_element(By.ID, "item-materials").text:
            break
        time.sleep(0.25)
    # the first material: from key to one that may be owed (容缺)
    first = driver.find_elements(By.CSS_SELECTOR, "#item-materials .material-kind")[0]
    first.click()
    wanted = t("item.material.deferrable", "zh")
    for _ in range(40):
        options = [
            o for o in driver.find_elements(By.CSS_SELECTOR, "[role=option]") if wanted in o.text
        ]
        if options:
            options[0].click()
            break
        time.sleep(0.25)
    driver.save_screenshot(str(SCREENSHOTS / "items-editor.png"))
    click(driver, ".item-publish")
    click(driver, ".item-publish-confirm")
    wait_text(driver, "action-message", t("item.published", "zh"))
    wait_text(driver, "item-editor", "v2")
    with Session(make_engine(APP_DB["url"])) as s:
        latest = s.exec(
            select(Item).where(Item.code == CODE).order_by(col(Item.version).desc())
        ).first()
        assert latest is not None and latest.version == 2 and latest.conditions == CONDITIONS
        assert str(latest.limit_days) == statutory
        lines = s.exec(
            select(ItemMaterial)
            .where(ItemMaterial.item_id == latest.id)
            .order_by(col(ItemMaterial.id))
        ).all()
        assert lines[0].deferrable and not lines[0].is_key
        assert s.exec(select(Material).where(Material.name_zh == "防雷检测机构资质证书")).one()
    driver.find_element(By.ID, "logout").click()
