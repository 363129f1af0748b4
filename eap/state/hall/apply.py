"""Applicant pages: register a project, apply for a stage with the one form, answer a
supplement notice. Files go through our own store, never to Reflex's public upload folder."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine, session_scope
from eap.errors import DomainError, FieldErrors
from eap.models import Project
from eap.services.approval import filing, generation, supplements
from eap.services.approval.generation import PlanChoice
from eap.services.core import files
from eap.services.core.clock import CHINA_TZ
from eap.services.core.principal import Principal
from eap.services.hall import drafts, hall, licences, projects
from eap.services.hall.rows import FormItem, FormMaterial, OpenNotice, ProjectChoice, Question
from eap.state.core.base import AppState
from eap.state.core.blank import blank_figure, figure_json
from eap.state.hall import site_map

APPLY = "/hall/apply"
NEW_PROJECT = "/hall/projects/new"
FLAGS = (
    "filing_only",
    "civil_air_defence",
    "gas",
    "near_river",
    "energy_review",
    "night_work",
    "affects_road",
)
# A new project's form: a company's project filed (备案), new works, a building, land sold at
# auction — each a choice the applicant sees and may change.
NEW_PROJECT_FIELDS = {
    "process_type": "3",
    "region_code": "",
    "approval_type": "3",
    "construction_nature": "1",
    "engineering_category": "1",
    "land_acquisition": "3",
    "industry_code": "E4790",
    "regional_assessment": "no",
}


def _prefill(project_code: str) -> dict[str, str]:
    # its own transaction: the adapter's health is written as it is learnt
    with session_scope() as s:
        return projects.platform_prefill(s, project_code=project_code)


class ApplyState(AppState):
    my_projects: list[ProjectChoice] = []
    project_id: str = ""
    stage: str = ""
    items: list[FormItem] = []
    materials: list[FormMaterial] = []
    notices: list[OpenNotice] = []
    uploaded: dict[str, str] = {}  # material code -> file name shown
    uploaded_ids: dict[str, str] = {}  # material code -> stored file id, for the preview link
    questions: list[Question] = []
    upload_code: str = ""
    owed_pending: str = ""  # the question naming the materials to owe, while it is asked
    _owed: list[str] = []

    @rx.var
    def open_stage(self) -> str:
        """The main-line stage this project may apply for now (stage 5 is always open)."""
        return self._stage_of(self.project_id)

    def _stage_of(self, project_id: str) -> str:
        return next((str(p.stage) for p in self.my_projects if str(p.id) == project_id), "")

    receipt: str = ""
    error: str = ""
    message: str = ""
    _file_ids: dict[str, int] = {}
    _answers: dict[str, bool] = {}
    # whose form, for which project and stage, the answers and uploads above are: a reload or
    # a reconnect (another worker) keeps that work instead of going back to the saved draft
    _form_of: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(APPLY)
        if principal is None:
            return redirect
        try:
            with session_scope() as s:  # one connection: the projects, then the form
                self._load_in(s, principal)
        except Exception as exc:  # translated for the user, never a traceback
            self.error = self._error(exc)
        return self._pull_after()

    def _load_in(self, s: Session, principal: Principal) -> None:
        self.my_projects = hall.project_choices(s, principal=principal)
        mine = {str(p.id) for p in self.my_projects}
        self.receipt, self.error, self.message = "", "", ""
        query = self.router.url.query_parameters
        registered = str(query.get("registered", ""))
        supplement = str(query.get("supplement", ""))
        if registered in mine:
            # Straight from 登记项目: the new project is chosen, at its current stage.
            self.project_id, self.stage = registered, self._stage_of(registered)
        elif supplement in mine:
            # 去补正 from the hall: the application with the open notice, nothing else.
            self.project_id, self.stage = supplement, str(query.get("stage", ""))
        if self.project_id not in mine:
            self.project_id, self.stage = "", ""  # left over from someone else's session
            self.items, self.materials, self.notices, self.questions = [], [], [], []
            self._set_files({}, {})
            self._answers = {}
        if self.project_id:  # coming back: refresh the form and any new notices
            held = self._form_of == f"{principal.user_id}:{self.project_id}:{self.stage}"
            try:
                self._form_in(s, principal, resume=not held)
            except Exception as exc:  # translated for the user, never a traceback
                self.error = self._error(exc)
        if registered and registered == self.project_id and not self.error:
            name = next(p.name for p in self.my_projects if str(p.id) == registered)
            self.message = self._tr("apply.registered", name=name)

    def _pull_after(self) -> EventSpec | None:
        """The 电子证照库's licences, fetched off the event loop once the form shows."""
        return ApplyState.pull_licences if self.project_id and licences.enabled() else None

    @rx.event(background=True)
    async def pull_licences(self) -> None:
        """Licences the province's e-certificate library holds for the company join its
        material library; when any came, the form is built again and offers them."""
        async with self:
            try:
                principal = self._require(APPLY)
            except Exception:
                return
        try:
            added = await asyncio.to_thread(licences.pull_in_own_transaction, principal)
        except Exception:  # the form works without them; the adapter recorded why
            return
        if added:
            async with self:
                try:
                    self._load_form()
                except Exception as exc:
                    self.error = self._error(exc)

    def _set_files(self, file_ids: dict[str, int], names: dict[str, str]) -> None:
        self._file_ids = file_ids
        self.uploaded = names
        self.uploaded_ids = {c: str(i) for c, i in file_ids.items()}

    def _load_form(self, *, resume: bool = False) -> None:
        """The form for the chosen project and stage; ``resume`` picks up a saved draft."""
        if not self.project_id:
            self.items, self.materials, self.notices, self.questions = [], [], [], []
            return
        with session_scope() as s:  # one connection: the session check, then the form
            self._form_in(s, self._require_in(s, APPLY), resume=resume)

    def _form_in(self, s: Session, principal: Principal, *, resume: bool) -> None:
        """``_load_form`` on the caller's connection, for a principal it has resolved."""
        self.items, self.materials, self.notices, self.questions = [], [], [], []
        # Held while the services below look the project up: the session's identity map
        # keeps only referenced rows, so each look-up would read it again.
        held = s.get(Project, int(self.project_id))  # noqa: F841
        self.notices = [
            n
            for n in hall.open_notices(s, principal=principal, project_id=int(self.project_id))
            if str(n.stage) == self.stage
        ]
        if resume and self.stage:
            self._answers = {}
            self._set_files({}, {})
            draft = drafts.load_draft(
                s,
                principal=principal,
                project_id=int(self.project_id),
                stage_code=int(self.stage),
            )
            if draft is not None:
                self._answers = draft["answers"]
                self._set_files(draft["uploads"], draft["names"])
                at = draft["saved_at"].astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
                self.message = self._tr("apply.draft_resumed", at=at)
        if self.stage:
            form = hall.apply_form(
                s,
                principal=principal,
                project_id=int(self.project_id),
                stage_code=int(self.stage),
                answers=self._answers,
            )
            self.items, self.materials = form.form_items, form.materials
            self.questions = form.questions
        self._form_of = f"{principal.user_id}:{self.project_id}:{self.stage}"
        if self.notices:  # 补正: only the notice's materials are asked for
            needs = [m.code for n in self.notices for m in n.materials]
        else:
            needs = [m.code for m in self.materials if not m.satisfied_by]
        self.upload_code = needs[0] if needs else ""

    @rx.var
    def supplementing(self) -> bool:
        """An open notice on this application: the page is its 补正, one path, one button."""
        return len(self.notices) > 0

    @rx.event
    def set_project(self, value: str) -> EventSpec | None:
        self.project_id, self.receipt, self.error = value, "", ""
        self.stage = self._stage_of(value) or "1"
        try:
            self._load_form(resume=True)
        except Exception as exc:  # translated for the user, never a traceback
            self.error = self._error(exc)
        return self._pull_after()

    @rx.event
    def set_stage(self, value: str) -> EventSpec | None:
        self.stage, self.error, self.message = value, "", ""
        try:
            self._load_form(resume=True)
        except Exception as exc:  # translated for the user, never a traceback
            self.error = self._error(exc)
        return self._pull_after()

    @rx.event
    def set_upload_code(self, value: str) -> None:
        self.upload_code = value

    @rx.event
    def set_answer(self, key: str, value: str) -> None:
        """A questionnaire answer changes which items apply; uploads so far are kept."""
        self._answers = {**self._answers, key: value == "yes"}
        self.error = ""
        try:
            self._load_form()
        except Exception as exc:  # translated for the user, never a traceback
            self.error = self._error(exc)

    @rx.event
    def save_draft(self) -> None:
        if not (self.project_id and self.stage):
            return
        self._perform(
            APPLY,
            lambda s, p: drafts.save_draft(
                s,
                principal=p,
                project_id=int(self.project_id),
                stage_code=int(self.stage),
                answers={q.key: q.value for q in self.questions},
                uploads=self._file_ids,
            ),
            "apply.draft_saved",
        )

    @rx.event
    async def handle_upload(self, uploads: list[rx.UploadFile]) -> None:
        """Checked (type, size) and stored by the files service for the chosen material."""
        if not uploads:  # the picker refused the file: upload_refused says why
            return
        self.error = ""
        try:
            principal = self._require(APPLY)
            if not self.upload_code:
                raise DomainError("apply.choose_material")
            if len(uploads) != 1:
                raise DomainError("apply.upload_count")
            for upload in uploads:
                data = await upload.read()
                with session_scope() as s:
                    stored = files.store_file(
                        s, principal=principal, filename=upload.name or "file", content=data
                    )
                    self._set_files(
                        {**self._file_ids, self.upload_code: stored.id or 0},
                        {**self.uploaded, self.upload_code: stored.filename},
                    )
        except Exception as exc:
            self.error = self._error(exc)

    @rx.event
    def upload_refused(self, rejected: list[Any]) -> None:
        """The browser's picker refused a file (its type): one message, in the page's language,
        naming what is accepted — instead of the picker's own English toast with MIME types.
        (The rejected files arrive as bytes, without their names.)"""
        self.error = self._tr("apply.file_refused")

    @rx.event
    def submit(self) -> None:
        self._submit(owed=[])

    @rx.event
    def submit_owed(self) -> None:
        """The applicant confirmed the materials it will owe (容缺): submit with them named."""
        owed, self.owed_pending = self._owed, ""
        self._submit(owed=owed)

    @rx.event
    def keep_uploading(self) -> None:
        self.owed_pending, self._owed = "", []

    def _submit(self, *, owed: list[str]) -> None:
        self.error, self.receipt, self.owed_pending = "", "", ""
        try:
            principal = self._require(APPLY)
            wanted = {m.code for m in self.materials}
            with session_scope() as s:
                sc = filing.submit_stage_application(
                    s,
                    principal=principal,
                    project_id=int(self.project_id),
                    stage_code=int(self.stage),
                    answers={q.key: q.value for q in self.questions},
                    uploads={c: i for c, i in self._file_ids.items() if c in wanted},
                    owed=owed,
                )
                self.receipt = sc.case_no
            self.materials, self.items, self.questions = [], [], []
            self._set_files({}, {})
            self._answers, self._owed, self._form_of = {}, [], ""
        except DomainError as exc:
            if exc.key == "apply.confirm_owed":  # ask first, naming them
                self._owed = str(exc.params.get("codes", "")).split("、")
                self.owed_pending = exc.translate(self.lang)
            else:
                self.error = self._error(exc)
        except Exception as exc:
            self.error = self._error(exc)

    @rx.event
    def answer_notice(self, notice_id: int) -> None:
        self.error, self.message = "", ""
        try:
            principal = self._require(APPLY)
            notice = next(n for n in self.notices if n.id == notice_id)
            codes = {m.code for m in notice.materials}
            with session_scope() as s:
                supplements.supply_supplement(
                    s,
                    principal=principal,
                    notice_id=notice_id,
                    uploads={c: i for c, i in self._file_ids.items() if c in codes},
                )
            self.message = self._tr("apply.supplied")
            self._load_form()
        except Exception as exc:
            self.error = self._error(exc)


