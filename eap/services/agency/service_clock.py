"""The service after the selection (中介服务): contract, a working-day clock, the result.

* Contract (合同): after the publicity, with no objection open, either side uploads it and both
  confirm within ``market_contract_days`` working days; missed, the service lapses.
* Clock: from both confirmations, ``limit_days`` working days; the agency may pause it with a
  reason (e.g. waiting for the owner's data) and either side resumes; the owner's review of a
  submitted result does not count against the agency. 催办/督办 come from the same deadline
  sweep as approvals (``sweep_services`` is called by ``supervision.alerts.sweep_deadlines``).
* Result (成果): the agency uploads; the owner accepts (it enters the owner's material library
  for the project, so the related item's one form offers it) or returns it with reasons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import update
from sqlmodel import Session, col, select

from eap.db import rowcount
from eap.errors import ConflictError, DomainError, PermissionDenied
from eap.models import (
    Agency,
    AgencyService,
    Alert,
    Material,
    Objection,
    Purchase,
    StoredFile,
)
from eap.models.market import ObjectionStatus, PurchaseStatus, ServiceStatus
from eap.services.agency import credit
from eap.services.agency.admission import my_agency, notify_agency
from eap.services.agency.catalogue import service_type
from eap.services.core.audit import record
from eap.services.core.changes import touch
from eap.services.core.clock import WorkCalendar, local_date, now_or
from eap.services.core.notify import notify_user
from eap.services.core.principal import Principal, Role
from eap.services.hall import library


def _service(session: Session, principal: Principal, service_id: int) -> tuple[AgencyService, str]:
    """The service and which side the principal is on: "owner" or "agency"."""
    svc = session.get(AgencyService, service_id)
    if svc is None:
        raise DomainError("error.not_found")
    if principal.role in (Role.APPLICANT, Role.AGENT) and principal.company_id == svc.company_id:
        return svc, "owner"
    if principal.role == Role.AGENCY:
        agency = my_agency(session, principal)
        if agency is not None and agency.id == svc.agency_id:
            return svc, "agency"
    raise PermissionDenied()


def _as_side(
    session: Session,
    principal: Principal,
    service_id: int,
    *,
    side: str,
    status: int,
    refusal: str,
) -> AgencyService:
    """The service, for a move only ``side`` may make and only from ``status``."""
    svc, actual = _service(session, principal, service_id)
    if actual != side:
        raise PermissionDenied()
    if svc.status != status:
        raise DomainError(refusal)
    return svc


def _done(
    session: Session,
    principal: Principal,
    svc: AgencyService,
    *,
    action: str,
    side: str,
    note: str | None,
    now: dt.datetime,
    detail: dict[str, object] | None = None,
) -> AgencyService:
    """Every move ends alike: audited, and the other side told (``note``)."""
    record(
        session,
        actor_id=principal.user_id,
        action=action,
        entity="agency_service",
        entity_id=svc.id or 0,
        detail=detail or {},
    )
    if note:
        _other_side(session, svc, side, note, now)
    return svc


def _save(session: Session, svc: AgencyService, **values: object) -> None:
    """A guarded write: lost if someone changed the service since it was read."""
    res = session.execute(
        update(AgencyService)
        .where(col(AgencyService.id) == svc.id, col(AgencyService.version) == svc.version)
        .values(version=svc.version + 1, **values)
    )
    if not rowcount(res):
        raise ConflictError("error.conflict")
    touch(session, AgencyService, [svc.id])
    session.refresh(svc)


def _file(session: Session, file_id: int | None, field: str) -> int:
    if file_id is None or session.get(StoredFile, file_id) is None:
        raise DomainError("market.file_missing", field=field)
    return file_id


def _other_side(
    session: Session, svc: AgencyService, side: str, key: str, now: dt.datetime
) -> None:
    purchase = session.get(Purchase, svc.purchase_id)
    number = purchase.number if purchase else ""
    if side == "owner":
        agency = session.get(Agency, svc.agency_id)
        if agency is not None:
            notify_agency(session, agency, key=key, now=now, number=number)
    elif purchase is not None:
        notify_user(session, user_id=purchase.created_by, key=key, now=now, number=number)


def upload_contract(
    session: Session,
    *,
    principal: Principal,
    service_id: int,
    file_id: int | None,
    now: dt.datetime | None = None,
) -> AgencyService:
    now = now_or(now)
    svc, side = _service(session, principal, service_id)
    _contract_window(session, svc, now)
    _save(
        session,
        svc,
        contract_file_id=_file(session, file_id, "contract"),
        owner_confirmed_at=now if side == "owner" else None,
        agency_confirmed_at=now if side == "agency" else None,
    )
    return _done(
        session,
        principal,
        svc,
        action="market.contract_upload",
        side=side,
        note="market.note.contract",
        now=now,
        detail={"file": file_id, "side": side},
    )


def _contract_window(session: Session, svc: AgencyService, now: dt.datetime) -> None:
    if svc.status != ServiceStatus.AWAITING_CONTRACT:
        raise DomainError("market.not_awaiting_contract")
    purchase = session.get(Purchase, svc.purchase_id)
    assert purchase is not None and purchase.publicity_until is not None
    today = local_date(now)
    if today <= purchase.publicity_until:
        raise DomainError("market.publicity_running", day=purchase.publicity_until.isoformat())
    open_objection = session.exec(
        select(Objection.id).where(
            Objection.purchase_id == purchase.id, Objection.status == ObjectionStatus.OPEN
        )
    ).first()
    if open_objection is not None:
        raise DomainError("market.objection_open")
    if today > svc.contract_due:
        raise DomainError("market.contract_late", day=svc.contract_due.isoformat())


def confirm_contract(
    session: Session, *, principal: Principal, service_id: int, now: dt.datetime | None = None
) -> AgencyService:
    """One side confirms the uploaded contract; with both, the clock starts tomorrow."""
    now = now_or(now)
    svc, side = _service(session, principal, service_id)
    _contract_window(session, svc, now)
    if svc.contract_file_id is None:
        raise DomainError("market.file_missing", field="contract")
    owner_at = svc.owner_confirmed_at or (now if side == "owner" else None)
    agency_at = svc.agency_confirmed_at or (now if side == "agency" else None)
    values: dict[str, object] = {"owner_confirmed_at": owner_at, "agency_confirmed_at": agency_at}
    if owner_at and agency_at:
        today = local_date(now)
        due = WorkCalendar.load(session).add_working_days(today, svc.limit_days).day
        values |= {"status": ServiceStatus.IN_PROGRESS, "started_on": today, "due_date": due}
    _save(session, svc, **values)
    return _done(
        session,
        principal,
        svc,
        action="market.contract_confirm",
        side=side,
        note="market.note.contract",
        now=now,
        detail={"side": side, "started": svc.status == ServiceStatus.IN_PROGRESS},
    )


def pause(
    session: Session,
    *,
    principal: Principal,
    service_id: int,
    reason: str,
    now: dt.datetime | None = None,
) -> AgencyService:
    now = now_or(now)
    svc = _as_side(
        session,
        principal,
        service_id,
        side="agency",
        status=ServiceStatus.IN_PROGRESS,
        refusal="market.not_in_progress",
    )
    if len(reason.strip()) < 4:
        raise DomainError("market.pause_reason", field="reason")
    _save(
        session,
        svc,
        status=ServiceStatus.PAUSED,
        paused_since=now,
        pause_reason=reason.strip()[:200],
    )
    return _done(
        session,
        principal,
        svc,
        action="market.pause",
        side="agency",
        note="market.note.paused",
        now=now,
        detail={"reason": reason},
    )


def _resumed_values(session: Session, svc: AgencyService, now: dt.datetime) -> dict[str, object]:
    assert svc.paused_since is not None and svc.due_date is not None
    cal = WorkCalendar.load(session)
    days = cal.paused_working_days(svc.paused_since, now)
    return {
        "status": ServiceStatus.IN_PROGRESS,
        "paused_since": None,
        "paused_days": svc.paused_days + days,
        "due_date": cal.extend(svc.due_date, days).day,
    }


def resume(
    session: Session, *, principal: Principal, service_id: int, now: dt.datetime | None = None
) -> AgencyService:
    now = now_or(now)
    svc, side = _service(session, principal, service_id)
    if svc.status != ServiceStatus.PAUSED:
        raise DomainError("market.not_paused")
    _save(session, svc, **_resumed_values(session, svc, now), pause_reason="")
    return _done(session, principal, svc, action="market.resume", side=side, note=None, now=now)


def submit_result(
    session: Session,
    *,
    principal: Principal,
    service_id: int,
    file_id: int | None,
    now: dt.datetime | None = None,
) -> AgencyService:
    now = now_or(now)
    svc = _as_side(
        session,
        principal,
        service_id,
        side="agency",
        status=ServiceStatus.IN_PROGRESS,
        refusal="market.not_in_progress",
    )
    _save(
        session,
        svc,
        status=ServiceStatus.RESULT_SUBMITTED,
        result_file_id=_file(session, file_id, "result"),
        result_submitted_at=now,
        paused_since=now,  # the owner's review is not the agency's time
    )
    return _done(
        session,
        principal,
        svc,
        action="market.result_submit",
        side="agency",
        note="market.note.result",
        now=now,
        detail={"file": file_id},
    )


def return_result(
    session: Session,
    *,
    principal: Principal,
    service_id: int,
    reason: str,
    now: dt.datetime | None = None,
) -> AgencyService:
    now = now_or(now)
    svc = _as_side(
        session,
        principal,
        service_id,
        side="owner",
        status=ServiceStatus.RESULT_SUBMITTED,
        refusal="market.no_result",
    )
    if len(reason.strip()) < 4:
        raise DomainError("market.return_reason", field="reason")
    _save(
        session,
        svc,
        **_resumed_values(session, svc, now),
        returns=svc.returns + 1,
        return_reason=reason.strip()[:500],
    )
    credit.recompute(session, agency_id=svc.agency_id)
    return _done(
        session,
        principal,
        svc,
        action="market.result_return",
        side="owner",
        note="market.note.returned",
        now=now,
        detail={"reason": reason},
    )


def accept_result(
    session: Session, *, principal: Principal, service_id: int, now: dt.datetime | None = None
) -> AgencyService:
    """The owner accepts; the result enters its material library for the project."""
    now = now_or(now)
    svc = _as_side(
        session,
        principal,
        service_id,
        side="owner",
        status=ServiceStatus.RESULT_SUBMITTED,
        refusal="market.no_result",
    )
    assert svc.result_submitted_at is not None and svc.due_date is not None
    on_time = local_date(svc.result_submitted_at) <= svc.due_date
    _save(session, svc, status=ServiceStatus.ACCEPTED, accepted_at=now, on_time=on_time)
    purchase = session.get(Purchase, svc.purchase_id)
    assert purchase is not None
    stype = service_type(session, purchase.service_code)
    material = (
        session.exec(select(Material).where(Material.code == stype.material_code)).first()
        if stype and stype.material_code
        else None
    )
    if material is not None and svc.result_file_id is not None:
        _into_library(session, svc=svc, material=material, source=purchase.number)
    credit.recompute(session, agency_id=svc.agency_id)
    return _done(
        session,
        principal,
        svc,
        action="market.result_accept",
        side="owner",
        note="market.note.accepted",
        now=now,
        detail={"on_time": on_time, "library": material.code if material else None},
    )


def _into_library(session: Session, *, svc: AgencyService, material: Material, source: str) -> None:
    """The project's library entry for the result (a later accepted result wins)."""
    assert svc.result_file_id is not None
    library.keep(
        session,
        company_id=svc.company_id,
        material=material,
        project_id=svc.project_id,
        file_id=svc.result_file_id,
        source=source,
    )


