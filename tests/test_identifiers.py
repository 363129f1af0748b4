"""Identifier validators on real codes and on corrupted ones."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings, strategies as st

from eap.demo.seed import make_uscc
from eap.errors import DomainError
from eap.services.core.identifiers import (
    USCC_CHARSET,
    mask_id,
    mask_phone,
    validate_id_number,
    validate_project_code,
    validate_uscc,
)

REAL_USCC = [
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91110000710926094P",  # 中国石油化工股份有限公司
    "91110108551385082Q",  # 北京小米科技有限责任公司
]
# GB 11643-1999's own examples.
REAL_IDS = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("code", REAL_USCC)
def test_real_uscc_valid(code: str) -> None:
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower() + " ") == code


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("91440300708461136", "uscc.length"),
        ("91440300708461136I", "uscc.charset"),  # I is not in the charset
        ("Z1440300708461136T", "uscc.charset"),
        ("H1440300708461136T", "uscc.authority"),
        ("91990300708461136T", "uscc.region"),
        ("91440300708461136U", "uscc.check"),
    ],
)
def test_corrupted_uscc(code: str, key: str) -> None:
    with pytest.raises(DomainError) as err:
        validate_uscc(code)
    assert err.value.key == key
    assert err.value.field == "uscc"


@settings(max_examples=200)
@given(idx=st.integers(0, 17), which=st.sampled_from(REAL_USCC), repl=st.sampled_from(USCC_CHARSET))
def test_any_single_substitution_in_uscc_is_caught(idx: int, which: str, repl: str) -> None:
    corrupted = which[:idx] + repl + which[idx + 1 :]
    if corrupted == which:
        return
    with pytest.raises(DomainError):
        validate_uscc(corrupted)


def test_generated_demo_usccs_are_valid() -> None:
    rng = random.Random(7)
    for _ in range(200):
        validate_uscc(make_uscc(rng, "360102"))


@pytest.mark.parametrize("code", REAL_IDS)
def test_real_ids_valid(code: str) -> None:
    assert validate_id_number(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("11010519491231002", "id.length"),
        ("1101051949123100AX", "id.charset"),
        ("99010519491231002X", "id.region"),
        ("110105194902300021", "id.birth"),  # 30 February
        ("110105194912310021", "id.check"),
    ],
)
def test_corrupted_ids(code: str, key: str) -> None:
    with pytest.raises(DomainError) as err:
        validate_id_number(code)
    assert err.value.key == key


def test_future_birth_date_refused() -> None:
    with pytest.raises(DomainError) as err:
        validate_id_number("11010520300101002X", today=dt.date(2026, 11, 29))
    assert err.value.key == "id.birth"


@settings(max_examples=200)
@given(idx=st.integers(0, 16), digit=st.sampled_from("0123456789"))
def test_any_single_digit_change_in_id_is_caught(idx: int, digit: str) -> None:
    code = REAL_IDS[0]
    corrupted = code[:idx] + digit + code[idx + 1 :]
    if corrupted == code:
        return
    with pytest.raises(DomainError):
        validate_id_number(corrupted)


@pytest.mark.parametrize(
    "code",
    ["2019-360100-47-01-000001", "2204-360111-04-01-866543", "2020-360702-48-03-012345"],
)
def test_project_codes_valid(code: str) -> None:
    assert validate_project_code(f" {code} ") == code


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("2019-360100-47-01-00001", "project_code.format"),
        ("2019/360100/47/01/000001", "project_code.format"),
        ("1899-360100-47-01-000001", "project_code.time"),
        ("2019-990100-47-01-000001", "project_code.region"),
        ("2019-360100-47-00-000001", "project_code.type"),
    ],
)
def test_project_codes_invalid(code: str, key: str) -> None:
    with pytest.raises(DomainError) as err:
        validate_project_code(code)
    assert err.value.key == key


def test_masks() -> None:
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_phone("13812348000") == "138****8000"


def test_error_messages_are_translated() -> None:
    with pytest.raises(DomainError) as err:
        validate_uscc("91440300708461136U")
    assert "校验位" in err.value.translate("zh")
    assert "expected T" in err.value.translate("en")
