"""区域评估: an area's assessment stands for the matching material of every project whose site
lies inside its boundary (the polygon decides, with shapely), while it is valid; the
application is filed, complete and accepted without that upload, and reported SFWCQYPG = 1."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from eap.errors import DomainError
from eap.models import Project, StageMaterial
from eap.services.admin import assessments
from eap.services.approval import intake
from eap.services.hall import guide
from tests.factories import _user, applicant, at, city_staff, file_stage, project, upload_missing

DAY = dt.date(2026, 3, 2)
# A square of about 2 km around a point of 东湖区 (360102)
INSIDE = (115.9035, 28.6850)
OUTSIDE = (115.9500, 28.7400)
ZONE = {
    "type": "Feature",
    "properties": {"name": "示范园区"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [
                [115.893, 28.675],
                [115.914, 28.675],
                [115.914, 28.695],
                [115.893, 28.695],
                [115.893, 28.675],
            ]
        ],
    },
}


def _site(session: Session, pid: int, where: tuple[float, float]) -> Project:
    p = session.get(Project, pid)
    assert p is not None
    p.longitude, p.latitude = where
    session.add(p)
    session.flush()
    return p


def _stage5_need(session: Session, p: Project, code: str):  # type: ignore[no-untyped-def]
    form = guide.stage_form(session, project=p, stage_code=5, today=DAY)
    return next((m for m in form.materials if m.code == code), None)


def test_an_area_assessment_stands_for_the_material_inside_its_boundary(session: Session) -> None:
    admin = _user(session, "admin", region_code="360000")
    zone = assessments.add_assessment(
        session,
        principal=admin,
        name="示范园区区域环评",
        kind="env",
        region_code="360100",
        boundary=ZONE,
        exempts=["M038"],
        document_no="洪环审〔2025〕3号",
    )
    assert zone.boundary["type"] == "Polygon"  # the feature's geometry is kept
    owner = applicant(session, "360102")
    inside = _site(session, project(session, owner, region="360102"), INSIDE)
    outside = _site(session, project(session, owner, region="360102"), OUTSIDE)
    need = _stage5_need(session, inside, "M038")
    assert need is not None and need.satisfied_by == "assessment"
    assert need.assessment == "示范园区区域环评"
    other = _stage5_need(session, outside, "M038")
    assert other is not None and other.satisfied_by == ""  # outside the polygon: asked for
    # filed without the report, complete, accepted; the project is reported as covered
    nc = city_staff(session, "360100")
    uploads = upload_missing(session, owner, inside.id or 0, 5)
    assert "M038" not in uploads
    sc = file_stage(session, owner, inside.id or 0, 5, day=DAY)
    kept = session.exec(select(StageMaterial).where(StageMaterial.stage_case_id == sc.id)).all()
    assert any(m.source == "assessment" and m.file_id is None for m in kept)
    assert intake.completeness(session, stage_case_id=sc.id or 0) == []
    intake.receive_case(session, principal=nc.window, stage_case_id=sc.id, now=at(DAY, 10))
    intake.accept_case(session, principal=nc.window, stage_case_id=sc.id, now=at(DAY, 11))
    assert inside.regional_assessment is True


def test_expired_withdrawn_or_siteless_cover_nothing(session: Session) -> None:
    admin = _user(session, "admin", region_code="360000")
    owner = applicant(session, "360102")
    p = _site(session, project(session, owner, region="360102"), INSIDE)
    old = assessments.add_assessment(
        session,
        principal=admin,
        name="过期评估",
        kind="soil",
        region_code="360102",
        boundary=ZONE["geometry"],
        exempts=["M039"],
        valid_until=DAY - dt.timedelta(days=1),
    )
    assert _stage5_need(session, p, "M039").satisfied_by == ""  # expired the day before
    old.valid_until = None
    session.add(old)
    assert _stage5_need(session, p, "M039").satisfied_by == "assessment"
    assessments.withdraw(session, principal=admin, assessment_id=old.id or 0)
    assert _stage5_need(session, p, "M039").satisfied_by == ""
    siteless = project(session, owner, region="360102")  # no coordinates: nothing covers it
    assert (
        assessments.covering(
            session, region_code="360102", longitude=None, latitude=None, today=DAY
        )
        == []
    )
    assert _stage5_need(session, session.get(Project, siteless), "M039").satisfied_by == ""  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"boundary": {"type": "Point", "coordinates": [115.9, 28.6]}}, "boundary"),
        (
            {
                "boundary": {
                    "type": "Polygon",
                    "coordinates": [[[28.6, 115.9], [28.7, 115.9], [28.7, 116.0], [28.6, 115.9]]],
                }
            },
            "boundary",
        ),
        ({"exempts": ["M999"]}, "exempts"),
        ({"kind": "noise"}, "kind"),
        ({"region_code": "360000"}, "region_code"),
    ],
)
def test_a_bad_assessment_is_refused_beside_its_field(
    session: Session, change: dict, field: str
) -> None:
    admin = _user(session, "admin", region_code="360000")
    args = {
        "name": "x",
        "kind": "env",
        "region_code": "360100",
        "boundary": ZONE,
        "exempts": ["M038"],
        **change,
    }
    with pytest.raises(DomainError) as refused:
        assessments.add_assessment(session, principal=admin, **args)
    assert refused.value.field == field


def test_only_an_administrator_records_one(session: Session) -> None:
    supervisor = _user(session, "supervisor", region_code="360100")
    with pytest.raises(DomainError):
        assessments.add_assessment(
            session,
            principal=supervisor,
            name="x",
            kind="env",
            region_code="360100",
            boundary=ZONE,
            exempts=["M038"],
        )
