"""统一身份认证 over real HTTP against the fake OpenID Connect provider on 127.0.0.1: the
authorization-code flow with PKCE; an identity links to the account its claims name or makes
an applicant account once the USCC/ID is in the provider's claims; what is not this browser's,
replayed, tampered with, or names an 三员 account is refused."""

from __future__ import annotations

import random
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlmodel import Session, select

from eap.config import get_settings
from eap.demo.seed import make_uscc
from eap.errors import DomainError
from eap.fakes.oidc_provider import Provider, start
from eap.models import Company, SsoLogin, User, UserIdentity
from eap.services.admin import sso
from eap.services.exchange.adapters import breaker
from tests.factories import _user, applicant

CALLBACK = "http://127.0.0.1:3000/auth/sso/callback"


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    fake = Provider()
    server = start(fake)
    monkeypatch.setenv("EAP_SSO_ISSUER", fake.issuer)
    monkeypatch.setenv("EAP_SSO_CLIENT_ID", fake.client_id)
    monkeypatch.setenv("EAP_SSO_CLIENT_SECRET", fake.client_secret)
    get_settings.cache_clear()
    yield fake
    server.shutdown()
    monkeypatch.undo()
    get_settings.cache_clear()


def _sign_in_at_provider(url: str, username: str, password: str = "Idp@2026") -> dict[str, str]:
    """What a browser does at the provider: open its form, post the credentials, follow back."""
    page = httpx.get(url)
    assert page.status_code == 200 and "统一身份认证" in page.text
    fields = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    answer = httpx.post(
        url.split("?")[0], data={**fields, "username": username, "password": password}
    )
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return {k: v[0] for k, v in parse_qs(back.query).items()}


def _round(session: Session, username: str, **over: str):  # type: ignore[no-untyped-def]
    begun = sso.begin(session, redirect_uri=CALLBACK)
    query = parse_qs(urlsplit(begun.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"] == [begun.state]
    back = _sign_in_at_provider(begun.url, username)
    return sso.complete(
        session,
        state=back["state"],
        cookie_state=over.get("cookie_state", begun.state),
        code=back["code"],
        redirect_uri=CALLBACK,
    )


def test_a_company_agent_gets_an_applicant_account_once(
    session: Session, provider: Provider
) -> None:
    uscc = make_uscc(random.Random(7), "360102")
    provider.users["zhangsan"]["claims"] = {
        **provider.users["zhangsan"]["claims"],
        "uscc": uscc,
        "region_code": "360102",
    }
    token, who = _round(session, "zhangsan")
    assert token and who.role == "applicant"
    company = session.exec(select(Company).where(Company.uscc == uscc)).one()
    assert company.name == "江西统一认证建设有限公司" and company.region_code == "360102"
    assert who.company_id == company.id
    # the same identity again: the same account, nothing new made
    _, again = _round(session, "zhangsan")
    assert again.user_id == who.user_id
    assert (
        len(session.exec(select(UserIdentity).where(UserIdentity.user_id == who.user_id)).all())
        == 1
    )
    assert session.exec(select(SsoLogin)).all() == []  # every pending sign-in used up


def test_claims_link_to_existing_accounts(session: Session, provider: Provider) -> None:
    owner = applicant(session, "360102")
    company = session.get(Company, owner.company_id)
    assert company is not None
    provider.users["zhangsan"]["claims"] = {"name": "张三", "uscc": company.uscc}
    _, who = _round(session, "zhangsan")
    assert who.user_id == owner.user_id  # the company's own applicant, not a new one
    staff = _user(session, "supervisor", region_code="360100")
    provider.users["nc_window"]["claims"] = {"name": "督查", "preferred_username": staff.username}
    _, as_staff = _round(session, "nc_window")
    assert as_staff.user_id == staff.user_id and as_staff.role == "supervisor"
    # a natural person by ID number: a person party with the ID sealed, not a USCC
    _, person = _round(session, "lisi")
    party = session.get(Company, person.company_id)
    assert party is not None and party.kind == "person" and party.uscc.startswith("P")


def test_refusals(session: Session, provider: Provider) -> None:
    admin = _user(session, "admin", region_code="360000")
    provider.users["nc_window"]["claims"] = {"preferred_username": admin.username}
    with pytest.raises(DomainError) as three:
        _round(session, "nc_window")
    assert three.value.key == "sso.not_for_role"
    provider.users["nc_window"]["claims"] = {"name": "无主体"}
    with pytest.raises(DomainError) as nobody:
        _round(session, "nc_window")
    assert nobody.value.key == "sso.no_identity"
    # an answer taken in another browser (its state cookie differs): login CSRF
    with pytest.raises(DomainError) as csrf:
        _round(session, "lisi", cookie_state="someone-elses-state")
    assert csrf.value.key == "sso.state"
    # a replayed answer: the pending sign-in is used up
    begun = sso.begin(session, redirect_uri=CALLBACK)
    back = _sign_in_at_provider(begun.url, "lisi")
    sso.complete(
        session,
        state=back["state"],
        cookie_state=begun.state,
        code=back["code"],
        redirect_uri=CALLBACK,
    )
    with pytest.raises(DomainError) as replay:
        sso.complete(
            session,
            state=back["state"],
            cookie_state=begun.state,
            code=back["code"],
            redirect_uri=CALLBACK,
        )
    assert replay.value.key == "sso.state"
    # an ID token whose nonce is not the one sent (Authlib's validation is on): refused
    begun = sso.begin(session, redirect_uri=CALLBACK)
    pending = session.get(SsoLogin, sso._hash(begun.state))
    assert pending is not None
    pending.nonce = "not-the-nonce-sent"
    session.add(pending)
    session.flush()
    back = _sign_in_at_provider(begun.url, "lisi")
    with pytest.raises(DomainError) as nonce:
        sso.complete(
            session,
            state=back["state"],
            cookie_state=begun.state,
            code=back["code"],
            redirect_uri=CALLBACK,
        )
    assert nonce.value.key == "sso.refused"


def test_the_provider_down_and_sso_off(session: Session, provider: Provider, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EAP_SSO_ISSUER", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("EAP_ADAPTER_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    with pytest.raises(DomainError) as down:
        sso.begin(session, redirect_uri=CALLBACK)
    assert down.value.key == "sso.unavailable"
    status = {r.name: r for r in breaker.statuses(session)}["sso"]
    assert status.configured and status.last_error == "ConnectError"  # the administrator sees it
    monkeypatch.delenv("EAP_SSO_ISSUER")
    get_settings.cache_clear()
    assert not sso.enabled()
    with pytest.raises(DomainError) as off:
        sso.begin(session, redirect_uri=CALLBACK)
    assert off.value.key == "sso.off"
    assert session.exec(select(User).where(User.username.startswith("sso_"))).all() == []  # type: ignore[attr-defined]


def test_the_fake_providers_answers_are_json_never_cached(provider: Provider) -> None:
    """As OpenID Connect asks of a provider's token and discovery answers (RFC 6749 §5.1)."""
    answer = httpx.get(f"{provider.issuer}/.well-known/openid-configuration")
    assert answer.status_code == 200 and answer.json()["issuer"] == provider.issuer
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    assert answer.headers["cache-control"] == "no-store"
    refused = httpx.post(f"{provider.issuer}/token", data={"grant_type": "authorization_code"})
    assert refused.status_code >= 400 and refused.headers["cache-control"] == "no-store"
    assert "error" in refused.json()
