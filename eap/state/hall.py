"""The applicant's home in the online service hall: my projects at a glance."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.services import hall
from eap.state.base import AppState

ROUTE = "/hall"


class HallState(AppState):
    projects: list[dict] = []

    @rx.event
    def load(self) -> rx.event.EventSpec | None:
        redirect = self._guard(ROUTE)
        if redirect is not None:
            return redirect
        principal = self._require(ROUTE)
        with Session(get_engine()) as s:
            self.projects = hall.my_projects(s, principal=principal)
        return None
