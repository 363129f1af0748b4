"""Every message key the code uses exists in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path

from eap.i18n import LANGS, MESSAGES, t

SRC = Path(__file__).resolve().parent.parent / "eap"
KEY_USES = [
    re.compile(r'(?:DomainError|PermissionDenied|ConflictError)\(\s*"([a-z_.]+)"'),
    re.compile(r'\bT\["([a-z_.]+)"\]'),
    re.compile(r'_tr\(\s*"([a-z_.]+)"'),
    re.compile(r'"(home\.[a-z_.]+|nav\.[a-z_.]+)"'),
]


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in KEY_USES:
            keys.update(pattern.findall(text))
    return keys


def test_catalogue_has_both_languages() -> None:
    assert set(MESSAGES["zh"]) == set(MESSAGES["en"])
    for key in MESSAGES["zh"]:
        assert MESSAGES["zh"][key] and MESSAGES["en"][key], key


def test_every_used_key_exists() -> None:
    keys = used_keys()
    assert len(keys) > 40
    missing = sorted(k for k in keys if k not in MESSAGES["zh"])
    assert missing == []


def test_params_are_filled() -> None:
    for lang in LANGS:
        assert "5" in t("auth.locked", lang, minutes=5)
    assert t("no.such.key", "en") == "no.such.key"
