"""Open-API callers (开放接口调用方): clients, their secrets and tokens, scopes, limits.

Another system calls the API as an ``ApiClient`` an administrator issued: a name, scopes, a
region (GB/T 2260, a province, city or county) and calls allowed a minute. The client trades
its id and secret for an access token (OAuth2 client credentials, RFC 6749 §4.4) that expires
after ``EAP_API_TOKEN_MINUTES``. Secrets and tokens are random and stored only as keyed
hashes (the blind-index key), so the database alone lets no one call the API; a secret is shown
once, when issued or rotated.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from eap.config import get_settings
from eap.crypto import blind_index
from eap.errors import DomainError, PermissionDenied
from eap.models import (
    ApiClient,
    ApiToken,
    DeliveryState,
    Region,
    WebhookDelivery,
    WebhookSubscription,
)
from eap.models.common import utcnow
from eap.services.core import limits
from eap.services.core.audit import record
from eap.services.core.authz import region_prefix
from eap.services.core.principal import Principal, Role

# What a client may be allowed (OAuth2 scopes); the routes name the one each needs.
SCOPES: dict[str, str] = {
    "projects:read": "api.scope.projects",  # projects, stages, item cases, their history
    "documents:read": "api.scope.documents",  # approval documents and certificates
    "catalogue:read": "api.scope.catalogue",  # items and processes
    "kpi:read": "api.scope.kpi",  # KPI roll-ups
    "webhooks": "api.scope.webhooks",  # subscribe to case status changes
}


@dataclass(frozen=True)
class ApiCaller:
    """The system behind a valid token (the API's 当前调用方)."""

    client_pk: int
    client_id: str
    name: str
    scopes: frozenset[str]
    region_code: str
    per_minute: int

    @property
    def prefix(self) -> str:
        """The region codes it may read start with this (36: the province, 3601: 南昌…)."""
        return region_prefix(self.region_code) or self.region_code

    def covers(self, region_code: str) -> bool:
        return region_code.startswith(self.prefix)

    def require(self, scope: str) -> None:
        if scope not in self.scopes:
            raise PermissionDenied("api.scope_missing", scope=scope)


@dataclass(frozen=True)
class IssuedSecret:
    """What the administrator copies once: the id and the secret in clear."""

    client_pk: int
    client_id: str
    secret: str


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int  # seconds
    scope: str


@dataclass(frozen=True)
class ApiClientRow:
    id: int
    client_id: str
    name: str
    scopes: str
    region_code: str
    region_name: str
    per_minute: int
    active: bool
    created_at: dt.datetime
    webhooks: int  # active subscriptions
    pending: int  # deliveries waiting
    dead: int  # deliveries given up: the receiver needs looking at


def _hash(value: str, purpose: str) -> str:
    # random hex values: the index key's HMAC is enough, a slow hash would only slow each call
    return blind_index(value, purpose=purpose)


def _scopes(raw: str | list[str] | tuple[str, ...]) -> list[str]:
    asked = raw.split() if isinstance(raw, str) else list(raw)
    unknown = [s for s in asked if s not in SCOPES]
    if unknown or not asked:
        raise DomainError("api.bad_scopes", field="scopes", scopes=" ".join(unknown) or "—")
    return sorted(set(asked))


def create_client(
    session: Session,
    *,
    principal: Principal,
    name: str,
    scopes: str | list[str],
    region_code: str,
    per_minute: int = 120,
) -> IssuedSecret:
    principal.require_role(Role.ADMIN)
    name = name.strip()
    if not name or len(name) > 100:
        raise DomainError("api.bad_name", field="name")
    chosen = _scopes(scopes)
    if session.get(Region, region_code) is None:
        raise DomainError("api.bad_region", field="region_code")
    if not 1 <= per_minute <= 6000:
        raise DomainError("api.bad_rate", field="per_minute")
    client_id = "eap_" + secrets.token_hex(8)
    secret = secrets.token_hex(32)
    client = ApiClient(
        client_id=client_id,
        name=name,
        secret_hash=_hash(secret, "api_secret"),
        scopes=" ".join(chosen),
        region_code=region_code,
        per_minute=per_minute,
        created_by=principal.user_id,
    )
    session.add(client)
    session.flush()
    assert client.id is not None
    record(
        session,
        actor_id=principal.user_id,
        action="api.client_create",
        entity="api_client",
        entity_id=client.id,
        detail={"client_id": client_id, "scopes": client.scopes, "region": region_code},
    )
    return IssuedSecret(client.id, client_id, secret)


def _client(session: Session, client_pk: int) -> ApiClient:
    client = session.get(ApiClient, client_pk)
    if client is None:
        raise DomainError("error.not_found")
    return client


def rotate_secret(session: Session, *, principal: Principal, client_pk: int) -> IssuedSecret:
    """A new secret; the old one and every token it obtained stop working at once."""
    principal.require_role(Role.ADMIN)
    client = _client(session, client_pk)
    secret = secrets.token_hex(32)
    client.secret_hash = _hash(secret, "api_secret")
    client.updated_at = utcnow()
    session.add(client)
    session.exec(delete(ApiToken).where(col(ApiToken.client_id) == client_pk))
    record(
        session,
        actor_id=principal.user_id,
        action="api.client_rotate",
        entity="api_client",
        entity_id=client_pk,
    )
    session.flush()
    return IssuedSecret(client_pk, client.client_id, secret)


def set_active(session: Session, *, principal: Principal, client_pk: int, active: bool) -> None:
    principal.require_role(Role.ADMIN)
    client = _client(session, client_pk)
    client.active = active
    client.updated_at = utcnow()
    session.add(client)
    if not active:
        session.exec(delete(ApiToken).where(col(ApiToken.client_id) == client_pk))
    record(
        session,
        actor_id=principal.user_id,
        action="api.client_enable" if active else "api.client_disable",
        entity="api_client",
        entity_id=client_pk,
    )
    session.flush()


def list_clients(session: Session, *, principal: Principal) -> list[ApiClientRow]:
    principal.require_role(Role.ADMIN)
    names = dict(session.exec(select(Region.code, Region.name)).all())
    subs: dict[int, int] = dict(
        session.exec(
            select(WebhookSubscription.client_id, func.count())
            .where(col(WebhookSubscription.active).is_(True))
            .group_by(col(WebhookSubscription.client_id))
        ).all()
    )
    waiting: dict[tuple[int, int], int] = {}
    for cid, state, n in session.exec(
        select(WebhookSubscription.client_id, WebhookDelivery.state, func.count())
        .join(WebhookSubscription, col(WebhookSubscription.id) == WebhookDelivery.subscription_id)
        .where(col(WebhookDelivery.state) != DeliveryState.DELIVERED)
        .group_by(col(WebhookSubscription.client_id), col(WebhookDelivery.state))
    ):
        waiting[(cid, state)] = int(n)
    return [
        ApiClientRow(
            c.id or 0,
            c.client_id,
            c.name,
            c.scopes,
            c.region_code,
            names.get(c.region_code, c.region_code),
            c.per_minute,
            c.active,
            c.created_at,
            subs.get(c.id or 0, 0),
            waiting.get((c.id or 0, DeliveryState.PENDING), 0),
            waiting.get((c.id or 0, DeliveryState.DEAD), 0),
        )
        for c in session.exec(
            select(ApiClient).order_by(col(ApiClient.active).desc(), col(ApiClient.id))
        )
    ]


def issue_token(
    session: Session, *, client_id: str, secret: str, scope: str | None = None
) -> IssuedToken:
    """Client credentials → an access token with the asked scopes (all of the client's when
    none are asked). A wrong id or secret is one refusal, so neither is confirmed alone."""
    client = session.exec(select(ApiClient).where(ApiClient.client_id == client_id[:40])).first()
    if (
        client is None
        or not client.active
        or not secrets.compare_digest(client.secret_hash, _hash(secret[:200], "api_secret"))
    ):
        record(
            session,
            actor_id=None,
            action="api.token_refused",
            entity="api_client",
            entity_id=(client.id or "") if client else "",
            detail={"client_id": client_id[:40]},
        )
        raise DomainError("api.invalid_client")
    allowed = set(client.scopes.split())
    asked = set(scope.split()) if scope else allowed
    if not asked <= allowed:
        raise DomainError("api.invalid_scope", scopes=" ".join(sorted(asked - allowed)))
    minutes = get_settings().api_token_minutes
    token = secrets.token_hex(32)
    now = utcnow()
    assert client.id is not None
    session.add(
        ApiToken(
            token_hash=_hash(token, "api_token"),
            client_id=client.id,
            scopes=" ".join(sorted(asked)),
            issued_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
    )
    record(
        session,
        actor_id=None,
        action="api.token_issued",
        entity="api_client",
        entity_id=client.id,
        detail={"scopes": " ".join(sorted(asked))},
    )
    session.flush()
    return IssuedToken(token, minutes * 60, " ".join(sorted(asked)))


def authenticate(
    session: Session, *, token: str, now: dt.datetime | None = None
) -> ApiCaller | None:
    """The caller behind a bearer token, or None for an unknown, expired or revoked one."""
    if not token or len(token) > 200:
        return None
    row = session.exec(
        select(ApiToken, ApiClient)
        .join(ApiClient, col(ApiClient.id) == ApiToken.client_id)
        .where(ApiToken.token_hash == _hash(token, "api_token"))
    ).first()
    if row is None:
        return None
    tok, client = row
    if not client.active or tok.expires_at <= (now or utcnow()):
        return None
    assert client.id is not None
    return ApiCaller(
        client.id,
        client.client_id,
        client.name,
        frozenset(tok.scopes.split()),
        client.region_code,
        client.per_minute,
    )


def meter(session: Session, *, caller: ApiCaller) -> None:
    """One more call this minute; past the client's allowance, ``rate.limited``. Counted in
    the database, so every worker counts against the same allowance."""
    limits.hit(session, name="api.client", subject=caller.client_id, most=caller.per_minute)


def audit_call(
    session: Session, *, caller: ApiCaller | None, method: str, path: str, status: int
) -> None:
    """Every call is audited, refused ones too (who, what, the answer's status)."""
    record(
        session,
        actor_id=None,
        action="api.call",
        entity="api_client",
        entity_id=caller.client_pk if caller else "",
        detail={
            "client_id": caller.client_id if caller else "",
            "method": method,
            "path": path[:200],
            "status": status,
        },
    )


def purge_tokens(session: Session, *, now: dt.datetime | None = None) -> int:
    """Forget expired tokens (the scheduler's housekeeping)."""
    res = session.connection().execute(
        delete(ApiToken).where(col(ApiToken.expires_at) < (now or utcnow()))
    )
    return int(res.rowcount or 0)
