"""The authorization matrix: every route of every service's OpenAPI document, with every role,
answers as `shared/roles.yaml` says; and a role held on a unit that may not hold it (a
district reviewer token of the Department, a department reviewer token of a finance
department, a reporter of another unit) reaches nothing of the unit it does not fit.

Runs each service on its own SQLite file (the role check comes before any I/O); the
wrong-unit half runs the submission service on the seeded Hà Tĩnh registry and rounds.
"""
from __future__ import annotations

import importlib
import io
import re

import pytest

from services.submission import demo
from shared.auth import Role, issue_token
from shared.authorization import ROLE_NOT_PERMITTED, ROUTE_NOT_LISTED, policy
from shared.config import SERVICES, ServiceSettings
from tests.support.documents import MINIMAL_PDF
from tests.support.keys import TEST_JWKS_URL, TEST_KEY

METHODS = ("get", "post", "put", "patch", "delete")
# A unit each role may hold in the seeded registry (the Department reviews, STC reports).
FITTING_UNIT = {Role.UNIT_REPORTER: "STC", Role.UNIT_APPROVER: "STC", Role.DISTRICT_REVIEWER: "436",
                Role.DEPARTMENT_REVIEWER: "SKHCN", Role.DATA_PROVIDER: "STTTT", Role.ADMIN: "HT",
                Role.AUDITOR: "TTRA"}


def token(role: Role, unit: str, user: str = "matrix") -> dict:
    return {"Authorization": f"Bearer {issue_token(TEST_KEY, user, role, unit)}"}


def settings(service: str, tmp_path) -> ServiceSettings:
    return ServiceSettings(service=service, database_url=f"sqlite:///{tmp_path / service}.sqlite",
                           broker_url="memory://", jwks_url=TEST_JWKS_URL, data_dir=tmp_path)


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    base = tmp_path_factory.mktemp("matrix")
    made = {}
    for service in SERVICES:
        bootstrap = importlib.import_module(f"services.{service}.bootstrap")
        runtime = bootstrap.runtime(settings(service, base))
        runtime.migrate()
        made[service] = (runtime, bootstrap.create_app(runtime).test_client())
    yield made
    for runtime, _client in made.values():
        runtime.engine.dispose()


def routes(client) -> list[tuple[str, str]]:
    spec = client.get("/openapi.json").json
    return [(method.upper(), path) for path, operations in spec["paths"].items()
            for method in operations if method in METHODS]


# Bodies that pass validation, so that what answers is the authorization, not the schema.
BODIES = {"PATCH /reports/{report_id}": {"answers": {}},
          "POST /reports/{report_id}/evidence-reply": {"answers": {}, "note": "Bổ sung minh chứng"}}


def call(client, method: str, path: str, headers: dict, params: dict | None = None):
    url = re.sub(r"\{([^}]+)\}", lambda m: (params or {}).get(m.group(1), "x"), path)
    if path.endswith("/evidence") and method == "POST":
        return client.post(url, headers=headers, content_type="multipart/form-data",
                           data={"criterion": "1.1", "file": (io.BytesIO(MINIMAL_PDF), "a.pdf")})
    body = BODIES.get(f"{method} {path}", {}) if method != "GET" else None
    return client.open(url, method=method, headers=headers, json=body)


def role_denied(response) -> bool:
    return response.status_code == 403 and response.json.get("reason") in (ROLE_NOT_PERMITTED, ROUTE_NOT_LISTED)


def test_every_documented_route_is_in_the_role_table_and_every_table_route_exists(clients):
    table = policy()
    for service, (_runtime, client) in clients.items():
        documented = {f"{method} {path}" for method, path in routes(client)}
        listed = set(table.routes.get(service, {})) | set(table.public.get(service, ()))
        assert documented - listed == set(), f"{service}: routes nobody may call (add them to shared/roles.yaml)"
        assert listed - documented == set(), f"{service}: the role table names routes the service does not have"


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_reaches_exactly_the_routes_the_table_gives_it(clients, role):
    table = policy()
    cells = 0
    for service, (_runtime, client) in clients.items():
        for method, path in routes(client):
            route = f"{method} {path}"
            response = call(client, method, path, token(role, FITTING_UNIT[role]))
            assert response.status_code < 500, (service, route, response.json)
            if table.is_public(service, route):
                assert response.status_code not in (401, 403), (service, route)
            elif table.allows(role, table.operation(service, route)):
                assert not role_denied(response), (service, route, response.json)
            else:
                assert role_denied(response), (service, route, response.status_code, response.json)
                assert response.json["reason"] == ROLE_NOT_PERMITTED
            cells += 1
    assert cells >= 35


