"""The security officer's page state (/admin/security)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.services.admin import security_office
from eap.services.admin.security_office import LockedRow, PolicyRow, SessionRow
from eap.services.core import cache
from eap.services.core.policy import CACHE_KEY, NAMES
from eap.services.core.principal import Principal
from eap.state.core.base import AppState

ROUTE = "/admin/security"


class SecurityState(AppState):
    locked: list[LockedRow] = []
    sessions: list[SessionRow] = []
    policy: dict[str, str] = {}  # the values the officer sets, as typed
    fixed: list[PolicyRow] = []  # those the deployment sets
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""

    def _reload(self, principal: Principal) -> None:
        with Session(get_engine()) as s:
            self.locked = security_office.locked_accounts(s, principal=principal)
            self.sessions = security_office.open_sessions(s, principal=principal)
            values = security_office.policy_values(s, principal=principal)
        self.policy = {k: str(v) for k, v in values.items()}
        self.fixed = security_office.deployment_policy(principal=principal)

    @rx.event
    def load(self) -> EventSpec | None:
        self.message, self.error, self.field_errors = "", "", {}
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        self._reload(principal)
        return None

    @rx.event
    def unlock(self, user_id: int) -> None:
        acted = self._perform(
            ROUTE,
            lambda s, p: security_office.unlock(s, principal=p, user_id=user_id),
            "security.unlocked",
        )
        if acted is not None:
            self._reload(acted)

    @rx.event
    def force_out(self, user_id: int, ref: str) -> None:
        acted = self._perform(
            ROUTE,
            lambda s, p: security_office.end_session(s, principal=p, user_id=user_id, ref=ref),
            "security.forced_out",
        )
        if acted is not None:
            self._reload(acted)

    @rx.event
    def set_policy_value(self, name: str, value: str) -> None:
        if name in NAMES:
            self.policy = {**self.policy, name: value}
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}

    @rx.event
    def save_policy(self) -> None:
        values = dict(self.policy)
        acted = self._perform_form(
            ROUTE,
            lambda s, p: security_office.set_policy(s, principal=p, values=values),
            "security.policy_saved",
        )
        if acted is not None:
            cache.delete(CACHE_KEY)  # again after the commit: no worker keeps the old one
            self._reload(acted)
