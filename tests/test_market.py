"""The intermediary market (中介超市): admission, purchases, the verifiable draw, publicity,
contract, the service clock, results into the one form, evaluation and credit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import (
    Agency,
    AgencyService,
    Alert,
    Company,
    LibraryMaterial,
    Notification,
    Project,
    Purchase,
    Registration,
)
from eap.models.market import AgencyStatus, PurchaseStatus, SelectionMethod, ServiceStatus
from eap.services.agency import (
    admission,
    credit,
    evaluation,
    publicity,
    purchases,
    selection,
    service_clock,
)
from eap.services.core import files
from eap.services.hall import guide
from eap.services.supervision import alerts
from tests.factories import (
    agency,
    applicant,
    at,
    pdf,
    project,
    purchase,
    reviewer,
    supervisor,
)

D = dt.date
POSTED = at(D(2026, 12, 1))  # Tuesday; 3 working days to register -> Friday 17:00
AFTER_DEADLINE = at(D(2026, 12, 4), 18)
CONTRACT_DAY = at(D(2026, 12, 10))  # publicity ran to Wednesday 12-09


def _agency_row(session: Session, user) -> Agency:  # type: ignore[no-untyped-def]
    row = admission.my_agency(session, user)
    assert row is not None
    return row


def _register_all(session: Session, pid: int, agencies, quotes=None) -> None:  # type: ignore[no-untyped-def]
    for i, a in enumerate(agencies):
        purchases.register(
            session,
            principal=a,
            purchase_id=pid,
            quote=quotes[i] if quotes else None,
            now=at(D(2026, 12, 2)),
        )


def _selected(session: Session, pid: int) -> Purchase:
    assert selection.select_due(session, now=AFTER_DEADLINE)
    p = session.get(Purchase, pid)
    assert p is not None
    session.refresh(p)
    return p


# --- admission --------------------------------------------------------------------------


def test_admission_is_refused_only_with_a_stated_reason(session: Session) -> None:
    user = agency(session, admit=False)
    row = _agency_row(session, user)
    assert row.status == AgencyStatus.PENDING
    boss = reviewer(session)
    with pytest.raises(DomainError) as exc:
        admission.review_agency(session, principal=boss, agency_id=row.id or 0, admit=False)
    assert exc.value.key == "market.refuse_reason" and exc.value.field == "reason"
    assert _agency_row(session, user).status == AgencyStatus.PENDING
    with pytest.raises(PermissionDenied):  # an applicant cannot review
        admission.review_agency(
            session, principal=applicant(session), agency_id=row.id or 0, admit=True
        )
    admission.review_agency(
        session,
        principal=boss,
        agency_id=row.id or 0,
        admit=False,
        reason="依据《测绘法》第二十七条，未取得测绘资质",
    )
    assert _agency_row(session, user).status == AgencyStatus.REFUSED
    note = session.exec(select(Notification).where(Notification.user_id == user.user_id)).all()
    assert [n.key for n in note] == ["market.note.refused"]
    # applying again puts it back in the queue
    admission.apply_for_admission(
        session, principal=user, service_codes=["ZJ03"], city_codes=["360100"]
    )
    assert _agency_row(session, user).status == AgencyStatus.PENDING


def test_profile_rejects_unknown_services_cities_and_expired_qualifications(
    session: Session,
) -> None:
    user = agency(session)
    for services, cities, key in (
        ([], ["360100"], "market.services_empty"),
        (["NOPE"], ["360100"], "market.service_unknown"),
        (["ZJ03"], ["360102"], "market.area_empty"),  # a county is not a service area
    ):
        with pytest.raises(DomainError) as exc:
            admission.apply_for_admission(
                session, principal=user, service_codes=services, city_codes=cities
            )
        assert exc.value.key == key
    with pytest.raises(DomainError) as exc:
        admission.add_qualification(
            session,
            principal=user,
            category="测绘资质",
            certificate_no="X1",
            valid_until=D(2026, 1, 1),
            now=POSTED,
        )
    assert exc.value.key == "market.qual_expired" and exc.value.field == "valid_until"


# --- purchases and registration ---------------------------------------------------------


def test_purchase_input_is_checked_field_by_field(session: Session) -> None:
    owner = applicant(session)
    pid = project(session, owner)
    base = dict(
        principal=owner,
        project_id=pid,
        service_code="ZJ03",
        scope="编制环评报告表",
        budget=50_000.0,
        limit_days=10,
        method=SelectionMethod.RANDOM,
        register_days=3,
        now=POSTED,
    )
    cases = [
        ({"budget": -5.0}, "market.budget_range", "budget"),
        ({"budget": 5e12}, "market.budget_range", "budget"),
        ({"limit_days": 16}, "market.limit_range", "limit_days"),  # 环评审批 is 15 days
        ({"limit_days": 0}, "market.limit_range", "limit_days"),
        ({"scope": "  "}, "market.scope_empty", "scope"),
        ({"method": SelectionMethod.DIRECT, "budget": 500_000.0}, "market.direct_over", "method"),
        ({"method": SelectionMethod.DIRECT, "budget": None}, "market.direct_over", "method"),
        ({"register_days": 1}, "market.register_days", "register_days"),
        ({"method": SelectionMethod.SCORED, "weights": {"price": 60}}, "market.weights", "weights"),
        ({"service_code": "ZZ"}, "market.service_unknown", "service"),
    ]
    for change, key, field in cases:
        with pytest.raises(DomainError) as exc:
            purchases.post_purchase(session, **{**base, **change})  # type: ignore[arg-type]
        assert (exc.value.key, exc.value.field) == (key, field), change
    assert session.exec(select(Purchase).where(Purchase.project_id == pid)).all() == []
    with pytest.raises(PermissionDenied):  # somebody else's project
        purchases.post_purchase(session, **{**base, "principal": applicant(session)})  # type: ignore[arg-type]
    made = purchases.post_purchase(session, **base)  # type: ignore[arg-type]
    assert made.number.startswith("ZJ3601" + "2026") and len(made.number) == 17
    assert made.deadline == at(D(2026, 12, 4), 17)
    assert made.seed_hash == purchases.seed_hash(made.seed) and len(made.seed) == 64
    with pytest.raises(DomainError) as exc:  # one open purchase per project and service
        purchases.post_purchase(session, **base)  # type: ignore[arg-type]
    assert exc.value.key == "market.already_open"


def test_registration_refusals(session: Session) -> None:
    owner = applicant(session)
    pid = purchase(session, owner, project(session, owner), now=POSTED)
    good = agency(session)
    purchases.register(session, principal=good, purchase_id=pid, now=at(D(2026, 12, 2)))
    with pytest.raises(DomainError) as exc:
        purchases.register(session, principal=good, purchase_id=pid, now=at(D(2026, 12, 2)))
    assert exc.value.key == "market.already_registered"
    late = agency(session)
    with pytest.raises(DomainError) as exc:
        purchases.register(session, principal=late, purchase_id=pid, now=at(D(2026, 12, 4), 17))
    assert exc.value.key == "market.closed"
    pending = agency(session, admit=False)
    with pytest.raises(DomainError) as exc:
        purchases.register(session, principal=pending, purchase_id=pid, now=at(D(2026, 12, 2)))
    assert exc.value.key == "market.ineligible.not_admitted"
    banned = agency(session)
    admission.blacklist(
        session,
        principal=reviewer(session),
        agency_id=_agency_row(session, banned).id or 0,
        until=D(2027, 6, 30),
        reason="提供虚假成果材料",
        now=POSTED,
    )
    with pytest.raises(DomainError) as exc:
        purchases.register(session, principal=banned, purchase_id=pid, now=at(D(2026, 12, 2)))
    assert exc.value.key == "market.ineligible.blacklisted"
    # an agency with the owner's legal representative is tied to it
    tied = agency(session)
    tied_company = session.get(Company, tied.company_id)
    owner_company = session.get(Company, owner.company_id)
    assert tied_company is not None and owner_company is not None
    tied_company.legal_rep = owner_company.legal_rep
    session.add(tied_company)
    with pytest.raises(DomainError) as exc:
        purchases.register(session, principal=tied, purchase_id=pid, now=at(D(2026, 12, 2)))
    assert exc.value.key == "market.ineligible.tied"
    other_service = agency(session, services=("ZJ04",))
    with pytest.raises(DomainError) as exc:
        purchases.register(
            session, principal=other_service, purchase_id=pid, now=at(D(2026, 12, 2))
        )
    assert exc.value.key == "market.not_offered"
    p = session.get(Purchase, pid)
    assert p is not None and p.registrations == 1


def test_a_qualification_must_be_valid_on_the_deadline(session: Session) -> None:
    owner = applicant(session)
    pid = purchase(
        session, owner, project(session, owner), now=POSTED, service="ZJ09", limit_days=5
    )
    none = agency(session, services=("ZJ09",))
    with pytest.raises(DomainError) as exc:
        purchases.register(session, principal=none, purchase_id=pid, now=at(D(2026, 12, 2)))
    assert exc.value.key == "market.ineligible.qualification"
    # valid today, lapses the day before the deadline
    short = agency(session, services=("ZJ09",), qualification=("测绘资质", D(2026, 12, 3)))
    with pytest.raises(DomainError):
        purchases.register(session, principal=short, purchase_id=pid, now=at(D(2026, 12, 2)))
    ok = agency(session, services=("ZJ09",), qualification=("测绘资质", D(2027, 12, 31)))
    purchases.register(session, principal=ok, purchase_id=pid, now=at(D(2026, 12, 2)))
    # the reviewer rejects the certificate before the deadline: ineligible at the draw
    row = _agency_row(session, ok)
    from eap.models import Qualification

    qual = session.exec(select(Qualification).where(Qualification.agency_id == row.id)).one()
    admission.check_qualification(
        session,
        principal=reviewer(session),
        qualification_id=qual.id or 0,
        valid=False,
        note="证书编号查无此证",
    )
    p = _selected(session, pid)
    assert p.status == PurchaseStatus.FAILED
    assert p.result["ineligible"][0]["reason"] == "qualification"


# --- the draw ---------------------------------------------------------------------------


def test_random_draw_is_the_documented_function_and_verifies(session: Session) -> None:
    owner = applicant(session)
    pid = purchase(session, owner, project(session, owner), now=POSTED)
    agencies = [agency(session) for _ in range(5)]
    _register_all(session, pid, agencies)
    p = _selected(session, pid)
    assert p.status == PurchaseStatus.SELECTED
    usccs = sorted(e["uscc"] for e in p.result["eligible"])
    assert len(usccs) == 5
    expected = usccs[selection.draw_index(p.seed, p.number, usccs)]
    assert p.result["winner"] == expected
    winner = session.get(Agency, p.winner_id)
    assert winner is not None
    assert session.get(Company, winner.company_id).uscc == expected  # type: ignore[union-attr]
    check = selection.verify_draw(session, number=p.number)
    assert check.ok and check.commitment_ok and check.expected == expected
    # a tampered result or a different seed does not verify
    forged = {**p.result, "winner": next(u for u in usccs if u != expected)}
    assert not selection.check_published(
        number=p.number,
        method=p.method,
        seed=p.seed,
        commitment=p.seed_hash,
        weights=p.weights,
        result=forged,
    ).ok
    other = selection.check_published(
        number=p.number,
        method=p.method,
        seed="0" * 64,
        commitment=p.seed_hash,
        weights=p.weights,
        result=p.result,
    )
    assert not other.ok and not other.commitment_ok
    # the selection cannot be run again (other tests' purchases may be due: this one is not)
    selection.select_due(session, now=at(D(2026, 12, 7)))
    assert session.get(Purchase, pid) is p and p.result["winner"] == expected
    svc = session.exec(select(AgencyService).where(AgencyService.purchase_id == pid)).one()
    assert svc.status == ServiceStatus.AWAITING_CONTRACT and svc.agency_id == p.winner_id
    assert p.publicity_until == D(2026, 12, 9)


def test_the_draw_spreads_over_the_registrants() -> None:
    usccs = [f"91360100MA{n:08d}" for n in range(4)]
    wins = [selection.draw_index(f"{n:064x}", "ZJ360120260000001", usccs) for n in range(400)]
    assert set(wins) == {0, 1, 2, 3}
    assert min(wins.count(i) for i in range(4)) > 60  # roughly a quarter each
    assert selection.draw_index("a" * 64, "N", usccs) == selection.draw_index(
        "a" * 64, "N", list(reversed(usccs))
    )


def test_lowest_price_wins_and_ties_go_to_credit(session: Session) -> None:
    owner = applicant(session)
    pid = purchase(
        session, owner, project(session, owner), now=POSTED, method=SelectionMethod.LOWEST_PRICE
    )
    a, b, c = (agency(session) for _ in range(3))
    with pytest.raises(DomainError) as exc:  # a quote is required for price competition
        purchases.register(session, principal=a, purchase_id=pid, now=at(D(2026, 12, 2)))
    assert exc.value.key == "market.ineligible.quote_missing"
    with pytest.raises(DomainError) as exc:
        purchases.register(
            session, principal=a, purchase_id=pid, quote=60_000, now=at(D(2026, 12, 2))
        )
    assert exc.value.key == "market.ineligible.over_budget"
    _register_all(session, pid, [a, b, c], quotes=[40_000, 38_000, 38_000])
    row_c = _agency_row(session, c)
    row_c.credit = 95.0
    session.add(row_c)
    p = _selected(session, pid)
    assert p.winner_id == row_c.id and p.winner_quote == 38_000
    assert selection.verify_draw(session, number=p.number).ok


def test_scored_selection_uses_the_published_weights(session: Session) -> None:
    owner = applicant(session)
    pid = purchase(
        session,
        owner,
        project(session, owner),
        now=POSTED,
        method=SelectionMethod.SCORED,
        weights={"price": 40, "credit": 40, "experience": 20},
    )
    cheap, trusted = agency(session), agency(session)
    _register_all(session, pid, [cheap, trusted], quotes=[30_000, 45_000])
    row = _agency_row(session, trusted)
    row.credit, row.completed = 100.0, 10
    session.add(row)
    p = _selected(session, pid)
    # cheap: 40·1 + 40·0.9 + 0 = 76; trusted: 40·(30/45) + 40 + 20 = 86.67
    assert p.winner_id == row.id
    assert sorted(p.result["scores"].values()) == [76.0, 86.67]
    assert selection.verify_draw(session, number=p.number).ok


def test_direct_selection_waits_for_the_owner_and_only_among_the_eligible(
    session: Session,
) -> None:
    owner = applicant(session)
    pid = purchase(
        session, owner, project(session, owner), now=POSTED, method=SelectionMethod.DIRECT
    )
    a, b = agency(session), agency(session)
    _register_all(session, pid, [a, b])
    p = _selected(session, pid)
    assert p.status == PurchaseStatus.CHOOSING and p.winner_id is None
    stranger = agency(session)
    with pytest.raises(DomainError) as exc:
        selection.choose_direct(
            session,
            principal=owner,
            purchase_id=pid,
            agency_id=_agency_row(session, stranger).id or 0,
            now=AFTER_DEADLINE,
        )
    assert exc.value.key == "market.choice_ineligible"
    with pytest.raises(PermissionDenied):
        selection.choose_direct(
            session,
            principal=applicant(session),
            purchase_id=pid,
            agency_id=_agency_row(session, b).id or 0,
        )
    selection.choose_direct(
        session,
        principal=owner,
        purchase_id=pid,
        agency_id=_agency_row(session, b).id or 0,
        now=AFTER_DEADLINE,
    )
    session.refresh(p)
    assert p.status == PurchaseStatus.SELECTED and p.winner_id == _agency_row(session, b).id
    assert selection.verify_draw(session, number=p.number).ok


def test_nobody_eligible_means_failed_and_the_owner_is_told(session: Session) -> None:
    owner = applicant(session)
    pid = purchase(session, owner, project(session, owner), now=POSTED)
    p = _selected(session, pid)
    assert p.status == PurchaseStatus.FAILED
    keys = session.exec(select(Notification.key).where(Notification.user_id == owner.user_id)).all()
    assert "market.note.failed" in keys
    # and the owner may post the same service again
    purchase(session, owner, p.project_id, now=at(D(2026, 12, 7)))


# --- publicity, contract, clock, result ----------------------------------------------------


def _awarded(session: Session):  # type: ignore[no-untyped-def]
    owner = applicant(session)
    pid_project = project(session, owner)
    pid = purchase(session, owner, pid_project, now=POSTED)
    winner = agency(session)
    loser = agency(session)
    _register_all(session, pid, [winner, loser])
    p = _selected(session, pid)
    won = winner if p.winner_id == _agency_row(session, winner).id else loser
    lost = loser if won is winner else winner
    svc = session.exec(select(AgencyService).where(AgencyService.purchase_id == pid)).one()
    return owner, pid_project, p, won, lost, svc


def test_an_upheld_objection_sets_the_selection_aside(session: Session) -> None:
    owner, _, p, won, lost, svc = _awarded(session)
    with pytest.raises(PermissionDenied):  # only those who took part may object
        publicity.raise_objection(
            session, principal=agency(session), purchase_id=p.id or 0, body="x" * 20
        )
    with pytest.raises(DomainError) as exc:
        publicity.raise_objection(
            session, principal=lost, purchase_id=p.id or 0, body="太短", now=at(D(2026, 12, 7))
        )
    assert exc.value.field == "objection"
    objection = publicity.raise_objection(
        session,
        principal=lost,
        purchase_id=p.id or 0,
        body="中选机构与业主存在关联关系，法定代表人系亲属。",
        now=at(D(2026, 12, 7)),
    )
    with pytest.raises(DomainError) as exc:  # no contract while an objection is open
        service_clock.upload_contract(
            session, principal=owner, service_id=svc.id or 0, file_id=None, now=CONTRACT_DAY
        )
    assert exc.value.key == "market.objection_open"
    before = _agency_row(session, won).credit
    publicity.answer_objection(
        session,
        principal=reviewer(session),
        objection_id=objection.id or 0,
        upheld=True,
        answer="经核查属实，中选结果作废",
    )
    session.refresh(p)
    session.refresh(svc)
    assert p.status == PurchaseStatus.ANNULLED and svc.status == ServiceStatus.ANNULLED
    assert _agency_row(session, won).credit == before - 5
    with pytest.raises(DomainError) as exc:  # publicity over (and annulled)
        publicity.raise_objection(
            session,
            principal=lost,
            purchase_id=p.id or 0,
            body="再次提出异议的内容如下",
            now=at(D(2026, 12, 8)),
        )
    assert exc.value.key == "market.publicity_over"


def test_contract_clock_pause_result_library_and_credit(session: Session) -> None:
    owner, project_id, p, won, lost, svc = _awarded(session)
    sid = svc.id or 0
    contract = files.store_file(session, principal=won, filename="合同.pdf", content=pdf())
    with pytest.raises(DomainError) as exc:  # still in publicity
        service_clock.upload_contract(
            session, principal=won, service_id=sid, file_id=contract.id, now=at(D(2026, 12, 9))
        )
    assert exc.value.key == "market.publicity_running"
    with pytest.raises(PermissionDenied):  # the losing agency is no side of it
        service_clock.confirm_contract(session, principal=lost, service_id=sid, now=CONTRACT_DAY)
    with pytest.raises(DomainError) as exc:  # a result before the service runs
        service_clock.submit_result(
            session, principal=won, service_id=sid, file_id=contract.id, now=CONTRACT_DAY
        )
    assert exc.value.key == "market.not_in_progress"
    service_clock.upload_contract(
        session, principal=won, service_id=sid, file_id=contract.id, now=CONTRACT_DAY
    )
    assert svc.status == ServiceStatus.AWAITING_CONTRACT and svc.agency_confirmed_at
    # the owner reads the agency's upload
    assert files.read_file(session, principal=owner, file_id=contract.id or 0)[0].id == contract.id
    with pytest.raises(PermissionDenied):
        files.read_file(session, principal=lost, file_id=contract.id or 0)
    service_clock.confirm_contract(session, principal=owner, service_id=sid, now=CONTRACT_DAY)
    assert svc.status == ServiceStatus.IN_PROGRESS
    assert svc.started_on == D(2026, 12, 10) and svc.due_date == D(2026, 12, 24)
    # paused for three working days: the due date moves three working days
    with pytest.raises(DomainError) as exc:
        service_clock.pause(session, principal=won, service_id=sid, reason="", now=CONTRACT_DAY)
    assert exc.value.field == "reason"
    service_clock.pause(
        session,
        principal=won,
        service_id=sid,
        reason="等待业主提供地勘资料",
        now=at(D(2026, 12, 14)),
    )
    service_clock.resume(session, principal=owner, service_id=sid, now=at(D(2026, 12, 17)))
    assert svc.paused_days == 3 and svc.due_date == D(2026, 12, 29)
    # the sweep: 催办 the working day before the deadline, told to the agency
    alerts.sweep_deadlines(session, now=at(D(2026, 12, 28), 9))
    raised = session.exec(
        select(Alert.level).where(Alert.target_kind == "service", Alert.target_id == sid)
    ).all()
    assert raised == ["urge"]
    assert (
        "market.note.urge"
        in session.exec(select(Notification.key).where(Notification.user_id == won.user_id)).all()
    )
    report = files.store_file(session, principal=won, filename="环评报告表.pdf", content=pdf())
    service_clock.submit_result(
        session, principal=won, service_id=sid, file_id=report.id, now=at(D(2026, 12, 28))
    )
    with pytest.raises(DomainError) as exc:
        service_clock.return_result(
            session, principal=owner, service_id=sid, reason="", now=at(D(2026, 12, 29))
        )
    assert exc.value.field == "reason"
    service_clock.return_result(
        session,
        principal=owner,
        service_id=sid,
        reason="缺少大气环境影响章节",
        now=at(D(2026, 12, 30)),
    )
    # the owner's two days of review are not the agency's
    assert svc.status == ServiceStatus.IN_PROGRESS and svc.due_date == D(2026, 12, 31)
    service_clock.submit_result(
        session, principal=won, service_id=sid, file_id=report.id, now=at(D(2026, 12, 31))
    )
    service_clock.accept_result(session, principal=owner, service_id=sid, now=at(D(2027, 1, 4)))
    assert svc.status == ServiceStatus.ACCEPTED and svc.on_time is True
    alerts.sweep_deadlines(session, now=at(D(2027, 1, 5), 9))
    assert session.exec(
        select(Alert.status).where(Alert.target_kind == "service", Alert.target_id == sid)
    ).all() == ["closed"]
    # into the owner's library for this project; the one form offers it
    lib = session.exec(
        select(LibraryMaterial).where(LibraryMaterial.project_id == project_id)
    ).one()
    assert lib.file_id == report.id and lib.source == p.number
    project_row = session.get(Project, project_id)
    assert project_row is not None
    form = guide.stage_form(session, project=project_row, stage_code=5, today=D(2027, 1, 4))
    eia = next(m for m in form.materials if m.code == "M038")
    assert eia.satisfied_by == "library" and eia.file_id == report.id
    other = project(session, owner)  # another project of the same owner: not offered
    other_row = session.get(Project, other)
    assert other_row is not None
    form2 = guide.stage_form(session, project=other_row, stage_code=5, today=D(2027, 1, 4))
    assert next(m for m in form2.materials if m.code == "M038").satisfied_by == ""
    # evaluation and credit
    with pytest.raises(DomainError) as exc:
        evaluation.rate_service(session, principal=owner, service_id=sid, rating=6)
    assert exc.value.key == "market.rating_range"
    evaluation.rate_service(session, principal=owner, service_id=sid, rating=4, comment="及时")
    with pytest.raises(DomainError):
        evaluation.rate_service(session, principal=owner, service_id=sid, rating=5)
    row = _agency_row(session, won)
    # one on-time result, rating 4, one return: 50 + 50·0.8 − 3 = 87
    assert (
        row.credit
        == credit.score(on_time=1, accepted=1, ratings=[4], upheld=0, returned=1, violations=0)
        == 87.0
    )
    assert row.completed == 1


def test_a_contract_after_the_window_is_refused_and_the_service_lapses(session: Session) -> None:
    owner, _, p, won, _, svc = _awarded(session)
    late = at(svc.contract_due + dt.timedelta(days=1))
    with pytest.raises(DomainError) as exc:
        service_clock.upload_contract(
            session, principal=owner, service_id=svc.id or 0, file_id=None, now=late
        )
    assert exc.value.key == "market.contract_late"
    alerts.sweep_deadlines(session, now=late)
    session.refresh(svc)
    assert svc.status == ServiceStatus.LAPSED


def test_credit_formula_bounds() -> None:
    assert credit.score(on_time=0, accepted=0, ratings=[], upheld=0, returned=0, violations=0) == 90
    assert (
        credit.score(on_time=2, accepted=2, ratings=[5, 5], upheld=0, returned=0, violations=0)
        == 100
    )
    assert credit.score(on_time=0, accepted=3, ratings=[1], upheld=3, returned=5, violations=2) == 0
    assert (
        credit.score(on_time=1, accepted=2, ratings=[3], upheld=0, returned=0, violations=0) == 55
    )


def test_blacklisting_lowers_credit_and_needs_a_reason_and_a_future_day(session: Session) -> None:
    user = agency(session)
    row = _agency_row(session, user)
    boss = reviewer(session)
    with pytest.raises(DomainError) as exc:
        admission.blacklist(
            session,
            principal=boss,
            agency_id=row.id or 0,
            until=D(2027, 1, 1),
            reason="",
            now=POSTED,
        )
    assert exc.value.field == "reason"
    with pytest.raises(DomainError) as exc:
        admission.blacklist(
            session,
            principal=boss,
            agency_id=row.id or 0,
            until=D(2026, 1, 1),
            reason="串通报价",
            now=POSTED,
        )
    assert exc.value.field == "until"
    admission.blacklist(
        session,
        principal=boss,
        agency_id=row.id or 0,
        until=D(2027, 1, 1),
        reason="串通报价",
        now=POSTED,
    )
    assert row.credit == 70.0 and row.violations == 1
    assert not session.exec(select(Registration).where(Registration.agency_id == row.id)).all()


def test_national_tables_and_supervision_see_the_market(session: Session) -> None:
    from eap.services.exchange import market_tables
    from eap.services.supervision import market_watch

    owner, _, p, won, _, svc = _awarded(session)
    sid = svc.id or 0
    contract = files.store_file(session, principal=won, filename="合同.pdf", content=pdf())
    service_clock.upload_contract(
        session, principal=won, service_id=sid, file_id=contract.id, now=CONTRACT_DAY
    )
    service_clock.confirm_contract(session, principal=owner, service_id=sid, now=CONTRACT_DAY)
    rows = [
        r
        for r in (r.fields for r in market_tables.service_rows(session, None))
        if r["CGGGBH"] == p.number
    ]
    assert len(rows) == 1
    row = rows[0]
    assert row["ZJFWSXBM"] == "ZJ03" and row["GLSPSXBM"] == "S5-01"
    assert row["XZFS"] == SelectionMethod.RANDOM and row["FWSX"] == 10
    assert row["FWKSRQ"] == "2026-12-10" and row["FWZT"] == ServiceStatus.IN_PROGRESS
    assert set(row) == set(market_tables.TABLES[0].column_names)
    # the service's move was versioned in the outbox with the change, and goes out with LSH
    session.commit()
    from eap.models import SpglVersion
    from eap.services.exchange.delivery import wire_row

    latest = session.exec(
        select(SpglVersion)
        .where(SpglVersion.table_name == "SPGL_ZJFWSXBLXXB", SpglVersion.anchor_id == sid)
        .order_by(col(SpglVersion.lsh).desc())
    ).first()
    assert latest is not None and latest.payload["FWZT"] == ServiceStatus.IN_PROGRESS
    assert {"LSH", "XZQHDM", "SJYXBS", "SJSCZT", "DFSJZJ"} <= set(wire_row(latest))
    steps = [
        r["HJMC"]
        for r in (r.fields for r in market_tables.milestone_rows(session, None))
        if r["CGGGBH"] == p.number
    ]
    assert steps == ["中选", "合同确认"]
    # overdue in 南昌: the city's supervisor sees it, 赣州's does not
    nc, gz = supervisor(session, "360100"), supervisor(session, "360700")
    late = at(D(2026, 12, 30))
    overdue = market_watch.overdue_services(session, principal=nc, now=late)
    assert [(r.number, r.days_over) for r in overdue if r.number == p.number] == [(p.number, 4)]
    assert not [r for r in market_watch.overdue_services(session, principal=gz, now=late)]
    with pytest.raises(PermissionDenied):
        market_watch.overdue_services(session, principal=owner)


def test_supervisors_see_repeat_winners_and_quotes_just_under_the_budget(
    session: Session,
) -> None:
    from eap.services.supervision import market_watch

    owner = applicant(session)
    favourite = agency(session)
    numbers = []
    for _ in range(3):  # the same agency wins this owner three times (it is the only one)
        pid = purchase(session, owner, project(session, owner), now=POSTED)
        purchases.register(session, principal=favourite, purchase_id=pid, now=at(D(2026, 12, 2)))
        numbers.append(_selected(session, pid).number)
    pid = purchase(
        session, owner, project(session, owner), now=POSTED, method=SelectionMethod.LOWEST_PRICE
    )
    _register_all(
        session, pid, [agency(session) for _ in range(3)], quotes=[49_500, 49_900, 30_000]
    )
    clustered = session.get(Purchase, pid)
    assert clustered is not None
    nc = supervisor(session, "360100")
    found = market_watch.patterns(session, principal=nc, now=at(D(2026, 12, 7)))
    owner_name = session.get(Company, owner.company_id).name  # type: ignore[union-attr]
    repeat = [r for r in found if r.kind == "repeat_winner" and r.detail == owner_name]
    assert [r.count for r in repeat] == [3]
    near = [r for r in found if r.kind == "near_budget" and r.subject == clustered.number]
    assert [r.detail for r in near] == ["2/3"]


def test_a_new_scan_asks_for_a_new_check_and_only_the_agency_attaches_it(
    session: Session,
) -> None:
    from eap.models import Qualification

    user = agency(session, services=("ZJ09",), qualification=("测绘资质", D(2027, 12, 31)))
    row = _agency_row(session, user)
    qual = session.exec(select(Qualification).where(Qualification.agency_id == row.id)).one()
    admission.check_qualification(
        session, principal=reviewer(session), qualification_id=qual.id or 0, valid=True
    )
    assert qual.checked
    scan = files.store_file(session, principal=user, filename="资质证书.pdf", content=pdf())
    with pytest.raises(PermissionDenied):  # another agency cannot touch it
        admission.attach_scan(
            session, principal=agency(session), qualification_id=qual.id or 0, file_id=scan.id
        )
    admission.attach_scan(session, principal=user, qualification_id=qual.id or 0, file_id=scan.id)
    assert qual.file_id == scan.id and not qual.checked
    # the reviewer reads the scan; an applicant does not
    assert files.read_file(session, principal=reviewer(session), file_id=scan.id or 0)
    with pytest.raises(PermissionDenied):
        files.read_file(session, principal=applicant(session), file_id=scan.id or 0)


def test_the_department_that_uses_a_result_rates_its_quality(session: Session) -> None:
    from eap.models import ItemCase
    from tests.factories import city_staff, file_and_accept

    city = city_staff(session)
    owner, project_id, p, won, _, svc = _awarded(session)
    sid = svc.id or 0
    contract = files.store_file(session, principal=won, filename="合同.pdf", content=pdf())
    service_clock.upload_contract(
        session, principal=won, service_id=sid, file_id=contract.id, now=CONTRACT_DAY
    )
    service_clock.confirm_contract(session, principal=owner, service_id=sid, now=CONTRACT_DAY)
    report = files.store_file(session, principal=won, filename="报告.pdf", content=pdf())
    service_clock.submit_result(
        session, principal=won, service_id=sid, file_id=report.id, now=at(D(2026, 12, 14))
    )
    service_clock.accept_result(session, principal=owner, service_id=sid, now=at(D(2026, 12, 15)))
    sthj = city.approvers["sthj"]  # 生态环境 handles 环评审批 (S5-01)
    assert evaluation.to_rate_for_department(session, principal=sthj) == []  # no case yet
    file_and_accept(session, city, owner, project_id, stage=5, day=D(2026, 12, 16))
    case = session.exec(
        select(ItemCase).where(
            ItemCase.project_id == project_id, ItemCase.department_id == sthj.department_id
        )
    ).first()
    assert case is not None
    rows = evaluation.to_rate_for_department(session, principal=sthj)
    assert [r.number for r in rows] == [p.number]
    with pytest.raises(PermissionDenied):  # a department the result does not feed
        evaluation.rate_quality(session, principal=city.approvers["zj"], service_id=sid, rating=2)
    evaluation.rate_quality(session, principal=sthj, service_id=sid, rating=3)
    assert evaluation.to_rate_for_department(session, principal=sthj) == []
    # on time, one rating of 3: 50 + 50 x 0.6 = 80
    assert _agency_row(session, won).credit == 80.0


def test_public_directory_ranks_by_credit_and_the_reviewer_sees_who_waits(
    session: Session,
) -> None:
    from eap.services.agency import public, review

    low, high = agency(session), agency(session)
    row_low, row_high = _agency_row(session, low), _agency_row(session, high)
    row_low.credit, row_high.credit = 61.5, 99.5
    session.add_all([row_low, row_high])
    session.flush()
    ranked, total = public.directory(session, lang="zh")
    assert total >= 2
    position = {r.id: r.rank for r in ranked}  # the first page: the higher is on it, first
    assert position[row_high.id] < position.get(row_low.id, 10**6)
    high_uscc = session.get(Company, high.company_id).uscc  # type: ignore[union-attr]
    found, n = public.directory(session, lang="en", query=high_uscc)
    assert (
        n == 1
        and found[0].credit == 99.5
        and found[0].services == "Environmental impact assessment"
    )
    waiting = agency(session, admit=False, services=("ZJ03", "ZJ09"), cities=("360100", "360700"))
    rows = review.pending_agencies(session, principal=reviewer(session), lang="zh")
    mine = [r for r in rows if r.id == _agency_row(session, waiting).id]
    assert len(mine) == 1 and mine[0].services == "环境影响评价、多测合一竣工测量"
    assert mine[0].cities == "南昌市、赣州市"
    with pytest.raises(PermissionDenied):
        review.pending_agencies(session, principal=waiting, lang="zh")
