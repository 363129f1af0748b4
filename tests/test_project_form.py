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
    # 建设地点 is required: the national system refuses a project without it (JSDD)
    assert _errors(session, {**GOOD, "location": " "}) == {"location": "project.location_required"}
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


def test_coordinates_lie_in_the_county_chosen(session: Session) -> None:
    import random

    from eap.services.core import geo

    donghu = (115.903526, 28.698731)  # the district's seat, from the region table
    assert geo.check_in_region("360102", *donghu) is None
    assert geo.check_in_region("360100", *donghu) is None  # the city holds its counties
    outside = geo.check_in_region("360700", *donghu)  # 赣州 is 300 km south
    assert outside is not None and (outside.key, outside.field) == (
        "project.outside_county",
        "longitude",
    )
    # every county gets demo sites inside itself
    rng = random.Random(1)
    for code in list(geo.county_shapes())[:100:9]:
        point = geo.random_point_in(code, rng)
        assert point is not None and geo.check_in_region(code, *point) is None
    # the form: both or neither, numbers, inside Jiangxi, inside the county — each beside its field
    fields = {**GOOD, "longitude": "115.903526", "latitude": "28.698731"}
    data = projects.project_from_form(session, fields=fields, flags=[], new=True)
    assert (data.longitude, data.latitude) == donghu
    assert _errors(session, {**fields, "region_code": "360703"}) == {
        "longitude": "project.outside_county"
    }
    assert _errors(session, {**fields, "latitude": ""}) == {"latitude": "project.coordinate_pair"}
    assert _errors(session, {**fields, "longitude": "东经115", "latitude": "99"}) == {
        "longitude": "project.not_number",
        "latitude": "project.outside_jiangxi",
    }
    no_site = projects.project_from_form(
        session, fields={**GOOD, "project_code": "2026-360102-47-01-765433"}, flags=[], new=True
    )
    assert no_site.longitude is None and no_site.latitude is None


def test_the_facts_reported_to_the_national_system(session: Session) -> None:
    """立项类型, 建设性质, 工程分类, 土地获取方式, 行业, 区域评估, GCDM and 建设规模: chosen from
    their code lists, stored, and sent in the project's SPGL row."""
    from eap.models.projects import ApprovalType, LandAcquisition
    from eap.services.exchange.approval_tables import project_rows

    wrong = {
        **GOOD,
        "approval_type": "7",
        "land_acquisition": "x",
        "industry_code": "Z9999",
        "regional_assessment": "maybe",
        "engineering_code": GOOD["project_code"],
    }
    assert _errors(session, wrong) == {
        "approval_type": "project.code_list",
        "land_acquisition": "project.code_list",
        "industry_code": "project.code_list",
        "regional_assessment": "project.code_list",
        "engineering_code": "project.gcdm_is_xmdm",
    }
    # left out: a company's project is filed (备案), a government one examined (审批)
    assert (
        projects.project_from_form(session, fields=GOOD, flags=[], new=True).approval_type
        == ApprovalType.FILED
    )
    government = {**GOOD, "process_type": "1"}
    assert (
        projects.project_from_form(session, fields=government, flags=[], new=True).approval_type
        == ApprovalType.EXAMINED
    )
    chosen = {
        **GOOD,
        "approval_type": "2",
        "construction_nature": "2",
        "engineering_category": "2",
        "land_acquisition": "1",
        "industry_code": "E4813",
        "regional_assessment": "yes",
        "engineering_code": "GC-3601-2026-0007",
        "scale": "道路全长 3.2 公里",
    }
    data = projects.project_from_form(session, fields=chosen, flags=[], new=True)
    created = projects.register_project(session, principal=applicant(session), data=data)
    (row,) = list(project_rows(session, [created.id or 0]))
    assert {k: row.fields[k] for k in ("LXLX", "JSXZ", "GCFL", "TDHQFS", "GBHY", "SFWCQYPG")} == {
        "LXLX": 2,
        "JSXZ": 2,
        "GCFL": 2,
        "TDHQFS": LandAcquisition.ALLOCATION,
        "GBHY": "E4813",
        "SFWCQYPG": 1,
    }
    assert (
        row.fields["GCDM"] == "GC-3601-2026-0007" and row.fields["JSGMJNR"] == "道路全长 3.2 公里"
    )
    assert row.fields["XMTZLY"] == 2  # a social-investment process type


def test_the_site_map_offers_points_inside_the_county_only() -> None:
    """在地图上选点: every point a click can pick lies in the county, so a picked site passes
    the same check a typed one does."""
    from eap.services.core import geo

    grid = geo.pick_grid("360102")
    assert len(grid) > 50
    assert all(geo.check_in_region("360102", lon, lat) is None for lon, lat in grid)
    assert geo.check_in_region("360103", *grid[0]) is not None  # the county next door refuses it
    assert geo.outline("360102") and geo.pick_grid("360199") == []  # no boundary, no points
