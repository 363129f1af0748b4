"""项目登记 form (issue 18, item 3): every wrong field reported at once under its own name, the
region picked as city → county, what the applicant typed checked on the server."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from eap.errors import FieldErrors
from eap.models import Project
from eap.services.hall import projects
from tests.factories import applicant, project

GOOD = {
    "project_code": "2026-360102-47-01-765432",
    "name": "表单测试综合楼",
    "region_code": "360102",
    "location": "南昌市东湖区",
    "total_investment": "1,200.5",
    "land_area": "",
    "floor_area": "8000",
    "process_type": "3",
}


def _errors(session: Session, fields: dict[str, str], new: bool = True) -> dict[str, str]:
    with pytest.raises(FieldErrors) as err:
        projects.project_from_form(session, fields=fields, flags=[], new=new)
    return {e.field or "": e.key for e in err.value.errors}


def test_every_wrong_field_is_reported_at_once_under_its_own_name(session: Session) -> None:
    wrong = {
        **GOOD,
        "project_code": "2026-360102-47",
        "land_area": "-5",
        "floor_area": "lots",
        "region_code": "",
        "name": " ",
    }
    assert _errors(session, wrong) == {
        "project_code": "project_code.format",
        "land_area": "project.negative",
        "floor_area": "project.not_number",
        "region_code": "project.region_unknown",
        "name": "project.name_required",
    }
    # a required number left empty, the province itself chosen, no process type
    empty = {**GOOD, "total_investment": "", "region_code": "360000", "process_type": ""}
    assert _errors(session, empty) == {
        "total_investment": "project.required",
        "region_code": "project.region_unknown",
        "process_type": "project.type_unknown",
    }
    assert _errors(session, {**GOOD, "project_code": ""}) == {
        "project_code": "project.code_required"
    }
    # NaN and infinity are not numbers a project has
    assert _errors(session, {**GOOD, "total_investment": "nan", "land_area": "inf"}) == {
        "total_investment": "project.not_number",
        "land_area": "project.not_number",
    }


def test_a_good_form_registers_and_a_taken_code_is_refused(session: Session) -> None:
    owner = applicant(session)
    data = projects.project_from_form(session, fields=GOOD, flags=["filing_only"], new=True)
    assert (data.total_investment, data.land_area, data.floor_area) == (1200.5, 0, 8000)
    assert data.attributes == {"filing_only": True, "needs_core_approval": False}
    created = projects.register_project(session, principal=owner, data=data)
    assert session.get(Project, created.id).region_code == "360102"  # type: ignore[union-attr]
    assert _errors(session, GOOD) == {"project_code": "project.code_taken"}
    # editing: the code is not the applicant's to change, so it is not checked again
    edited = projects.project_from_form(
        session, fields={**GOOD, "name": "改名"}, flags=[], new=False
    )
    assert edited.name == "改名"


def test_update_reports_all_problems_too(session: Session) -> None:
    owner = applicant(session)
    pid = project(session, owner)
    with pytest.raises(FieldErrors) as err:
        projects.update_project(
            session, principal=owner, project_id=pid, changes={"name": "", "floor_area": -1}
        )
    assert {e.field for e in err.value.errors} == {"name", "floor_area"}
    assert err.value.by_field("en") == {
        "name": "Please enter the project name",
        "floor_area": "Cannot be negative",
    }


def test_region_choices_are_cities_with_their_counties(session: Session) -> None:
    choices = projects.region_choices(session)
    names = {c.name for c in choices}
    assert len(choices) == 12 and {"南昌市", "赣州市", "赣江新区"} <= names
    nanchang = next(c for c in choices if c.code == "360100")
    assert nanchang.counties[0] == ("360100", "南昌市")  # the city's own level first
    assert ("360102", "东湖区") in nanchang.counties
    assert all(code.startswith("3601") for code, _ in nanchang.counties)
