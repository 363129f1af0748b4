"""What the sign-up and password-reset pages share: sending a phone code and counting down to
the next one, and showing a returned outcome. A state mixin, so each page keeps its own vars."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

import reflex as rx

if TYPE_CHECKING:
    from eap.services.core.principal import Principal
from sqlmodel import Session

from eap.config import get_settings
from eap.db import session_scope
from eap.errors import DomainError
from eap.services.core import notify
from eap.services.core.request_info import RequestInfo, bind_request
from eap.services.hall.registration import RegistrationOutcome

# What these forms never keep in page state: typed into uncontrolled inputs, taken from the
# submit's form data, used and dropped (page state is persisted by Reflex's state manager).
SECRET_FIELDS = ("code", "password", "password2")


def secrets_of(form: dict[str, str] | None) -> dict[str, str]:
    return {k: str(v) for k, v in (form or {}).items() if k in SECRET_FIELDS}


class PhoneCodeMixin(rx.State, mixin=True):
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""
    code_wait: int = 0  # seconds until another code may be asked for

    if TYPE_CHECKING:  # provided by the AppState subclass the mixin is combined with
        lang: str

        def _error(self, exc: Exception) -> str: ...
        def _request_info(self) -> RequestInfo: ...
        def _tr(self, key: str, **params: object) -> str: ...
        def _require(self, route: str) -> Principal: ...
        def _perform(
            self, route: str, action: Callable[[Session, Principal], object], done: str
        ) -> Principal | None: ...

    @rx.event(background=True)
    async def count_down(self) -> None:
        """Tick the resend button down; the server enforces the wait either way."""
        while True:
            async with self:
                if self.code_wait <= 0:
                    return
                self.code_wait -= 1
            await asyncio.sleep(1)

    def _send(self, issue: Callable[[Session], int | None], sent_key: str) -> bool:
        """Queue the code's SMS with its row, hand exactly that message to the gateway after
        commit, and start the countdown; an error naming a field is shown beside it."""
        self.message, self.error = "", ""
        bind_request(self._request_info())
        try:
            with session_scope() as s:
                sms_id = issue(s)
            if sms_id is not None:
                with session_scope() as s:
                    notify.deliver_sms(s, ids=[sms_id])
        except DomainError as exc:
            self.field_errors = {**self.field_errors, exc.field or "form": exc.translate(self.lang)}
            return False
        except Exception as exc:
            self.error = self._error(exc)
            return False
        self.message = self._tr(sent_key)
        self.code_wait = get_settings().sms_resend_seconds
        return True

    def _settle(self, run: Callable[[Session], RegistrationOutcome]) -> bool:
        """Run a returned-outcome service in one transaction (committed even on a wrong code,
        so the attempt counts); an error is shown beside its field."""
        self.message, self.error, self.field_errors = "", "", {}
        bind_request(self._request_info())
        try:
            with session_scope() as s:
                outcome = run(s)
        except Exception as exc:
            self.error = self._error(exc)
            return False
        if outcome.error is not None:
            err = outcome.error
            self.field_errors = {err.field or "form": err.translate(self.lang)}
            return False
        return True
