"""Identifier validation (DOMAIN §11): 项目代码, 统一社会信用代码, 居民身份证号.

Each ``validate_*`` returns the normalised value or raises :class:`DomainError` whose key says
what is wrong, in the user's language.
"""

from __future__ import annotations

import datetime as dt
import re

from eap.errors import DomainError

# GB/T 2260 province-level prefixes.
PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
# First character: registering authority (GB 32100 table 1).
USCC_AUTHORITIES = frozenset("123456789ABCDEFGNY")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_RE = re.compile(r"^\d{17}[0-9X]$")

PROJECT_CODE_RE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 18:
        raise DomainError("uscc.length", field="uscc", length=len(code))
    if not USCC_RE.match(code):
        raise DomainError("uscc.charset", field="uscc")
    if code[0] not in USCC_AUTHORITIES:
        raise DomainError("uscc.authority", field="uscc", char=code[0])
    if code[2:4] not in PROVINCE_PREFIXES:
        raise DomainError("uscc.region", field="uscc", region=code[2:8])
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise DomainError("uscc.check", field="uscc", expected=expected, got=code[17])
    return code


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str, *, today: dt.date | None = None) -> str:
    code = value.strip().upper()
    if len(code) != 18:
        raise DomainError("id.length", field="id_number", length=len(code))
    if not ID_RE.match(code):
        raise DomainError("id.charset", field="id_number")
    if code[:2] not in PROVINCE_PREFIXES:
        raise DomainError("id.region", field="id_number", region=code[:6])
    try:
        birth = dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        raise DomainError("id.birth", field="id_number", birth=code[6:14]) from None
    if birth > (today or dt.date.today()) or birth.year < 1850:
        raise DomainError("id.birth", field="id_number", birth=code[6:14])
    expected = id_check_char(code[:17])
    if code[17] != expected:
        raise DomainError("id.check", field="id_number", expected=expected, got=code[17])
    return code


def validate_project_code(value: str) -> str:
    """项目代码 ``YYYY-RRRRRR-II-TT-NNNNNN`` (GB/T 40058).

    The time part is a year (older codes) or YYMM (the 2021 standard); both are accepted. The
    standard's check-digit algorithm is not public, so the serial is checked for form only.
    """
    code = value.strip()
    m = PROJECT_CODE_RE.match(code)
    if not m:
        raise DomainError("project_code.format", field="project_code")
    time_part, region, _industry, ptype, _serial = m.groups()
    year_now = dt.date.today().year
    as_year = int(time_part)
    as_yymm = (2000 + int(time_part[:2]), int(time_part[2:]))
    year_ok = 2000 <= as_year <= year_now + 1
    yymm_ok = 1 <= as_yymm[1] <= 12 and 2000 <= as_yymm[0] <= year_now + 1
    if not (year_ok or yymm_ok):
        raise DomainError("project_code.time", field="project_code", time=time_part)
    if region[:2] not in PROVINCE_PREFIXES:
        raise DomainError("project_code.region", field="project_code", region=region)
    if not 1 <= int(ptype) <= 9:
        raise DomainError("project_code.type", field="project_code", type=ptype)
    return code


def mask_id(value: str) -> str:
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else value


def mask_name(value: str) -> str:
    """A natural person's name as lists show it: the surname, the rest starred (林*, 欧阳**
    for four characters)."""
    value = value.strip()
    keep = 2 if len(value) >= 4 else 1
    return value[:keep] + "*" * (len(value) - keep) if len(value) > 1 else value


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) == 11 else value
