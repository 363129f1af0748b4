"""办事指南 browsing."""

from __future__ import annotations

from sqlmodel import Session

from eap.services.hall import guide_public


def test_browse_filters(session: Session) -> None:
    everything = guide_public.browse(session)
    assert len(everything) >= 30
    stage3 = guide_public.browse(session, stage=3)
    assert stage3 and all(i.stage == 3 for i in stage3)
    fire = guide_public.browse(session, text="消防")
    assert {i.code for i in fire} == {"S3-02", "S4-02"}
    small = guide_public.browse(session, process_type=4)
    assert "S1-01" not in {i.code for i in small}  # government proposals are not type 4
    permit = next(i for i in everything if i.code == "S3-04")
    assert permit.department == "南昌市住房和城乡建设局" and permit.hours
    assert any(m.key for m in permit.materials) and permit.basis.startswith("《")
    assert all(isinstance(m.key, bool) and isinstance(m.deferrable, bool) for m in permit.materials)
    assert guide_public.browse(session, dept_kind="rf")
