"""图形验证码 (CAPTCHA), drawn on the server by the maintained ``captcha`` package.

A challenge is a row holding only a keyed hash of its answer; the page gets the challenge's id
and its picture (a data URI). An answer is checked once: right or wrong, the challenge is used
up, so a picture cannot be guessed at repeatedly.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from dataclasses import dataclass

from captcha.image import ImageCaptcha
from sqlalchemy import delete
from sqlmodel import Session, col

from eap.crypto import blind_index
from eap.db import rowcount
from eap.errors import DomainError
from eap.models import CaptchaChallenge
from eap.models.common import as_utc, utcnow

# No 0/O, 1/I/L: what a person cannot tell apart is not asked.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXY3456789"
LIFETIME = dt.timedelta(minutes=5)
_DRAW = ImageCaptcha(width=160, height=60)


@dataclass(frozen=True)
class Challenge:
    id: str
    image: str  # data:image/png;base64,…


def new_challenge(session: Session, *, now: dt.datetime | None = None) -> Challenge:
    now = now or utcnow()
    answer = "".join(secrets.choice(ALPHABET) for _ in range(4))
    challenge_id = secrets.token_urlsafe(16)
    session.add(
        CaptchaChallenge(
            id=challenge_id,
            answer_hash=blind_index(f"{challenge_id}|{answer}", purpose="captcha"),
            expires_at=now + LIFETIME,
        )
    )
    session.flush()
    png = _DRAW.generate(answer).getvalue()
    return Challenge(challenge_id, "data:image/png;base64," + base64.b64encode(png).decode())


def check(
    session: Session, *, challenge_id: str, answer: str, now: dt.datetime | None = None
) -> None:
    """Refuse (beside the ``captcha`` field) unless ``answer`` solves that challenge."""
    now = now or utcnow()
    row = session.get(CaptchaChallenge, challenge_id) if challenge_id else None
    if row is None or not answer.strip():  # nothing typed: asked for, the picture still good
        raise DomainError("captcha.required", field="captcha")
    expected = row.answer_hash
    expires = as_utc(row.expires_at)
    used = rowcount(
        session.execute(delete(CaptchaChallenge).where(col(CaptchaChallenge.id) == challenge_id))
    )
    given = blind_index(f"{challenge_id}|{answer.strip().upper()}", purpose="captcha")
    if used != 1 or expires < now or not secrets.compare_digest(expected, given):
        raise DomainError("captcha.wrong", field="captcha")


def purge(session: Session, *, now: dt.datetime | None = None) -> int:
    res = session.execute(
        delete(CaptchaChallenge).where(col(CaptchaChallenge.expires_at) < (now or utcnow()))
    )
    return rowcount(res)