class NewProjectState(AppState):
    """Register a project, or edit one (``?edit=<id>``) until its first acceptance."""

    fields: dict[str, str] = {"process_type": "3"}  # NEW_PROJECT_FIELDS once loaded
    flags: list[str] = []
    field_errors: dict[str, str] = {}
    error: str = ""
    editing_id: str = ""
    cities: list[dict[str, str]] = []  # {code, name}: the picker's first select
    counties: list[dict[str, str]] = []  # the chosen city's own level, then its counties
    city: str = ""
    _counties: dict[str, list[dict[str, str]]] = {}
    picking: bool = False  # the site map is open
    platform_on: bool = False  # an investment platform is configured: the code can fill the form
    from_platform: bool = False  # the fields shown came from the platform's record
    plans: list[PlanChoice] = []  # 策划生成: agreed plans naming this company as builder
    planned_id: str = ""  # the plan being registered, if any

    @rx.event
    def use_plan(self, plan_id: str) -> None:
        """Register an agreed plan: its name, site and figures fill the form."""
        plan = next((p for p in self.plans if str(p.id) == plan_id), None)
        if plan is None:
            return
        self.planned_id = plan_id
        self.fields = {
            **self.fields,
            "name": plan.name,
            "region_code": plan.region_code,
            "location": plan.location,
            "total_investment": f"{plan.total_investment:g}",
            "land_area": f"{plan.land_area:g}",
        }
        self._show_city_of(plan.region_code)

    @rx.var
    def pick_fig(self) -> dict[str, Any]:
        """The chosen county's map, with the site typed or picked so far."""
        region = self.fields.get("region_code", "")
        if not self.picking or not region:
            return blank_figure()
        try:
            lon = float(self.fields.get("longitude", ""))
            lat = float(self.fields.get("latitude", ""))
        except ValueError:
            lon = lat = None  # type: ignore[assignment]
        return figure_json(site_map.site_figure(region, lon, lat))

    @rx.event
    def toggle_pick(self) -> None:
        self.picking = not self.picking

    @rx.event
    def pick_site(self, points: list[dict]) -> None:
        """A click on the county's grid: its point becomes the site (checked again on save)."""
        if not points or points[0].get("curveNumber") != 1:
            return
        x, y = points[0].get("x"), points[0].get("y")
        if isinstance(x, int | float) and isinstance(y, int | float):
            self.fields = {**self.fields, "longitude": f"{x:.6f}", "latitude": f"{y:.6f}"}
            errors = self.field_errors
            self.field_errors = {
                k: v for k, v in errors.items() if k not in ("longitude", "latitude")
            }

    def _load_regions(self) -> None:
        with Session(get_engine()) as s:
            choices = projects.region_choices(s)
        self.cities = [{"code": c.code, "name": c.name} for c in choices]
        self._counties = {
            c.code: [
                {
                    "code": code,
                    "name": self._tr("project.city_level", name=name) if code == c.code else name,
                }
                for code, name in c.counties
            ]
            for c in choices
        }

    def _show_city_of(self, region_code: str) -> None:
        city = next(
            (
                c
                for c, counties in self._counties.items()
                if any(x["code"] == region_code for x in counties)
            ),
            "",
        )
        self.city, self.counties = city, self._counties.get(city, [])

    @rx.event
    def set_city(self, code: str) -> None:
        """A new city empties the county: the applicant picks one of its own."""
        self.city, self.counties = code, self._counties.get(code, [])
        self.fields = {**self.fields, "region_code": ""}

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(NEW_PROJECT)
        if principal is None:
            return redirect
        self.error, self.field_errors, self.editing_id = "", {}, ""
        self.platform_on, self.from_platform = projects.platform_enabled(), False
        self._load_regions()
        edit = str(self.router.page.params.get("edit", "") or "")
        self.planned_id = ""
        if not edit.isdigit():  # a new project starts from a blank form
            self.fields = dict(NEW_PROJECT_FIELDS)
            self.flags = []
            self.city, self.counties = "", []
            with Session(get_engine()) as s:
                self.plans = generation.plans_to_register(s, principal=principal)
            return None
        try:
            with Session(get_engine()) as s:
                p = projects.get_project(s, principal=principal, project_id=int(edit))
                if p.locked:
                    raise DomainError("project.locked")
        except Exception as exc:  # translated for the user, never a traceback
            self.error = self._error(exc)
            return None
        self.editing_id = edit
        self.fields = {
            "project_code": p.project_code,
            "name": p.name,
            "region_code": p.region_code,
            "location": p.location,
            "total_investment": f"{p.total_investment:g}",
            "land_area": f"{p.land_area:g}",
            "floor_area": f"{p.floor_area:g}",
            "process_type": str(p.process_type),
            "longitude": "" if p.longitude is None else str(p.longitude),
            "latitude": "" if p.latitude is None else str(p.latitude),
            "approval_type": str(p.approval_type),
            "construction_nature": str(p.construction_nature),
            "engineering_category": str(p.engineering_category),
            "land_acquisition": str(p.land_acquisition),
            "industry_code": p.industry_code,
            "regional_assessment": "yes" if p.regional_assessment else "no",
            "engineering_code": p.engineering_code,
            "scale": p.scale,
        }
        self.flags = [f for f in FLAGS if (p.attributes or {}).get(f)]
        self._show_city_of(p.region_code)
        return None

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        self.fields = {**self.fields, name: value}

    @rx.event(background=True)
    async def fetch_from_platform(self) -> None:
        """项目代码 → the investment platform's record fills name, place, investment and the
        approval type; a code it does not know is refused beside the code. The lookup runs
        in a worker thread: a slow platform must not hold up everyone else's events."""
        async with self:
            self.error, self.field_errors, self.from_platform = "", {}, False
            try:
                self._require(NEW_PROJECT)
            except Exception as exc:
                self.error = self._error(exc)
                return
            code = self.fields.get("project_code", "")
        try:
            filled = await asyncio.to_thread(_prefill, code)
        except FieldErrors as exc:
            async with self:
                self.field_errors = exc.by_field(self.lang)
            return
        except Exception as exc:
            async with self:
                self.error = self._error(exc)
            return
        async with self:
            self.fields = {**self.fields, **filled}
            self._show_city_of(filled.get("region_code", ""))
            self.from_platform = bool(filled)

    @rx.event
    def toggle_flag(self, flag: str, checked: bool) -> None:
        self.flags = (
            sorted(set(self.flags) | {flag}) if checked else [f for f in self.flags if f != flag]
        )

    @rx.event
    def register(self) -> EventSpec | None:
        """Checked on the server in one pass; every error is shown under its own field."""
        self.error, self.field_errors = "", {}
        try:
            principal = self._require(NEW_PROJECT)
            with session_scope() as s:
                data = projects.project_from_form(
                    s, fields=self.fields, flags=self.flags, new=not self.editing_id
                )
                if self.editing_id:
                    projects.update_project(
                        s,
                        principal=principal,
                        project_id=int(self.editing_id),
                        changes=data.model_dump(exclude={"project_code"}),
                    )
                else:
                    created = projects.register_project(
                        s,
                        principal=principal,
                        data=data,
                        planned_id=int(self.planned_id) if self.planned_id else None,
                    )
                    created_id = created.id
        except FieldErrors as exc:
            self.field_errors = exc.by_field(self.lang)
            return None
        except DomainError as exc:
            self.field_errors = {exc.field or "form": exc.translate(self.lang)}
            return None
        except Exception as exc:
            self.error = self._error(exc)
            return None
        if self.editing_id:
            return rx.redirect("/hall")
        return rx.redirect(f"{APPLY}?registered={created_id}")
