"""HTTP hardening of the service apps: security headers on every response, rate limits (429)
with flask-limiter on memory and on the real Redis (a key prefix of the test's own), and
bounded error bodies."""
from __future__ import annotations

import io
import uuid

import pytest
import redis

from services.publication import bootstrap as publication
from services.submission import bootstrap as submission
from services.submission.domain.reports import Report
from shared.auth import Role, issue_token
from shared.config import ServiceSettings
from shared.criteria import load_catalog
from shared.domain.report_header import ReportHeader
from tests.support.answers import complete_answers
from tests.support.documents import MINIMAL_PDF
from tests.support.keys import TEST_JWKS_URL, TEST_KEY

pytestmark = pytest.mark.integration
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(autouse=True)
def rate_limits_on(monkeypatch):
    monkeypatch.setenv("CQS_RATE_LIMIT_ENABLED", "1")


def settings(service: str, tmp_path, **overrides) -> ServiceSettings:
    values = dict(service=service, database_url=f"sqlite:///{tmp_path / service}.sqlite", broker_url="memory://",
                  jwks_url=TEST_JWKS_URL, data_dir=tmp_path, namespace=f"cqs-test-{uuid.uuid4().hex[:8]}")
    values.update(overrides)
    return ServiceSettings(**values)


def app_of(bootstrap, service_settings):
    runtime = bootstrap.runtime(service_settings)
    runtime.migrate()
    return runtime, bootstrap.create_app(runtime).test_client()


def bearer(role=Role.UNIT_REPORTER, unit="HT-CL-KST", user="acct-7") -> dict:
    return {"Authorization": f"Bearer {issue_token(TEST_KEY, user, role, unit)}"}


def test_every_response_carries_the_security_headers(tmp_path):
    _runtime, client = app_of(publication, settings("publication", tmp_path))
    for response in (client.get("/health"), client.get("/results/2027-annual"), client.get("/openapi.json"),
                     client.post("/rounds/x/publish", headers=bearer())):
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "script-src" not in csp
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in headers  # the embedded mode runs on plain http
    assert client.post("/rounds/x/publish", headers=bearer()).headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/results/2027-annual").headers.get("Cache-Control", "")


def test_hsts_outside_the_embedded_mode(tmp_path):
    production = settings("publication", tmp_path, database_url="postgresql+psycopg://cqs@127.0.0.1:1/none",
                          broker_url="amqp://guest:guest@127.0.0.1:1//")
    client = publication.create_app(publication.runtime(production)).test_client()
    assert client.get("/health").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_client_guessing_tokens_is_stopped_for_the_whole_app(tmp_path, monkeypatch):
    monkeypatch.setenv("CQS_RATE_LIMIT_REFUSED_TOKENS", "5/minute")
    runtime, client = app_of(submission, settings("submission", tmp_path))
    for n in range(5):
        assert client.get("/reports", headers={"Authorization": f"Bearer forged-{n}"}).status_code == 401
    refused = client.get("/units", headers=bearer())  # even with a good token, from the same address
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.headers["Retry-After"]
    with runtime.engine.connect() as conn:
        kinds = [row.kind for row in conn.execute(runtime.security_log.select())]
    assert kinds.count("auth.token_refused") == 5 and "access.rate_limited" in kinds


def test_public_look_ups_are_limited_per_address(tmp_path, monkeypatch):
    monkeypatch.setenv("CQS_RATE_LIMIT_DEFAULT", "10/minute")
    _runtime, client = app_of(publication, settings("publication", tmp_path))
    answers = [client.get("/results/2027-annual") for _ in range(12)]
    assert [answer.status_code for answer in answers] == [404] * 10 + [429, 429]
    # Only a refusal speaks of the limit: when to come back, within the minute's window (rounded up).
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 61
    assert not any(name.startswith("X-RateLimit") for answer in answers for name in answer.headers.keys())
    assert client.get("/results/2027-annual", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 404


def test_uploads_are_limited_per_account_on_redis(tmp_path, monkeypatch):
    """Production keeps the counters in Redis: here the shared server, under a prefix of this test's own."""
    monkeypatch.setenv("CQS_RATE_LIMIT_STORAGE_URL", REDIS_URL)
    monkeypatch.setenv("CQS_RATE_LIMIT_UPLOADS", "2/minute")
    service_settings = settings("submission", tmp_path)
    runtime, client = app_of(submission, service_settings)
    report = Report(id=str(uuid.uuid4()),
                    header=ReportHeader(round_id="2026-annual", unit_code="HT-CL-KST", unit_name_vi="Xã",
                                        unit_type="commune", reviewer_unit_code="HT-CL", reviewer_kind="district"),
                    catalog_version="hatinh-2021-ref-1",
                    answers=complete_answers(load_catalog("hatinh-2021-ref-1").unit_type("commune")))
    with runtime.uow_factory() as uow:
        uow.reports.add(report)
        uow.commit()
    store = redis.Redis.from_url(REDIS_URL)
    try:
        def upload(criterion):
            return client.post(f"/reports/{report.id}/evidence", headers=bearer(), content_type="multipart/form-data",
                               data={"criterion": criterion, "file": (io.BytesIO(MINIMAL_PDF), "a.pdf")}).status_code

        assert [upload("1.1"), upload("1.2"), upload("1.3")] == [201, 201, 429]
        assert store.keys(f"*/{service_settings.namespace}:submission/account:acct-7/*")  # in Redis, prefixed
    finally:
        for key in store.scan_iter(f"*/{service_settings.namespace}:*"):
            store.delete(key)
        store.close()


def test_an_error_body_stays_small_whatever_the_request(tmp_path):
    _runtime, client = app_of(submission, settings("submission", tmp_path))
    unknown = {f"field_{n}": n for n in range(20_000)}
    response = client.patch(f"/reports/{uuid.uuid4()}", headers=bearer(), json={"answers": {}, **unknown})
    assert 400 <= response.status_code < 500
    assert len(response.data) < 64 * 1024, f"{len(response.data)} bytes of error for one request"