def test_without_a_token_only_public_routes_answer(clients):
    table = policy()
    for service, (_runtime, client) in clients.items():
        for method, path in routes(client):
            response = call(client, method, path, {})
            if table.is_public(service, f"{method} {path}"):
                assert response.status_code not in (401, 403), (service, path)
            else:
                assert response.status_code == 401, (service, method, path, response.status_code)


def test_a_route_missing_from_the_table_is_refused_to_everyone(clients):
    """Flask's own static-file route is in no OpenAPI document and not in the table."""
    _runtime, client = clients["submission"]
    assert any(rule.rule.startswith("/static/") for rule in client.application.url_map.iter_rules())
    for role in Role:
        response = client.get("/static/roles.yaml", headers=token(role, FITTING_UNIT[role]))
        assert response.status_code == 403 and response.json["reason"] == ROUTE_NOT_LISTED


# --- the wrong unit: the role is right for the route, the unit may not hold it ----------------------------

# Operations about the round or the registry as a whole, which any signed-in role may read.
UNSCOPED = {"round.read", "unit.read"}
MISFITS = [
    (Role.DISTRICT_REVIEWER, "SKHCN"),  # the Department is not a district
    (Role.DEPARTMENT_REVIEWER, "STC"),  # a finance department is not the reviewing body
    (Role.DEPARTMENT_REVIEWER, "436"),  # nor is a district
    (Role.UNIT_REPORTER, "18073-2025"),  # another unit's reporter
    (Role.UNIT_APPROVER, "18073-2025"),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from services.submission import bootstrap

    runtime = bootstrap.runtime(settings("submission", tmp_path_factory.mktemp("seeded")))
    runtime.migrate()
    demo.seed(runtime)
    client = bootstrap.create_app(runtime).test_client()
    round_id = f"{demo.current_annual_year(runtime.clock())}-annual"
    admin = token(Role.ADMIN, "HT")
    [report] = [r for r in client.get(f"/reports?round_id={round_id}&page_size=500", headers=admin).json if r["unit_code"] == "STC"]
    assert report["reviewer_unit_code"] == "SKHCN"
    yield client, {"report_id": report["id"], "round_id": round_id, "file_id": "x", "unit_type": "commune"}
    runtime.engine.dispose()


@pytest.mark.parametrize("role, unit", MISFITS, ids=lambda v: getattr(v, "value", v))
def test_a_role_on_a_unit_that_may_not_hold_it_reaches_nothing_of_another_unit(seeded, role, unit):
    client, params = seeded
    table = policy()
    checked = 0
    for method, path in routes(client):
        operation = table.operation("submission", f"{method} {path}")
        if operation is None or operation in UNSCOPED or not table.allows(role, operation):
            continue
        response = call(client, method, path, token(role, unit), params)
        if method == "GET" and path == "/reports":
            response = client.get(f"/reports?round_id={params['round_id']}", headers=token(role, unit))
            assert response.status_code == 200
            assert params["report_id"] not in {report["id"] for report in response.json}
        else:
            assert response.status_code == 403, (role.value, unit, method, path, response.status_code, response.json)
        checked += 1
    assert checked >= 3


def test_the_fitting_roles_do_reach_the_same_data(seeded):
    client, params = seeded
    report = f"/reports/{params['report_id']}"
    assert client.get(report, headers=token(Role.UNIT_REPORTER, "STC")).status_code == 200
    assert client.get(report, headers=token(Role.UNIT_APPROVER, "STC")).status_code == 200
    assert client.get(report, headers=token(Role.DEPARTMENT_REVIEWER, "SKHCN")).status_code == 200
    assert client.get(report, headers=token(Role.AUDITOR, "TTRA")).status_code == 200
    completeness = f"/rounds/{params['round_id']}/completeness"
    assert client.get(completeness, headers=token(Role.DEPARTMENT_REVIEWER, "SKHCN")).status_code == 200
    assert client.get("/rounds/2022-annual/completeness", headers=token(Role.DISTRICT_REVIEWER, "436")).status_code \
        == 200
