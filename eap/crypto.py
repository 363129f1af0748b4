"""Personal data at rest (个人信息加密存储): SM4 encryption and keyed blind indexes.

ID numbers, phone numbers and contact names are stored as ``s1:<key id>:<base64>`` — SM4 in
GCM mode (a fresh 96-bit nonce per value, authenticated, so a tampered value fails to open)
through OpenSSL via ``cryptography``. Exact-match lookups (a phone's codes, a person's ID
number) go through a blind index: HMAC-SM3 of the normalised value under a separate key, so
the index tells equal values apart from different ones and nothing else.

Keys: ``EAP_DATA_KEY`` (64 hex digits: the SM4 key, then the index key) or a key file
(``EAP_DATA_KEY_FILE``; created with mode 0600 on first use when neither is given, for the demo
and tests). Every process of a deployment must read the same key. Rotation: put the old key in
``EAP_DATA_KEYS_OLD`` (``id=hex,…``), set a new key with a new ``EAP_DATA_KEY_ID`` and run
``python -m eap keys rotate``, which re-encrypts every sealed value under the new key;
the index key stays (re-indexing would need every value decrypted, which rotate does not).
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from eap.config import get_settings

PREFIX = "s1"


class SealError(ValueError):
    """A stored value could not be opened: a wrong key, or the value was altered."""


@dataclass(frozen=True)
class Keys:
    key_id: str
    seal: bytes  # SM4, 16 bytes
    index: bytes  # HMAC-SM3, 16 bytes
    old: dict[str, bytes]  # key id → an earlier SM4 key, to open what it sealed


def _split(hex_key: str) -> tuple[bytes, bytes]:
    raw = bytes.fromhex(hex_key.strip())
    if len(raw) != 32:
        raise ValueError("a data key is 64 hex digits: 16 bytes for SM4, 16 for the index")
    return raw[:16], raw[16:]


def _key_file(path: Path) -> str:
    if not path.exists():
        # Written whole beside it, then linked in: of processes starting together the first
        # key wins and no one reads a half-written file.
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


@lru_cache
def keys() -> Keys:
    settings = get_settings()
    key_file = Path(settings.data_key_file)
    if settings.env == "production" and not settings.data_key and not key_file.exists():
        # a key made up here would differ on every machine: production brings its own
        raise RuntimeError("EAP_ENV=production needs EAP_DATA_KEY (or an existing key file)")
    seal, index = _split(settings.data_key or _key_file(key_file))
    old: dict[str, bytes] = {}
    for part in (settings.data_keys_old or "").split(","):
        if "=" in part:
            kid, hex_key = part.split("=", 1)
            old[kid.strip()] = _split(hex_key)[0]
    return Keys(key_id=settings.data_key_id, seal=seal, index=index, old=old)


def seal(plain: str) -> str:
    """Encrypt a value for storage; the empty string stays empty (nothing to protect)."""
    if not plain:
        return plain
    k = keys()
    nonce = secrets.token_bytes(12)
    enc = Cipher(algorithms.SM4(k.seal), modes.GCM(nonce)).encryptor()
    body = enc.update(plain.encode()) + enc.finalize()
    return f"{PREFIX}:{k.key_id}:{base64.b64encode(nonce + body + enc.tag).decode()}"


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX + ":")


def open_sealed(stored: str) -> str:
    """The clear value of a stored one (a value stored before encryption comes back as is)."""
    if not stored or not is_sealed(stored):
        return stored
    try:
        _prefix, kid, b64 = stored.split(":", 2)
        raw = base64.b64decode(b64)
    except ValueError as exc:
        raise SealError("malformed sealed value") from exc
    k = keys()
    key = k.seal if kid == k.key_id else k.old.get(kid)
    if key is None:
        raise SealError(f"no key {kid!r} to open this value")
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    try:
        dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        return (dec.update(body) + dec.finalize()).decode()
    except InvalidTag as exc:
        raise SealError("the value does not open under its key (altered?)") from exc


def sealed_key_id(stored: str) -> str:
    return stored.split(":", 2)[1] if is_sealed(stored) else ""


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SM3 of the normalised value, per purpose (a phone's index differs from the same
    digits as an ID number's), hex."""
    mac = hmac.HMAC(keys().index, hashes.SM3())
    mac.update(f"{purpose}\x00{value.strip().upper()}".encode())
    return mac.finalize().hex()


def person_key(id_number: str) -> str:
    """What stands in the 18-character party code column for a natural person: a stable
    pseudonym from the blind index (P + 17 hex), never the ID number itself."""
    return "P" + blind_index(id_number, purpose="id_number")[:17].upper()
