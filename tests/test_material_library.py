"""The company's material library (issue 17 item 5, eap/services/hall/library.py): what the window
accepts goes in, company materials serve every project and project materials only their own,
an expired copy is not accepted, and the applicant renews, adds and withdraws on its page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, col, select

from eap.errors import DomainError
from eap.models import AuditLog, LibraryMaterial, Material, Project
from eap.services.approval import filing, intake, results
from eap.services.core import files
from eap.services.hall import guide, library
from eap.services.hall.library import LibrarySource, LibraryStatus
from tests.factories import (
    applicant,
    approve_all,
    at,
    city_staff,
    file_and_accept,
    file_stage,
    pdf,
    project,
    upload_missing,
)

D = dt.date
DAY = D(2026, 3, 2)  # a Monday


def _entries(session: Session, company_id: int) -> dict[tuple[str, int | None], LibraryMaterial]:
    rows = session.exec(
        select(LibraryMaterial, Material)
        .join(Material, col(Material.id) == LibraryMaterial.material_id)
        .where(LibraryMaterial.company_id == company_id)
    ).all()
    return {(m.code, e.project_id): e for e, m in rows}


def _needs(session: Session, project_id: int, stage: int, today: dt.date = DAY) -> dict:
    proj = session.get(Project, project_id)
    assert proj is not None
    form = guide.stage_form(session, project=proj, stage_code=stage, answers=None, today=today)
    return {n.code: n for n in form.materials}


def _upload(session: Session, owner, name: str = "x.pdf") -> int:  # type: ignore[no-untyped-def]
    # Each upload differs by a trailing comment, as two scans of a licence would.
    content = pdf() + f"\n% {name}\n".encode()
    return files.store_file(session, principal=owner, filename=name, content=content).id or 0


def test_accepted_materials_go_in_and_serve_the_next_project(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    first = project(session, owner)
    # Filed but not yet accepted: nothing is on file.
    sc = file_stage(session, owner, first, 1, day=DAY)
    assert _entries(session, owner.company_id or 0) == {}
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id, now=at(DAY, 10))
    intake.accept_case(session, principal=city.window, stage_case_id=sc.id, now=at(DAY, 11))
    held = _entries(session, owner.company_id or 0)
    # 营业执照 (M002) is about the company: one entry for every project; the project proposal
    # (M004) and the form (M001) are the first project's own.
    assert ("M002", None) in held and ("M004", first) in held and ("M001", first) in held
    assert ("M002", first) not in held
    assert held[("M004", first)].source == f"case:{sc.case_no}"
    # A second project of the same company: the licence is offered, the proposal is not.
    second = project(session, owner)
    needs = _needs(session, second, 1)
    assert needs["M002"].satisfied_by == "library"
    assert needs["M002"].file_id == held[("M002", None)].file_id
    assert needs["M004"].satisfied_by == ""
    # Another company sees none of it.
    other = applicant(session)
    assert _needs(session, project(session, other), 1)["M002"].satisfied_by == ""


def test_an_expired_copy_is_not_accepted_and_the_form_says_when_it_ended(
    session: Session,
) -> None:
    city = city_staff(session)
    owner = applicant(session)
    file_and_accept(session, city, owner, project(session, owner), 1, day=DAY)
    licence = _entries(session, owner.company_id or 0)[("M002", None)]
    licence.valid_until = D(2026, 3, 31)
    session.add(licence)
    session.flush()
    second = project(session, owner)
    # On its last day it is still valid; the day after it is not, and the form says so.
    last = _needs(session, second, 1, today=D(2026, 3, 31))["M002"]
    assert last.satisfied_by == "library" and last.valid_until == D(2026, 3, 31)
    after = _needs(session, second, 1, today=D(2026, 4, 1))["M002"]
    assert after.satisfied_by == "" and after.expired_on == D(2026, 3, 31)
    # Submitting without a new copy is refused: the expired licence is missing, not on file.
    uploads = upload_missing(session, owner, second, 1, skip={"M002"})
    with pytest.raises(DomainError) as refused:
        filing.submit_stage_application(
            session,
            principal=owner,
            project_id=second,
            stage_code=1,
            uploads=uploads,
            now=at(D(2026, 4, 1), 9),
        )
    assert "M002" in str(refused.value.params)
    # The library page shows it expired and counts it for renewal.
    view = library.library_view(session, principal=owner, today=D(2026, 4, 1))
    row = next(r for r in view if r.code == "M002")
    assert row.status == LibraryStatus.EXPIRED and row.source == LibrarySource.CASE
    assert row.project == "" and row.valid_until == "2026-03-31"


def test_renewing_a_copy(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    file_and_accept(session, city, owner, project(session, owner), 1, day=DAY)
    licence = _entries(session, owner.company_id or 0)[("M002", None)]
    old_file = licence.file_id
    today = D(2026, 4, 1)
    new_file = _upload(session, owner, "licence-2026.pdf")

    def renew(**kw):  # type: ignore[no-untyped-def]
        args = {
            "principal": owner,
            "entry_id": licence.id,
            "seen_file_id": old_file,
            "file_id": new_file,
            "valid_until": D(2031, 3, 31),
            "today": today,
        } | kw
        return library.replace_in_library(session, **args)

    # No file, a date already past, the same file again, another company's file: each refused
    # beside its field, nothing changed.
    for kw, key, field in (
        ({"file_id": None}, "library.file_missing", "file"),
        ({"valid_until": D(2026, 3, 31)}, "library.already_expired", "valid_until"),
        ({"file_id": old_file}, "library.same_file", "file"),
        ({"file_id": _upload(session, applicant(session))}, "library.file_missing", "file"),
    ):
        with pytest.raises(DomainError) as refused:
            renew(**kw)
        assert (refused.value.key, refused.value.field) == (key, field)
    session.refresh(licence)
    assert licence.file_id == old_file
    # A page that showed an older copy does not overwrite a newer one.
    with pytest.raises(DomainError, match="library.changed"):
        renew(seen_file_id=old_file + 10_000)
    renew()
    session.refresh(licence)
    assert (licence.file_id, licence.valid_until, licence.source) == (
        new_file,
        D(2031, 3, 31),
        library.OWN_UPLOAD,
    )
    audit = session.exec(
        select(AuditLog).where(
            AuditLog.action == "library.replace", AuditLog.entity_id == str(licence.id)
        )
    ).one()
    assert audit.detail["material"] == "M002" and audit.detail["valid_until"] == "2031-03-31"
    # Another company cannot touch it.
    stranger = applicant(session)
    with pytest.raises(DomainError, match="error.not_found"):
        library.replace_in_library(
            session,
            principal=stranger,
            entry_id=licence.id or 0,
            seen_file_id=new_file,
            file_id=_upload(session, stranger),
            valid_until=None,
            today=today,
        )
    # The next form offers the renewed copy with its date.
    need = _needs(session, project(session, owner), 1, today=today)["M002"]
    assert (need.file_id, need.valid_until) == (new_file, D(2031, 3, 31))
    # Accepting a later application with the library's copy keeps the renewal's date.
    second = project(session, owner)
    file_and_accept(session, city, owner, second, 1, day=D(2026, 4, 6))
    session.refresh(licence)
    assert (licence.file_id, licence.valid_until) == (new_file, D(2031, 3, 31))


def test_adding_and_withdrawing(session: Session) -> None:
    owner = applicant(session)
    today = D(2026, 4, 1)
    codes = [m.code for m in library.addable_materials(session, principal=owner)]
    assert codes == ["M002", "M003"]  # only company materials are added by hand
    with pytest.raises(DomainError) as refused:
        library.add_to_library(
            session,
            principal=owner,
            material_code="M004",
            file_id=_upload(session, owner),
            valid_until=None,
            today=today,
        )
    assert refused.value.field == "material"
    entry = library.add_to_library(
        session,
        principal=owner,
        material_code="M003",
        file_id=_upload(session, owner),
        valid_until=D(2027, 1, 1),
        today=today,
    )
    assert [m.code for m in library.addable_materials(session, principal=owner)] == ["M002"]
    with pytest.raises(DomainError, match="library.already_held"):
        library.add_to_library(
            session,
            principal=owner,
            material_code="M003",
            file_id=_upload(session, owner, "again.pdf"),
            valid_until=None,
            today=today,
        )
    # A stranger cannot withdraw it; the owner can, and it is audited.
    with pytest.raises(DomainError, match="error.not_found"):
        library.withdraw_from_library(session, principal=applicant(session), entry_id=entry.id or 0)
    assert library.withdraw_from_library(session, principal=owner, entry_id=entry.id or 0) == "M003"
    assert session.get(LibraryMaterial, entry.id) is None
    assert session.exec(
        select(AuditLog).where(
            AuditLog.action == "library.withdraw", AuditLog.entity_id == str(entry.id)
        )
    ).one()
    # Staff have no library.
    city = city_staff(session)
    with pytest.raises(DomainError):
        library.library_view(session, principal=city.window, today=today)


def test_certificates_are_in_the_library_and_follow_their_status(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner)
    sc = file_and_accept(session, city, owner, pid, 1, day=DAY)
    approve_all(session, city, sc.id or 0, DAY)
    today = D(2026, 4, 1)
    certs = [
        r
        for r in library.library_view(session, principal=owner, today=today)
        if r.source == LibrarySource.CERTIFICATE
    ]
    assert certs and all(r.entry_id == 0 and r.status == LibraryStatus.VALID for r in certs)
    first = certs[0]
    from eap.models import Certificate

    cert = session.get(Certificate, first.certificate_id)
    assert cert is not None and first.reference == cert.cert_no
    results.revoke_certificates(session, item_case_id=cert.item_case_id)
    session.flush()
    after = next(
        r
        for r in library.library_view(session, principal=owner, today=today)
        if r.certificate_id == first.certificate_id
    )
    assert after.status == LibraryStatus.REVOKED
    # A certificate is not withdrawn through the library.
    with pytest.raises(DomainError, match="error.not_found"):
        library.withdraw_from_library(session, principal=owner, entry_id=0)
