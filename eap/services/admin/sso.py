"""统一身份认证: sign-in through the province's identity provider (OpenID Connect, the
authorization-code flow with PKCE), with Authlib — its OAuth2 client for the code exchange
and its ID-token claims validation (signature against the provider's JWKS, issuer, audience,
expiry, nonce); nothing here checks a JWT by hand.

Who the identity is: an identity already linked (issuer + subject) signs in as its account.
Otherwise the provider's claims decide: ``preferred_username`` naming a staff account links
to it; ``uscc`` (a legal person's agent) links to an applicant of that company, or creates the
company and an applicant account; ``id_number`` (a natural person) likewise. An identity
without such a claim is refused. 三员 accounts (administrator, auditor, security officer)
keep the password and SMS code: an identity naming one is refused. Local passwords keep
working beside it, and everything works as before while ``EAP_SSO_ISSUER`` is unset.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.integrations.base_client.sync_openid import OpenIDMixin
from authlib.integrations.httpx_client import OAuth2Client
from sqlalchemy import delete
from sqlmodel import Session, col, select

from eap.config import get_settings
from eap.crypto import person_key
from eap.errors import DomainError
from eap.models import Company, SsoLogin, User, UserIdentity
from eap.models.accounts import UserCreate
from eap.models.common import as_utc, utcnow
from eap.services.admin import accounts
from eap.services.core.audit import record
from eap.services.core.identifiers import mask_name, validate_id_number, validate_uscc
from eap.services.core.principal import Principal, Role
from eap.services.exchange.adapters.breaker import AdapterDown, Unexpected, call

WAIT = dt.timedelta(minutes=10)  # a sign-in sent to the provider is answered within this
NOT_BY_SSO = frozenset({Role.ADMIN, Role.AUDITOR, Role.SECURITY})
# the refusals the sign-in page can be sent back with (?sso=<reason>)
REASONS = frozenset(
    {"off", "unavailable", "state", "refused", "no_identity", "not_for_role", "inactive"}
)


def enabled() -> bool:
    s = get_settings()
    return bool(s.sso_issuer and s.sso_client_id)


class _Provider(OpenIDMixin):
    """Authlib's OpenID helpers (JWKS, ID-token parsing) over the provider's metadata."""

    def __init__(self, metadata: dict[str, Any]) -> None:
        s = get_settings()
        self.client_id = s.sso_client_id
        self.server_metadata = metadata

    def load_server_metadata(self) -> dict[str, Any]:
        return self.server_metadata

    def _get_session(self) -> OAuth2Client:
        return OAuth2Client(timeout=get_settings().adapter_timeout_seconds)


def _metadata(session: Session) -> dict[str, Any]:
    """The provider's discovery document, through the adapters' breaker (timeouts, retries,
    the circuit the administrator sees as "sso")."""

    def request(http: httpx.Client) -> dict[str, Any]:
        answer = http.get("/.well-known/openid-configuration")
        if answer.status_code != 200:
            raise Unexpected(f"HTTP {answer.status_code}")
        try:
            found: dict[str, Any] = answer.json()
        except ValueError as exc:
            raise Unexpected("not JSON") from exc
        return found

    try:
        metadata = call(session, "sso", request)
    except AdapterDown as exc:
        raise DomainError("sso.unavailable") from exc
    issuer = (get_settings().sso_issuer or "").rstrip("/")
    if metadata.get("issuer", "").rstrip("/") != issuer:
        raise DomainError("sso.unavailable")  # a provider must name itself as configured
    return metadata


def _client(redirect_uri: str) -> OAuth2Client:
    s = get_settings()
    return OAuth2Client(
        client_id=s.sso_client_id,
        client_secret=s.sso_client_secret,
        redirect_uri=redirect_uri,
        scope="openid profile",
        code_challenge_method="S256",
        timeout=s.adapter_timeout_seconds,
    )


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


@dataclass(frozen=True)
class Begun:
    url: str  # where the browser goes: the provider's sign-in
    state: str  # also set as a cookie: the answer must come back to this browser


def begin(session: Session, *, redirect_uri: str, now: dt.datetime | None = None) -> Begun:
    if not enabled():
        raise DomainError("sso.off")
    metadata = _metadata(session)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url, _ = _client(redirect_uri).create_authorization_url(
        metadata["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
    )
    from eap.crypto import seal

    session.add(
        SsoLogin(
            state_hash=_hash(state),
            nonce=nonce,
            code_verifier=seal(verifier),
            created_at=now or utcnow(),
        )
    )
    session.flush()
    return Begun(url, state)


def _claimed(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def complete(
    session: Session,
    *,
    state: str,
    cookie_state: str,
    code: str,
    redirect_uri: str,
    now: dt.datetime | None = None,
) -> tuple[str, Principal]:
    """The provider's answer → a session token for the account the identity is."""
    now = now or utcnow()
    if not enabled():
        raise DomainError("sso.off")
    if not state or not secrets.compare_digest(state, cookie_state or ""):
        raise DomainError("sso.state")  # not this browser's sign-in (login CSRF)
    pending = session.get(SsoLogin, _hash(state))
    if pending is None or now - as_utc(pending.created_at) > WAIT:
        raise DomainError("sso.state")
    session.execute(delete(SsoLogin).where(col(SsoLogin.state_hash) == _hash(state)))
    from eap.crypto import open_sealed

    metadata = _metadata(session)
    try:
        with _client(redirect_uri) as client:
            token = client.fetch_token(
                metadata["token_endpoint"],
                code=code,
                code_verifier=open_sealed(pending.code_verifier),
            )
        claims = dict(_Provider(metadata).parse_id_token(token, nonce=pending.nonce) or {})
    except DomainError:
        raise
    except Exception as exc:  # the provider refused, or its token did not validate
        record(session, actor_id=None, action="sso.refused", detail={"reason": type(exc).__name__})
        raise DomainError("sso.refused") from exc
    user = _account_of(session, issuer=metadata["issuer"], claims=claims)
    if not user.active:
        raise DomainError("sso.inactive")
    return accounts.open_session(session, user=user, now=now), Principal.of(user)


