"""窗口代录 (/workbench/counter): the window enters a walk-in applicant's application. Each
handler re-authorises through the session; ``services.approval.counter`` decides the rest."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session, col, select

from eap.db import get_engine, session_scope
from eap.errors import DomainError, FieldErrors
from eap.models import ProcessType, Region
from eap.models.projects import ProjectCreate
from eap.services.approval import counter
from eap.services.approval.counter import CounterProject
from eap.services.core.principal import Principal
from eap.services.hall.rows import FormItem, FormMaterial, Question
from eap.state.core.base import AppState

COUNTER = "/workbench/counter"
COMPANY_FIELDS = ("name", "legal_rep", "phone", "region_code")
PROJECT_FIELDS = (
    "project_code",
    "name",
    "region_code",
    "location",
    "total_investment",
    "process_type",
)


class CounterState(AppState):
    counties: list[dict[str, str]] = []  # the window's city's counties: code, name
    process_types: list[dict[str, str]] = []
    uscc: str = ""
    searched: bool = False
    company_id: int = 0
    company_name: str = ""
    company_phone: str = ""  # masked
    projects: list[CounterProject] = []
    company: dict[str, str] = {}  # a new company's fields
    project: dict[str, str] = {}  # a new project's fields
    adding_project: bool = False  # the new project's form is open
    project_id: int = 0
    stage: int = 0
    questions: list[Question] = []
    items: list[FormItem] = []
    materials: list[FormMaterial] = []
    scanned: dict[str, str] = {}  # material code -> file name shown
    upload_code: str = ""
    owed: list[str] = []  # 容缺: the applicant promises these later
    filed_id: int = 0
    filed_no: str = ""
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""
    _scan_ids: dict[str, int] = {}
    _answers: dict[str, bool] = {}

    @rx.var
    def new_company(self) -> bool:
        return self.searched and self.company_id == 0

    @rx.var
    def missing(self) -> list[str]:
        """Materials neither on file nor scanned yet, nor owed."""
        return [
            m.code
            for m in self.materials
            if not m.satisfied_by and m.code not in self.scanned and m.code not in self.owed
        ]

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(COUNTER)
        if principal is None:
            return redirect
        with Session(get_engine()) as s:
            self.counties = [
                {"code": r.code, "name": r.name}
                for r in s.exec(
                    select(Region)
                    .where(Region.parent_code == principal.region_code)
                    .order_by(col(Region.code))
                )
            ]
            self.process_types = [
                {"code": str(p.code), "name": p.name_zh if self.lang == "zh" else p.name_en}
                for p in s.exec(select(ProcessType).order_by(col(ProcessType.code)))
            ]
        if not self.filed_id and not self.company_id:
            self._start_over()
        return None

    def _start_over(self) -> None:
        self.uscc, self.searched, self.company_id = "", False, 0
        self.company_name, self.company_phone, self.projects = "", "", []
        first = self.counties[0]["code"] if self.counties else ""
        self.company = {"region_code": first}
        self.project = {"region_code": first, "process_type": "3"}
        self._clear_form()
        self.filed_id, self.filed_no = 0, ""
        self.field_errors, self.message, self.error = {}, "", ""

    def _clear_form(self) -> None:
        self.project_id, self.stage = 0, 0
        self.questions, self.items, self.materials = [], [], []
        self.scanned, self._scan_ids, self.owed, self.upload_code = {}, {}, [], ""
        self._answers = {}

    @rx.event
    def start_over(self) -> None:
        self._start_over()

    @rx.event
    def set_uscc(self, value: str) -> None:
        self.uscc = value.strip().upper()

    @rx.event
    def find(self) -> None:
        self.field_errors, self.error, self.message = {}, "", ""
        try:
            principal = self._require(COUNTER)
            with Session(get_engine()) as s:
                found = counter.find_walk_in(s, principal=principal, uscc=self.uscc)
        except Exception as exc:
            self._refused(exc)
            return
        self._clear_form()
        self.searched = True
        if found is None:
            self.company_id, self.company_name, self.projects = 0, "", []
            return
        self._show_company(found)

    def _show_company(self, found: counter.WalkIn) -> None:
        self.company_id, self.company_name = found.company_id, found.name
        self.company_phone, self.projects = found.phone, found.projects
        self.adding_project = not found.projects  # a first project: its form at once

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, FieldErrors):
            self.field_errors = exc.by_field(self.lang)
        elif isinstance(exc, DomainError) and exc.field:
            self.field_errors = {exc.field: exc.translate(self.lang)}
        else:
            self.error = self._error(exc)

    @rx.event
    def set_company_field(self, name: str, value: str) -> None:
        if name in COMPANY_FIELDS:
            self.company = {**self.company, name: value}

    @rx.event
    def register_company(self) -> None:
        self.field_errors, self.error = {}, ""
        try:
            principal = self._require(COUNTER)
            with session_scope() as s:
                found = counter.register_walk_in(
                    s,
                    principal=principal,
                    uscc=self.uscc,
                    name=self.company.get("name", ""),
                    legal_rep=self.company.get("legal_rep", ""),
                    phone=self.company.get("phone", ""),
                    region_code=self.company.get("region_code", ""),
                )
        except Exception as exc:
            self._refused(exc)
            return
        self._show_company(found)
        self.message = self._tr("counter.company_registered")

    @rx.event
    def set_project_field(self, name: str, value: str) -> None:
        if name in PROJECT_FIELDS:
            self.project = {**self.project, name: value}

    @rx.event
    def set_adding_project(self, value: bool) -> None:
        self.adding_project = bool(value)

    @rx.event
    def register_project(self) -> None:
        self.field_errors, self.error, self.message = {}, "", ""
        try:
            principal = self._require(COUNTER)
            data = self._project_data()
            with session_scope() as s:
                project = counter.register_walk_in_project(
                    s, principal=principal, company_id=self.company_id, data=data
                )
                found = counter.find_walk_in(s, principal=principal, uscc=self.uscc)
                new_id = project.id or 0
        except Exception as exc:
            self._refused(exc)
            return
        if found is not None:
            self._show_company(found)
        self.adding_project = False
        self.project = {"region_code": self.project.get("region_code", ""), "process_type": "3"}
        self._choose(principal, new_id)

    def _project_data(self) -> ProjectCreate:
        try:
            investment = float(self.project.get("total_investment", "") or "nan")
        except ValueError:
            investment = float("nan")
        if investment != investment or investment < 0:  # NaN: empty or not a number
            raise DomainError("counter.investment", field="total_investment")
        return ProjectCreate(
            project_code=self.project.get("project_code", ""),
            name=self.project.get("name", ""),
            region_code=self.project.get("region_code", ""),
            location=self.project.get("location", ""),
            total_investment=investment,
            process_type=int(self.project.get("process_type", "3") or 3),
        )

    def _clerk(self) -> Principal | None:
        try:
            return self._require(COUNTER)
        except Exception as exc:
            self.error = self._error(exc)
            return None

    @rx.event
    def choose_project(self, project_id: int) -> None:
        if (principal := self._clerk()) is not None:
            self._choose(principal, project_id)

    def _choose(self, principal: Principal, project_id: int) -> None:
        self._clear_form()
        chosen = next((p for p in self.projects if p.id == project_id), None)
        if chosen is None:
            return
        self.project_id, self.stage = chosen.id, chosen.stage
        self._load_form(principal)

    def _load_form(self, principal: Principal) -> None:
        self.field_errors, self.error = {}, ""
        try:
            with Session(get_engine()) as s:
                form = counter.counter_form(
                    s,
                    principal=principal,
                    project_id=self.project_id,
                    stage_code=self.stage,
                    answers=self._answers,
                )
        except Exception as exc:
            self._refused(exc)
            return
        self.questions, self.items, self.materials = form.questions, form.form_items, form.materials
        codes = {m.code for m in self.materials}
        self.owed = [c for c in self.owed if c in codes]
        self.upload_code = next(iter(self.missing), "")

    @rx.event
    def set_answer(self, key: str, value: str) -> None:
        principal = self._clerk()
        if principal is None or not self.project_id:
            return
        self._answers = {**self._answers, key: value == "yes"}
        self._load_form(principal)

    @rx.event
    def set_upload_code(self, value: str) -> None:
        self.upload_code = value

    @rx.event
    def toggle_owed(self, code: str) -> None:
        self.owed = [c for c in self.owed if c != code] if code in self.owed else [*self.owed, code]
        if self.upload_code in self.owed:
            self.upload_code = next(iter(self.missing), "")

    @rx.event
    async def handle_upload(self, uploads: list[rx.UploadFile]) -> None:
        """A scanned material, stored as the company's file at once."""
        if not uploads:
            return
        self.field_errors, self.error = {}, ""
        try:
            principal = self._require(COUNTER)
            if not self.upload_code:
                raise DomainError("apply.choose_material", field="scan")
            data = await uploads[0].read()
            with session_scope() as s:
                stored = counter.scan_material(
                    s,
                    principal=principal,
                    project_id=self.project_id,
                    filename=uploads[0].name or "scan",
                    content=data,
                )
        except Exception as exc:
            self._refused(exc)
            if "file" in self.field_errors:
                self.field_errors = {"scan": self.field_errors["file"]}
            return
        code = self.upload_code
        self.scanned = {**self.scanned, code: stored.filename}
        self._scan_ids = {**self._scan_ids, code: stored.id or 0}
        self.upload_code = next(iter(self.missing), "")

    @rx.event
    def upload_refused(self, rejected: list[Any]) -> None:
        self.field_errors = {"scan": self._tr("apply.file_refused")}

    @rx.event
    def file(self) -> None:
        filed: list[tuple[int, str]] = []
        # The answers as shown (pre-answered from the project, then changed here): the
        # materials scanned are those of the form these answers gave.
        answers = {q.key: q.value for q in self.questions}
        uploads = {c: i for c, i in self._scan_ids.items() if c not in self.owed}
        owed, project_id, stage = list(self.owed), self.project_id, self.stage

        def act(s: Session, p: Principal) -> object:
            sc = counter.file_at_counter(
                s,
                principal=p,
                project_id=project_id,
                stage_code=stage,
                answers=answers,
                uploads=uploads,
                owed=owed,
            )
            filed.append((sc.id or 0, sc.case_no))
            return sc

        if self._perform_form(COUNTER, act, "counter.filed") is not None and filed:
            self.filed_id, self.filed_no = filed[0]
            self.message = ""  # the filed card says it, with the receipt beside it
            if "materials" in self.field_errors or "owed" in self.field_errors:
                self.field_errors = {}
