"""A project's page on the big screen (/screen/project/[code]): its whole approval."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import PermissionDenied
from eap.services.screen.projects import ProjectTimeline, project_timeline
from eap.state.core.base import AppState

ROUTE = "/screen/project/[code]"


class ProjectScreenState(AppState):
    timeline: ProjectTimeline = ProjectTimeline()
    error: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        self.timeline, self.error = ProjectTimeline(), ""
        code = str(self.router.page.params.get("code", "") or "")
        try:
            with Session(get_engine()) as s:
                self.timeline = project_timeline(s, principal=principal, code=code)
        except PermissionDenied as exc:
            self.error = self._error(exc)
        except Exception as exc:  # translated for the user, never a traceback
            self.error = self._error(exc)
        return None
