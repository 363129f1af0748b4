"""The open API (/api/v1) as another system calls it: client credentials, scopes, regions,
limits, every call audited, JSON errors; the data it answers with is the case's own."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from eap.errors import DomainError, PermissionDenied
from eap.models import ApiClient, ApiToken, AuditLog, Certificate, ItemCase, Project
from eap.services.exchange import api_clients
from eap.services.exchange.api_clients import IssuedSecret
from tests.factories import _user, applicant, city_staff, project, run_stage

DAY = dt.date(2025, 6, 9)  # a city and a year no other committing test uses


@dataclass
class World:
    admin_id: int
    jian: IssuedSecret  # every scope, region 360800
    narrow: IssuedSecret  # projects:read only, region 360800
    ganzhou: IssuedSecret  # every scope, region 360700
    project_code: str
    other_code: str  # a Ganzhou project
    case_no: str  # an approved item case of the Ji'an project
    cert_no: str


@pytest.fixture(scope="module")
def world(engine: Engine) -> Iterator[World]:
    with Session(engine) as s:
        admin = _user(s, "admin", region_code="360000")
        nc = city_staff(s, "360800")
        owner = applicant(s, "360802")
        pid = project(s, owner, region="360802")
        run_stage(s, nc, owner, pid, 1, DAY)
        gz_owner = applicant(s, "360702")
        gid = project(s, gz_owner, region="360702")
        every = list(api_clients.SCOPES)
        world = World(
            admin.user_id,
            api_clients.create_client(
                s, principal=admin, name="吉安市政务数据平台", scopes=every, region_code="360800"
            ),
            api_clients.create_client(
                s, principal=admin, name="只读项目", scopes="projects:read", region_code="360800"
            ),
            api_clients.create_client(
                s, principal=admin, name="赣州市平台", scopes=every, region_code="360700"
            ),
            s.get(Project, pid).project_code,  # type: ignore[union-attr]
            s.get(Project, gid).project_code,  # type: ignore[union-attr]
            "",
            "",
        )
        cert = s.exec(
            select(Certificate, ItemCase)
            .join(ItemCase, col(ItemCase.id) == Certificate.item_case_id)
            .where(Certificate.project_id == pid)
        ).first()
        assert cert is not None, "stage 1 issues a certificate"
        world.cert_no, world.case_no = cert[0].cert_no, cert[1].case_no
        s.commit()
    yield world


@pytest.fixture(scope="module")
def http() -> TestClient:
    from eap.api import api

    return TestClient(api)


def _token(http: TestClient, secret: IssuedSecret, scope: str | None = None) -> str:
    form = {"grant_type": "client_credentials"}
    if scope:
        form["scope"] = scope
    basic = base64.b64encode(f"{secret.client_id}:{secret.secret}".encode()).decode()
    answer = http.post(
        "/api/v1/oauth/token", data=form, headers={"Authorization": f"Basic {basic}"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    return str(body["access_token"])


def _get(  # type: ignore[no-untyped-def]
    http: TestClient, path: str, token: str | None, *, lang: str = "zh", **kw: object
):
    headers = {"Accept-Language": lang}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return http.get(f"/api/v1{path}", headers=headers, **kw)  # type: ignore[arg-type]


def test_the_token_endpoint_speaks_oauth2(http: TestClient, world: World) -> None:
    wrong = http.post(
        "/api/v1/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": world.jian.client_id,
            "client_secret": "0" * 64,
        },
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert wrong.headers["cache-control"] == "no-store"
    unknown = http.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
    )
    assert unknown.json() == {**unknown.json(), "error": "invalid_client"}  # the same refusal
    grant = http.post("/api/v1/oauth/token", data={"grant_type": "password"})
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    form = http.post(
        "/api/v1/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": world.narrow.client_id,
            "client_secret": world.narrow.secret,
            "scope": "kpi:read",
        },
    )
    assert form.status_code == 400 and form.json()["error"] == "invalid_scope"
    assert _token(http, world.narrow)  # form fields or Basic: both accepted


def test_region_and_scope_decide_what_a_client_reads(
    http: TestClient, world: World, engine: Engine
) -> None:
    token = _token(http, world.jian)
    mine = _get(http, f"/projects/{world.project_code}", token)
    assert mine.status_code == 200
    assert mine.json()["region_code"] == "360802" and mine.json()["current_stage"] >= 1
    # another city's project is "not found", exactly like one that does not exist
    theirs = _get(http, f"/projects/{world.other_code}", token)
    nothing = _get(http, "/projects/2099-000000-00-00-000000", token)
    assert theirs.status_code == nothing.status_code == 404
    assert theirs.json()["error"] == "not_found"
    assert (
        _get(http, f"/projects/{world.other_code}", _token(http, world.ganzhou)).status_code == 200
    )
    # no token, a made-up token, a missing scope
    bare = _get(http, "/catalogue/items", None)
    assert bare.status_code == 401 and bare.headers["www-authenticate"] == "Bearer"
    assert bare.json()["error"] == "invalid_token"
    assert _get(http, "/catalogue/items", "f" * 64).status_code == 401
    narrow = _token(http, world.narrow)
    denied = _get(http, "/catalogue/items", narrow, lang="en")
    assert denied.status_code == 403 and denied.json()["error"] == "insufficient_scope"
    assert "catalogue:read" in denied.json()["message"]
    # an expired token stops working
    with Session(engine) as s:
        s.exec(update(ApiToken).values(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)))  # type: ignore[call-overload]
        s.commit()
    assert _get(http, f"/projects/{world.project_code}", token).status_code == 401
    # every call is audited with its answer's status, refused ones too
    with Session(engine) as s:
        statuses = {
            (a.detail["path"], a.detail["status"])
            for a in s.exec(select(AuditLog).where(AuditLog.action == "api.call"))
        }
    assert (f"/api/v1/projects/{world.other_code}", 404) in statuses
    assert ("/api/v1/catalogue/items", 401) in statuses
    assert ("/api/v1/catalogue/items", 403) in statuses


def test_a_case_its_history_documents_and_certificate(http: TestClient, world: World) -> None:
    token = _token(http, world.jian)
    stages = _get(http, f"/projects/{world.project_code}/stages", token).json()
    assert [s["stage_code"] for s in stages] == [1] and stages[0]["status"] == "closed"
    items = stages[0]["items"]
    assert {i["status"] for i in items} <= {11, 12} and all(i["decided_at"] for i in items)
    assert world.case_no in {i["case_no"] for i in items}
    history = _get(http, f"/cases/{world.case_no}/history", token).json()
    assert history[0]["at"] <= history[-1]["at"] and history[-1]["status"] in (11, 12)
    assert not any("handler" in e for e in history)  # no personal names leave the system
    docs = _get(http, f"/cases/{world.case_no}/documents", token).json()
    cert = next(d for d in docs if d["kind"] == "certificate")
    assert cert["number"] == world.cert_no and "/verify/" in cert["verify_url"]
    check = _get(http, f"/certificates/{world.cert_no}/verification", token).json()
    assert check["genuine"] and check["valid"] and check["cert_no"] == world.cert_no
    fake = _get(http, "/certificates/NO-SUCH-1/verification", token).json()
    assert fake["genuine"] is False and fake["valid"] is False
    # Ganzhou's client cannot see Ji'an's case, nor verify its certificate
    gz = _token(http, world.ganzhou)
    assert _get(http, f"/cases/{world.case_no}/history", gz).status_code == 404
    assert _get(http, f"/certificates/{world.cert_no}/verification", gz).json()["genuine"] is False


def test_catalogue_processes_and_kpis(http: TestClient, world: World) -> None:
    token = _token(http, world.jian)
    items = _get(http, "/catalogue/items", token).json()
    assert len(items) > 20 and all(i["limit_days"] >= 1 for i in items)
    processes = _get(http, "/catalogue/processes", token).json()
    assert processes and {p["region_code"][:4] for p in processes} == {"3608"}
    assert all(p["stages"] and p["items"] for p in processes)
    kpi = _get(
        http,
        "/kpi",
        token,
        params={"start": "2025-01-01", "end": "2025-12-31", "group_by": "city_code"},
    )
    assert kpi.status_code == 200
    assert {r["key"] for r in kpi.json()} <= {"360800"}  # only its own city's roll-ups
    backwards = _get(http, "/kpi", token, params={"start": "2026-03-01", "end": "2026-01-01"})
    assert backwards.status_code == 400 and backwards.json()["error"] == "invalid_end"
    assert _get(http, "/kpi", token, params={"start": "x", "end": "y"}).status_code == 422


def test_each_client_has_its_calls_a_minute(http: TestClient, world: World, engine: Engine) -> None:
    with Session(engine) as s:
        admin = _user(s, "admin", region_code="360000")
        limited = api_clients.create_client(
            s,
            principal=admin,
            name="限流",
            scopes="catalogue:read",
            region_code="360800",
            per_minute=3,
        )
        s.commit()
    token = _token(http, limited)
    answers = [_get(http, "/catalogue/processes", token).status_code for _ in range(5)]
    assert answers[:3] == [200, 200, 200] and answers[3:] == [429, 429]
    refused = _get(http, "/catalogue/processes", token)
    assert refused.headers["retry-after"] == "60" and refused.json()["error"] == "rate_limited"
    # another client is not held back by this one's allowance
    assert _get(http, "/catalogue/processes", _token(http, world.jian)).status_code == 200


def test_administration_of_clients(world: World, engine: Engine, http: TestClient) -> None:
    with Session(engine) as s:
        admin_p = _user(s, "admin", region_code="360000")
        window = _user(s, "supervisor", region_code="360800")
        with pytest.raises(PermissionDenied):
            api_clients.create_client(
                s, principal=window, name="x", scopes="kpi:read", region_code="360800"
            )
        with pytest.raises(DomainError) as bad:
            api_clients.create_client(
                s, principal=admin_p, name="x", scopes="everything", region_code="360800"
            )
        assert bad.value.field == "scopes"
        issued = api_clients.create_client(
            s, principal=admin_p, name="轮换", scopes="kpi:read", region_code="360800"
        )
        s.commit()
        old_token = _token(http, issued)
        rotated = api_clients.rotate_secret(s, principal=admin_p, client_pk=issued.client_pk)
        s.commit()
        assert rotated.secret != issued.secret
        stored = s.get(ApiClient, issued.client_pk)
        assert stored is not None and rotated.secret not in stored.secret_hash
        assert issued.secret not in stored.secret_hash
    # the old secret and its tokens are dead; the new one works until the client is disabled
    assert _get(http, "/kpi?start=2026-01-01&end=2026-01-02", old_token).status_code == 401
    new_token = _token(http, rotated)
    assert _get(http, "/kpi?start=2026-01-01&end=2026-01-02", new_token).status_code == 200
    with Session(engine) as s:
        api_clients.set_active(s, principal=admin_p, client_pk=issued.client_pk, active=False)
        s.commit()
        rows = {r.client_id: r for r in api_clients.list_clients(s, principal=admin_p)}
    assert rows[issued.client_id].active is False
    assert _get(http, "/kpi?start=2026-01-01&end=2026-01-02", new_token).status_code == 401


def test_the_reference_is_browsable(http: TestClient) -> None:
    spec = http.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "EAP open API"
    flows = spec["components"]["securitySchemes"]["client_credentials"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "oauth/token"
    assert "/projects/{project_code}/stages" in spec["paths"]
    page = http.get("/api/v1/docs")
    assert page.status_code == 200 and "<script" not in page.text
    assert "/api/v1/projects/{project_code}/stages" in page.text and "projects:read" in page.text