# --- the deadline sweep's part ------------------------------------------------------------


def sweep_services(
    session: Session,
    *,
    now: dt.datetime,
    levels_due: Callable[[WorkCalendar, dt.date, dt.date], list[str]],
    raise_alert: Callable[[Session, dict], int | None],
    new: dict[str, int],
) -> int:
    """催办/督办/督察 for running services (the agency is told, the city's supervisors see them
    on the market tab), contracts whose window passed lapse, and finished services' alerts
    close. The level rule and the once-only alert insert are the approvals' own, handed in
    by ``supervision.alerts.sweep_deadlines``."""
    cal = WorkCalendar.load(session)
    today = local_date(now)
    horizon = cal.add_working_days(today, 1).day
    examined = 0
    rows = session.exec(
        select(AgencyService, Purchase)
        .join(Purchase, col(Purchase.id) == col(AgencyService.purchase_id))
        .where(
            AgencyService.status == ServiceStatus.IN_PROGRESS,
            col(AgencyService.due_date) <= horizon,
        )
    ).all()
    for svc, purchase in rows:
        examined += 1
        assert svc.due_date is not None and svc.id is not None
        for level in levels_due(cal, svc.due_date, today):
            new_id = raise_alert(
                session,
                {
                    "target_kind": "service",
                    "target_id": svc.id,
                    "level": level,
                    "region_code": purchase.city_code,
                    "department_id": None,
                    "project_id": svc.project_id,
                    "due_date": svc.due_date,
                    "raised_at": now,
                    "status": "open",
                },
            )
            if new_id is not None:
                new[level] += 1
                agency = session.get(Agency, svc.agency_id)
                if agency is not None:
                    notify_agency(
                        session,
                        agency,
                        key=f"market.note.{level}",
                        now=now,
                        number=purchase.number,
                        due=svc.due_date.isoformat(),
                    )
    lapsed = session.execute(
        update(AgencyService)
        .where(
            col(AgencyService.status) == ServiceStatus.AWAITING_CONTRACT,
            col(AgencyService.contract_due) < today,
        )
        .values(status=ServiceStatus.LAPSED, version=AgencyService.version + 1)
        .returning(col(AgencyService.id))
    )
    touch(session, AgencyService, lapsed.scalars().all())
    finished = select(AgencyService.id).where(
        col(AgencyService.id) == col(Alert.target_id),
        col(AgencyService.status).in_(
            (ServiceStatus.ACCEPTED, ServiceStatus.LAPSED, ServiceStatus.ANNULLED)
        ),
    )
    session.execute(
        update(Alert)
        .where(
            col(Alert.target_kind) == "service", col(Alert.status) != "closed", finished.exists()
        )
        .values(status="closed", closed_at=now, close_reason="service finished")
    )
    return examined


def annul_service(session: Session, *, purchase: Purchase) -> None:
    """An upheld objection sets the selection aside: its service ends unless already done."""
    session.execute(
        update(AgencyService)
        .where(
            col(AgencyService.purchase_id) == purchase.id,
            col(AgencyService.status) == ServiceStatus.AWAITING_CONTRACT,
        )
        .values(status=ServiceStatus.ANNULLED, version=AgencyService.version + 1)
    )
    touch(session, Purchase, [purchase.id])
    purchase.status = PurchaseStatus.ANNULLED
    session.add(purchase)