def _link(session: Session, *, issuer: str, subject: str, user: User, how: str) -> None:
    assert user.id is not None
    session.add(UserIdentity(issuer=issuer, subject=subject, user_id=user.id))
    session.flush()
    record(
        session,
        actor_id=user.id,
        action="sso.linked",
        entity="user",
        entity_id=user.id,
        detail={"by": how},
    )


def _account_of(session: Session, *, issuer: str, claims: dict[str, Any]) -> User:
    subject = _claimed(claims, "sub")
    linked = session.exec(
        select(User)
        .join(UserIdentity, col(UserIdentity.user_id) == User.id)
        .where(UserIdentity.issuer == issuer, UserIdentity.subject == subject)
    ).first()
    if linked is not None:
        return _allowed(linked)
    if username := _claimed(claims, "preferred_username"):
        staff = session.exec(select(User).where(User.username == username[:40])).first()
        if staff is not None and staff.role not in (Role.APPLICANT, Role.AGENT):
            _link(session, issuer=issuer, subject=subject, user=_allowed(staff), how="username")
            return staff
    if uscc := _claimed(claims, "uscc"):
        party = validate_uscc(uscc)
        kind = "company"
    elif id_number := _claimed(claims, "id_number"):
        party = person_key(validate_id_number(id_number))
        kind = "person"
    else:
        raise DomainError("sso.no_identity")
    company = session.exec(select(Company).where(Company.uscc == party)).first()
    if company is None:
        company = _new_party(session, kind=kind, claims=claims)
    user = session.exec(
        select(User)
        .where(User.company_id == company.id, User.role == Role.APPLICANT)
        .order_by(col(User.id))
    ).first() or _new_applicant(session, company=company, claims=claims)
    _link(session, issuer=issuer, subject=subject, user=user, how=kind)
    return user


def _allowed(user: User) -> User:
    if user.role in NOT_BY_SSO:
        raise DomainError("sso.not_for_role")
    return user


def _new_party(session: Session, *, kind: str, claims: dict[str, Any]) -> Company:
    name = _claimed(claims, "name")[:40]
    company = Company(
        kind=kind,
        uscc=validate_uscc(_claimed(claims, "uscc"))
        if kind == "company"
        else person_key(_claimed(claims, "id_number")),
        id_number="" if kind == "company" else _claimed(claims, "id_number"),
        name=_claimed(claims, "org_name")[:120] if kind == "company" else mask_name(name),
        legal_rep=name,
        contact_phone=_claimed(claims, "phone_number")[:20],
        region_code=_region(session, claims),
    )
    if kind == "company" and not company.name:
        raise DomainError("sso.no_identity")
    session.add(company)
    session.flush()
    record(
        session,
        actor_id=None,
        action="company.register",
        entity="company",
        entity_id=company.id or "",
        detail={"kind": kind, "by": "sso"},
    )
    return company


def _region(session: Session, claims: dict[str, Any]) -> str:
    """The party's region as the provider says, else the configured default."""
    from eap.models import Region

    code = _claimed(claims, "region_code")[:6]
    region = session.get(Region, code) if code else None
    return region.code if region and region.level != "province" else get_settings().sso_region


def _new_applicant(session: Session, *, company: Company, claims: dict[str, Any]) -> User:
    return accounts.create_user(
        session,
        data=UserCreate(
            username=f"sso_{secrets.token_hex(5)}",
            display_name=_claimed(claims, "name")[:60] or company.name,
            role=Role.APPLICANT,
            password="",
            phone=_claimed(claims, "phone_number")[:20],
            region_code=company.region_code,
            company_id=company.id,
        ),
        actor_id=None,
        # no password signs in to it: the identity provider is its way in
        hashed=accounts.hash_password(secrets.token_urlsafe(32)),
    )


def purge(session: Session, *, now: dt.datetime | None = None) -> int:
    """Forget sign-ins the provider never answered (the scheduler's housekeeping)."""
    res = session.execute(
        delete(SsoLogin).where(col(SsoLogin.created_at) < (now or utcnow()) - WAIT)
    )
    return int(getattr(res, "rowcount", 0) or 0)
