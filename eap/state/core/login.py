"""Sign-in page state."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from eap.config import get_settings
from eap.db import session_scope
from eap.routes import HOME_ROUTES
from eap.services.admin import second_factor, sign_in, sso
from eap.services.admin.accounts import LoginOutcome
from eap.services.core import captcha, notify
from eap.services.core.request_info import bind_request
from eap.state.core.base import AppState, enter_script

log = logging.getLogger(__name__)


def _deliver_code(outcome: LoginOutcome) -> LoginOutcome:
    """Hand a texted sign-in code to the gateway now (it stays queued for the scheduler if
    the gateway does not answer)."""
    if outcome.sms_id is not None:
        try:
            with session_scope() as session:
                notify.deliver_sms(session, ids=[outcome.sms_id])
        except Exception:
            log.exception("sign-in code not handed to the gateway")
    return outcome


def _begin(**arguments: Any) -> LoginOutcome:
    """The password check (argon2: deliberately slow) and what it opens, in a worker thread:
    a sign-in must not hold up the other users' events of this worker."""
    with session_scope() as session:
        outcome = sign_in.begin_login(session, **arguments)
    return _deliver_code(outcome)


def _first_password(**arguments: Any) -> LoginOutcome:
    with session_scope() as session:
        outcome = sign_in.set_first_password(session, **arguments)
    return _deliver_code(outcome)


class LoginState(AppState):
    """Nothing typed here is kept: the name and password come with the form's submit (its
    inputs are uncontrolled), are checked and dropped."""

    error: str = ""
    captcha_id: str = ""  # the challenge shown (its answer is only in the picture)
    captcha_image: str = ""
    code_sent_to: str = ""  # the masked phone a second-factor code went to ("" : not asked)
    must_change_password: bool = False  # a one-time password was right: ask for a new one
    demo_site: bool = False  # the demo (not EAP_ENV=production): the page says so
    sso_on: bool = False  # 统一身份认证 is configured: the page offers it

    def _client_key(self) -> str:
        """What ties a waiting second factor to this browser tab (not a secret it holds)."""
        return self.router.session.client_token

    def _new_captcha(self) -> None:
        with session_scope() as session:
            challenge = captcha.new_challenge(session)
        self.captcha_id, self.captcha_image = challenge.id, challenge.image

    @rx.event
    def on_load(self) -> EventSpec | None:
        self.error, self.code_sent_to, self.must_change_password = "", "", False
        self.demo_site = get_settings().env != "production"
        self.sso_on = sso.enabled()
        # /auth/sso/callback sends a refused sign-in back here with its reason's key
        reason = str(self.router.page.params.get("sso", "") or "")
        if reason in sso.REASONS:
            self.error = self._tr(f"sso.{reason}")
        principal = self._principal()
        if principal is not None:
            return rx.redirect(HOME_ROUTES[principal.role])
        with session_scope() as session:
            needed = sign_in.login_needs_captcha(session)
        if needed:
            self._new_captcha()
        else:
            self.captcha_id, self.captcha_image = "", ""
        return None

    @rx.event
    def refresh_captcha(self) -> None:
        bind_request(self._request_info())
        self._new_captcha()

    @rx.event
    async def submit(self, form: dict[str, str] | None = None) -> EventSpec | None:
        form = form or {}
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        missing = [f for f, v in (("username", username), ("password", password)) if not v.strip()]
        if missing:  # say what is missing; an empty form never reaches the lockout count
            self.error = self._tr(
                "login.missing" if len(missing) == 2 else f"login.missing_{missing[0]}"
            )
            return None
        try:
            bind_request(self._request_info())  # the thread runs in a copy of this context
            outcome = await asyncio.to_thread(
                _begin,
                username=username,
                password=password,
                captcha_id=self.captcha_id,
                captcha_answer=str(form.get("captcha", "")),
                client_key=self._client_key(),
            )
        except Exception as exc:
            self.error = self._error(exc)
            return None
        return self._go_on(outcome)

    def _go_on(self, outcome: LoginOutcome) -> EventSpec | None:
        """Show the next step the sign-in owes (a new password, the texted code), the error,
        or hand the browser its session."""
        self.must_change_password = outcome.must_change_password
        if outcome.code_sent_to:
            self.captcha_id, self.captcha_image, self.error = "", "", ""
            self.code_sent_to = outcome.code_sent_to
            return None
        if outcome.error is not None or outcome.principal is None:
            self.error = self._error(outcome.error) if outcome.error else ""
            if outcome.captcha_needed:  # each picture is good for one try
                self._new_captcha()
            return None
        self.captcha_id, self.captcha_image = "", ""
        self.error = ""
        self.notice = ""
        return enter_script(outcome.token)

    @rx.event
    async def set_first_password(self, form: dict[str, str] | None = None) -> EventSpec | None:
        """A one-time password was right: the new one, twice, from the form (never kept)."""
        form = form or {}
        bind_request(self._request_info())
        try:
            outcome = await asyncio.to_thread(
                _first_password,
                client_key=self._client_key(),
                password=str(form.get("password", "")),
                password2=str(form.get("password2", "")),
            )
        except Exception as exc:
            self.error = self._error(exc)
            return None
        return self._go_on(outcome)

    @rx.event
    def confirm_code(self, form: dict[str, str] | None = None) -> EventSpec | None:
        """The second factor: the SMS code from the form (never kept), then the session."""
        code = str((form or {}).get("otp", "")).strip()
        if not code:
            self.error = self._tr("login.missing_otp")
            return None
        bind_request(self._request_info())
        try:
            with session_scope() as session:
                done = second_factor.finish(session, client_key=self._client_key(), code=code)
        except Exception as exc:
            self.error = self._error(exc)
            return None
        if done.error is not None:
            self.error = done.error.translate(self.lang)
            if done.error.key in ("auth.second_factor_expired", "sms.code_exhausted"):
                self.code_sent_to = ""  # start again with the password
            return None
        self.error, self.notice, self.code_sent_to = "", "", ""
        return enter_script(done.handoff)

    @rx.event
    def restart(self) -> None:
        self.code_sent_to, self.error, self.must_change_password = "", "", False
