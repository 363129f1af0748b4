"""The shared auth base state (登录状态) every page state derives from."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine, session_scope
from eap.errors import DomainError, FieldErrors, PermissionDenied
from eap.i18n import DEFAULT_LANG, MESSAGES, t
from eap.middleware import SESSION_HEADER
from eap.routes import HOME_ROUTES, ROUTE_ROLES
from eap.services.admin import accounts
from eap.services.core import inbox, overview
from eap.services.core.audit import record
from eap.services.core.principal import Principal
from eap.services.core.request_info import RequestInfo, bind_request

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignedInUser:
    """What the page shows of the signed-in user: no secret, no ORM row. id 0: nobody."""

    id: int = 0
    username: str = ""
    name: str = ""
    role: str = ""
    region: str = ""
    department: str = ""
    company: str = ""
    home: str = "/login"
    unread: int = 0


# Signing in or out sets or removes the HttpOnly session cookie over HTTP (eap/api.py), then
# loads the next page afresh so that its socket carries the new session.
_ENTER_JS = (
    "fetch('/auth/enter',{method:'POST',credentials:'same-origin',"
    "headers:{'Content-Type':'application/x-www-form-urlencoded'},body:'code=%s'})"
    ".then(r=>r.json()).then(j=>window.location.assign(j.home||'/login'))"
    ".catch(()=>window.location.assign('/login'))"
)
_LEAVE_JS = (
    "fetch('/auth/leave',{method:'POST',credentials:'same-origin'})"
    ".finally(()=>window.location.assign('/login'))"
)


def enter_script(code: str) -> EventSpec:
    """The browser redeems a sign-in handoff code (URL-safe base64, so safe inside the JS)."""
    return rx.call_script(_ENTER_JS % code)


class AppState(rx.State):
    """The session is an HttpOnly cookie that page state never holds: the socket carries only
    its key (see eap/middleware.py). Language lives in a cookie; the user is a small DTO."""

    lang: str = rx.Cookie(DEFAULT_LANG, name="eap_lang", same_site="lax")
    user: SignedInUser = SignedInUser()
    notice: str = ""
    _last_field: str | None = None  # the field the last refusal named (backend only)
    _last_fields: dict[str, str] = {}  # every field a FieldErrors named (backend only)
    _scoped: str = ""  # whose region/department/company names ``user`` holds (backend only)

    @rx.var
    def t(self) -> dict[str, str]:
        return MESSAGES.get(self.lang, MESSAGES[DEFAULT_LANG])

    def __getstate__(self) -> dict[str, Any]:
        """What the state manager stores of this state: all but the catalogue ``t`` caches.
        The catalogue is one module-level dict per language, found again by a look-up when
        next read (hydration, a change of language); stored, it was 77 KB in every tab's
        record in Redis, unpickled on every event of every user."""
        cached = AppState.computed_vars["t"]._cache_attr  # the var lives on AppState only
        return {k: v for k, v in super().__getstate__().items() if k != cached}

    @rx.var
    def role_label(self) -> str:
        role = self.user.role
        return t(f"role.{role}", self.lang) if role else ""

    def _tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def _session_key(self) -> str:
        """The key of the session this page's socket was opened with ('' when signed out)."""
        return self.router.headers.raw_headers.get(SESSION_HEADER, "")

    def _principal(self) -> Principal | None:
        """Re-read the session from the database: every worker agrees, idle sessions end."""
        with session_scope() as session:
            return self._principal_in(session)

    def _principal_in(self, session: Session) -> Principal | None:
        """``_principal`` inside the caller's transaction: an event that goes on to read or
        write uses one connection for both."""
        bind_request(self._request_info())
        return accounts.resolve_session(session, key=self._session_key())

    def _request_info(self) -> RequestInfo:
        return RequestInfo(
            ip=self.router.session.client_ip, user_agent=self.router.headers.user_agent
        )

    def _set_user(self, principal: Principal) -> None:
        with Session(get_engine()) as session:
            self._set_user_in(session, principal)

    def _set_user_in(self, session: Session, principal: Principal) -> None:
        """``_set_user`` on the caller's connection."""
        # The names of the user's region, department and company change only when the
        # account does: looked up again then, not on every page.
        p = principal
        scoped = f"{p.user_id}|{p.region_code}|{p.department_id}|{p.company_id}"
        names = (self.user.region, self.user.department, self.user.company)
        if scoped != self._scoped:
            scope = overview.scope_of(session, principal=principal)
            names, self._scoped = (scope.region, scope.department, scope.company), scoped
        user = SignedInUser(
            id=principal.user_id,
            username=principal.username,
            name=principal.display_name,
            role=principal.role,
            region=names[0],
            department=names[1],
            company=names[2],
            home=HOME_ROUTES[principal.role],
            unread=inbox.unread_count(session, principal=principal),
        )
        if user != self.user:  # unchanged, it stays out of the page's update
            self.user = user

    def _require(self, route: str) -> Principal:
        """The signed-in principal allowed on ``route``, or raise PermissionDenied."""
        with session_scope() as session:
            return self._require_in(session, route)

    def _require_in(self, session: Session, route: str) -> Principal:
        """``_require`` inside the caller's transaction. A session found ended (idle, expired)
        is recorded as such before the refusal rolls the caller's work back."""
        principal = self._principal_in(session)
        if principal is None:
            session.commit()
            self.user = SignedInUser()
            raise PermissionDenied("login.session_ended")
        if principal.role not in ROUTE_ROLES.get(route, frozenset()):
            self._audit_refusal(principal, route, "route")
            raise PermissionDenied()
        return principal

    def _audit_refusal(self, principal: Principal, route: str, reason: str) -> None:
        """A refused authorisation is a security event: kept in its own transaction, since
        whatever was refused rolled back."""
        try:
            with session_scope() as session:
                record(
                    session,
                    actor_id=principal.user_id,
                    action="auth.refused",
                    entity="route",
                    entity_id=route,
                    detail={"reason": reason},
                )
        except Exception:  # the refusal stands even if its record cannot be written
            log.exception("could not audit a refusal")

    def _admit(self, route: str) -> tuple[Principal | None, EventSpec | None]:
        """For on_load: (the principal, None) when allowed here, else (None, a redirect to
        sign-in or to the user's own home). The one resolution of this event: pass the
        principal on to whatever the handler loads."""
        try:
            with session_scope() as session:  # one connection: the session, then the top bar
                principal = self._require_in(session, route)
                self._set_user_in(session, principal)
        except PermissionDenied as exc:
            if exc.key == "login.session_ended":
                self.notice = self._tr("login.session_ended") if self._session_key() else ""
                return None, rx.redirect("/login")
            return None, rx.redirect(self.user.home)
        return principal, None

    @rx.event
    def toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"

    @rx.event
    def go_home(self) -> EventSpec:
        principal = self._principal()
        if principal is None:
            return rx.redirect("/login")
        return rx.redirect(HOME_ROUTES[principal.role])

    @rx.event
    def logout(self) -> EventSpec:
        try:
            bind_request(self._request_info())
            with session_scope() as session:
                accounts.logout(session, key=self._session_key())
        except Exception:  # a failed audit write must not keep someone signed in
            log.exception("logout failed")
        # Forget every page's leftovers so the next person at this browser starts clean.
        lang = self.lang
        self.reset()
        self.lang = lang
        return rx.call_script(_LEAVE_JS)

    def _perform(
        self, route: str, action: Callable[[Session, Principal], object], done: str
    ) -> Principal | None:
        """Run one state-changing service call for a page with ``message``/``error`` vars.

        The principal is re-read from the session, the call runs in one transaction, and the
        outcome is a translated message; who may act and what is legal is the service's call.
        Returns the principal on success, for the handler to reload its lists with (no second
        resolution in the same event); None on failure.
        """
        self.message, self.error, self._last_field = "", "", None
        principal: Principal | None = None
        try:
            with session_scope() as session:  # the session checked in the action's transaction
                principal = self._require_in(session, route)
                action(session, principal)
        except Exception as exc:
            if isinstance(exc, PermissionDenied) and principal is not None:
                self._audit_refusal(principal, route, exc.key)
            self.error = self._error(exc)
            self._last_field = exc.field if isinstance(exc, DomainError) else None
            self._last_fields = exc.by_field(self.lang) if isinstance(exc, FieldErrors) else {}
            return None
        self.message = self._tr(done)
        return principal

    def _perform_form(
        self, route: str, action: Callable[[Session, Principal], object], done: str
    ) -> Principal | None:
        """``_perform`` for a form whose state has ``field_errors``: a refusal that names its
        field is shown beside that field instead of above the page."""
        errors: dict[str, str] = {}
        setattr(self, "field_errors", errors)  # noqa: B010 - the subclass declares the var
        acted = self._perform(route, action, done)
        if acted is None and self._last_field:
            # every field a form check refused at once (FieldErrors), else the one named
            by_field = self._last_fields or {self._last_field: self.error}
            setattr(self, "field_errors", by_field)  # noqa: B010
            self.error = ""
        return acted

    def _audited_download(self, data: bytes, filename: str) -> EventSpec:
        """Hand an export to the browser; every export is audited (who took what, when)."""
        principal = self._principal()
        if principal is None:
            return rx.redirect("/login")
        with session_scope() as session:
            record(
                session,
                actor_id=principal.user_id,
                action="export.xlsx",
                entity="export",
                entity_id=filename,
                detail={"page": self.router.url.path, "bytes": len(data)},
            )
        return rx.download(data=data, filename=filename)

    def _error(self, exc: Exception) -> str:
        if isinstance(exc, DomainError):
            return exc.translate(self.lang)
        log.exception("unexpected error", exc_info=exc)
        return self._tr("error.unexpected")
