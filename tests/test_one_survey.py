"""多测合一 (one survey): one surveying commission's report serves every completion item that
needs a survey — 规划条件核实 and 土地核验, 人防 areas, the archive's as-built survey, the filing's
floor areas — handed in once and reused by each."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from eap.models import Material, Project, StageMaterial
from eap.services.approval import workbench
from eap.services.core import files
from eap.services.hall import guide, library
from tests.factories import (
    applicant,
    cases_by_code,
    city_staff,
    file_and_accept,
    pdf,
    project,
    run_stage,
)

DAY = dt.date(2026, 3, 2)  # a Monday
SURVEYED = {"S4-01", "S4-03", "S4-04", "S4-06"}


def test_one_survey_report_serves_every_item_that_needs_it(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(
        session, owner, ptype=3, attributes={"filing_only": True, "civil_air_defence": True}
    )
    day = DAY
    for stage in (1, 2, 3):
        _sc, day = run_stage(session, city, owner, pid, stage, day)
    p = session.get(Project, pid)
    assert p is not None
    # before the survey: the stage-4 form asks for the report once, for all four items
    need = next(
        m
        for m in guide.stage_form(session, project=p, stage_code=4, today=day).materials
        if m.code == "M031"
    )
    assert set(need.item_codes) == SURVEYED and need.satisfied_by == ""
    # the surveying agency's accepted report enters the owner's library (the market's last
    # step: service_clock.accept_result, tested in test_market)
    report = files.store_file(session, principal=owner, filename="多测合一成果.pdf", content=pdf())
    survey = session.exec(select(Material).where(Material.code == "M031")).one()
    library.keep(
        session,
        company_id=p.company_id,
        material=survey,
        project_id=pid,
        file_id=report.id or 0,
        source="CG-ZJ09-测试",
    )
    need = next(
        m
        for m in guide.stage_form(session, project=p, stage_code=4, today=day).materials
        if m.code == "M031"
    )
    assert need.satisfied_by == "library" and need.file_id == report.id
    # filed without a second upload: one stage material, from the library, for every item
    sc = file_and_accept(session, city, owner, pid, 4, day=day)
    held = session.exec(
        select(StageMaterial).where(
            StageMaterial.stage_case_id == sc.id, StageMaterial.material_id == survey.id
        )
    ).all()
    assert [(m.source, m.file_id) for m in held] == [("library", report.id)]
    # each department sees the one report among its item's materials
    cases = cases_by_code(session, sc.id or 0)
    for code, kind in (("S4-01", "zrzy"), ("S4-03", "rf"), ("S4-04", "zj"), ("S4-06", "zj")):
        view = workbench.item_case_view(
            session, principal=city.approvers[kind], item_case_id=cases[code].id or 0
        )
        assert view is not None
        codes = {(m.code, m.file_id, m.source) for m in view.materials}
        assert ("M031", report.id, "library") in codes, (code, codes)
