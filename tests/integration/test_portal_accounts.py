"""The portal's accounts and sign-in on the real PostgreSQL (schema `portal`): first sign-in must
change the password, lock-out after repeated failures, sign-ins in the security log, the sign-in
rate limit, CSRF on every form, a disabled account and an idle session end, the admin's account
pages, and the key set the services verify tokens with."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from cqs import cli
from services.portal import bootstrap
from services.portal.adapters import orm
from services.portal.domain.accounts import LOCKOUT, MAX_FAILED_ATTEMPTS
from services.portal.settings import PortalSettings
from shared import audit_chain, http_security
from shared.auth import Role, StaticKeys, decode_token, issue_token
from shared.signing import SigningKey
from tests.browser.conftest import THREE_TIER_MODELS
from tests.support.keys import TEST_KEY

SEED = Path(__file__).resolve().parents[2] / "services" / "rounds" / "seed"

pytestmark = pytest.mark.integration
API = {service: "http://127.0.0.1:9/" + service for service in ("submission", "review", "scoring", "publication")}
GOOD_PASSWORD = "lúa-chiêm-xuân-2027"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def portal(database_url, tmp_path):
    settings = PortalSettings(database_url=database_url, api_urls=API, secret_key="test-session-key",
                              signing_key=TEST_KEY, secure_cookies=True, data_dir=tmp_path)
    bootstrap.migrate(database_url)
    accounts = bootstrap.accounts_for(database_url)
    accounts.clock = Clock()
    app = bootstrap.create_app(settings, accounts)
    return app, accounts



def sign_in(client, username: str, password: str):
    token = _token(client, "/sign-in")
    return client.post("/sign-in", data={"csrf_token": token, "username": username, "password": password})


def signed_in(app, accounts, username: str) -> FlaskClient:
    """A client of `app` signed in to a new account (`so.tc`, a reporter of STC, or `quantri`, the admin)
    whose password needs no change."""
    name, unit, role = {"so.tc": ("Sở Tài chính", "STC", Role.UNIT_REPORTER),
                        "quantri": ("Quản trị", "HT", Role.ADMIN)}[username]
    accounts.create(username, name, unit, role, GOOD_PASSWORD, must_change_password=False)
    client = app.test_client()
    sign_in(client, username, GOOD_PASSWORD)
    return client


def _token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    return match.group(1)


def test_a_new_account_must_change_its_password_first(portal):
    app, accounts = portal
    _, temporary = accounts.create("xa.kyanh", "Cán bộ xã", "18118", Role.UNIT_REPORTER)
    client = app.test_client()
    response = sign_in(client, "xa.kyanh", temporary)
    assert response.status_code == 302 and response.location.endswith("/change-password")
    cookie = client.get_cookie("cqs_session")
    assert cookie.http_only and cookie.secure and cookie.same_site == "Lax"
    assert client.get("/admin/accounts").location.endswith("/change-password")

    token = _token(client, "/change-password")
    refused = client.post("/change-password", data={"csrf_token": token, "current_password": temporary,
                                                     "new_password": "matkhau123", "confirm_password": "matkhau123"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Mật khẩu này quá phổ biến; hãy chọn mật khẩu khác." in page
    assert 'href="#new_password"' in page  # the error summary links to the field

    changed = client.post("/change-password", data={"csrf_token": token, "current_password": temporary,
                                                     "new_password": GOOD_PASSWORD, "confirm_password": GOOD_PASSWORD})
    assert changed.status_code == 302 and changed.location.endswith("/")
    assert not accounts.get(accounts.authenticate("xa.kyanh", GOOD_PASSWORD).id).must_change_password


def test_repeated_wrong_passwords_lock_the_account_until_the_cool_down_ends(portal):
    app, accounts = portal
    accounts.create("so.tc", "Sở Tài chính", "STC", Role.UNIT_REPORTER, GOOD_PASSWORD)
    client = app.test_client()
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        wrong = sign_in(client, "so.tc", "not-the-password")
        assert wrong.status_code == 401
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in wrong.get_data(as_text=True)
    locked = sign_in(client, "so.tc", "not-the-password")
    assert "tài khoản bị tạm khóa 15 phút" in locked.get_data(as_text=True)
    assert "tạm khóa" in sign_in(client, "so.tc", GOOD_PASSWORD).get_data(as_text=True)
    accounts.clock.now += LOCKOUT
    assert sign_in(client, "so.tc", GOOD_PASSWORD).status_code == 302


def test_sign_ins_failures_and_lock_outs_go_to_the_security_log(portal, database_url, monkeypatch, capsys):
    app, accounts = portal
    clerk, _ = accounts.create("so.tc", "Sở Tài chính", "STC", Role.UNIT_REPORTER, GOOD_PASSWORD)
    client = app.test_client()
    sign_in(client, "khong.co", "anything")
    for _ in range(MAX_FAILED_ATTEMPTS):
        sign_in(client, "so.tc", "not-the-password")
    sign_in(client, "so.tc", GOOD_PASSWORD)  # refused: still locked
    accounts.clock.now += LOCKOUT
    sign_in(client, "so.tc", GOOD_PASSWORD)

    engine = bootstrap.engine_for(database_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(orm.security_log).order_by(orm.security_log.c.seq)).mappings().all()
        assert audit_chain.verify(connection, orm.security_log) == []
    outcomes = [(row["kind"], row["actor"], json.loads(row["detail"]).get("reason")) for row in rows]
    assert outcomes == [("sign_in_failed", "khong.co", "bad_credentials"),
                        *[("sign_in_failed", "so.tc", "bad_credentials")] * (MAX_FAILED_ATTEMPTS - 1),
                        ("sign_in_failed", "so.tc", "locked"), ("account_locked", "so.tc", None),
                        ("sign_in_failed", "so.tc", "locked"), ("sign_in", "so.tc", None)]
    assert rows[-1]["target"] == f"account:{clerk.id}" and rows[-1]["actor_unit"] == "STC"
    assert json.loads(rows[-1]["detail"])["remote_addr"] == "127.0.0.1"
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(orm.security_log.delete())

    # The operators' check reads the portal's chain like the services' ones, and finds an edited row.
    monkeypatch.setenv("CQS_PORTAL_DATABASE_URL", database_url)
    cli.main(["audit", "verify", "portal"])
    assert f"portal: security log intact ({len(rows)} rows" in capsys.readouterr().out
    with engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE security_log DISABLE TRIGGER USER"))
        connection.execute(sa.text("UPDATE security_log SET actor = 'someone-else' WHERE seq = 2"))
        connection.execute(sa.text("ALTER TABLE security_log ENABLE TRIGGER USER"))
    with pytest.raises(SystemExit, match="tampered"):
        cli.main(["audit", "verify", "portal"])
    assert "seq 2: content does not match its hash" in capsys.readouterr().out
    engine.dispose()


def test_the_sign_in_route_is_rate_limited_per_address(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("CQS_RATE_LIMIT_ENABLED", "1")
    monkeypatch.delenv("CQS_RATE_LIMIT_STORAGE_URL", raising=False)
    settings = PortalSettings(database_url=database_url, api_urls=API, secret_key="test-session-key",
                              signing_key=TEST_KEY, secure_cookies=True, data_dir=tmp_path)
    bootstrap.migrate(database_url)
    client = bootstrap.create_app(settings, bootstrap.accounts_for(database_url)).test_client()
    for _ in range(10):  # SIGN_IN_LIMIT
        assert sign_in(client, "khong.co", "anything").status_code == 401
    refused = sign_in(client, "khong.co", "anything")
    assert refused.status_code == 429 and "Quá nhiều lần thử" in refused.get_data(as_text=True)
    assert client.get("/sign-in").status_code == 200  # only attempts count
    assert client.get("/.well-known/jwks.json").status_code == 200


def test_every_answer_carries_the_services_security_headers(portal, database_url, tmp_path):
    app, accounts = portal
    accounts.create("so.tc", "Sở Tài chính", "STC", Role.UNIT_REPORTER, GOOD_PASSWORD, must_change_password=False)
    client = app.test_client()
    page = client.get("/sign-in")
    assert page.headers["Content-Security-Policy"] == http_security.PAGE_CSP  # no inline script or style
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Strict-Transport-Security"] == http_security.HSTS
    sign_in(client, "so.tc", GOOD_PASSWORD)
    assert client.get("/change-password").headers["Cache-Control"] == "no-store"
    keys = client.get("/.well-known/jwks.json")
    assert keys.headers["Content-Security-Policy"] == http_security.API_CSP
    assert keys.headers["Cache-Control"] == "public, max-age=300"  # public keys may be cached

    embedded = PortalSettings(database_url=database_url, api_urls=API, secret_key="k", signing_key=TEST_KEY,
                              secure_cookies=False, data_dir=tmp_path)  # plain http://127.0.0.1: no HSTS
    assert "Strict-Transport-Security" not in bootstrap.create_app(embedded, accounts).test_client().get(
        "/sign-in").headers


def test_a_form_without_its_csrf_token_is_refused(portal):
    app, accounts = portal
    accounts.create("so.tc", "Sở Tài chính", "STC", Role.UNIT_REPORTER, GOOD_PASSWORD)
    client = app.test_client()
    response = client.post("/sign-in", data={"username": "so.tc", "password": GOOD_PASSWORD})
    assert response.status_code == 400 and "account_id" not in _session(client)
    assert sign_in(client, "so.tc", GOOD_PASSWORD).status_code == 302
    assert client.post("/sign-out").status_code == 400  # signed in, but no token: nothing happens
    assert client.get("/change-password").status_code == 200


def _session(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_a_disabled_account_cannot_sign_in_and_its_open_session_ends(portal):
    app, accounts = portal
    clerk, _ = accounts.create("so.tc", "Sở Tài chính", "STC", Role.UNIT_REPORTER, GOOD_PASSWORD,
                               must_change_password=False)
    client = app.test_client()
    assert sign_in(client, "so.tc", GOOD_PASSWORD).status_code == 302
    accounts.set_disabled(clerk.id, True)
    ended = client.get("/change-password")
    assert ended.status_code == 302 and "/sign-in" in ended.location and "ended=1" in ended.location
    refused = sign_in(client, "so.tc", GOOD_PASSWORD)
    assert "Tài khoản này đã bị khóa" in refused.get_data(as_text=True)


def test_an_idle_session_expires(portal):
    client = signed_in(*portal, "so.tc")
    assert client.get("/change-password").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] -= dt.timedelta(minutes=31).total_seconds()
    expired = client.get("/change-password")
    assert expired.status_code == 302 and "ended=1" in expired.location
    assert "Phiên làm việc đã hết" in client.get(expired.location).get_data(as_text=True)


def test_the_admin_creates_accounts_one_by_one_or_from_a_csv_and_disables_them(portal):
    app, accounts = portal
    client = signed_in(app, accounts, "quantri")
    token = _token(client, "/admin/accounts")
    created = client.post("/admin/accounts", data={"csrf_token": token, "one-username": "xa.thachha",
                                                   "one-display_name": "Cán bộ xã Thạch Hà", "one-unit_code": "18100",
                                                   "one-role": "unit_reporter"})
    page = created.get_data(as_text=True)
    assert created.status_code == 200 and "Đã tạo 1 tài khoản" in page
    temporary = re.search(r"<code data-temporary-password>([^<]+)</code>", page).group(1)
    assert accounts.authenticate("xa.thachha", temporary).must_change_password

    taken = client.post("/admin/accounts", data={"csrf_token": token, "one-username": "xa.thachha",
                                                 "one-display_name": "X", "one-unit_code": "1", "one-role": "admin"})
    assert taken.status_code == 400 and "Tên đăng nhập này đã có người dùng." in taken.get_data(as_text=True)

    rows = "username,display_name,unit_code,role\nxa.a,Xã A,18001,unit_reporter\nxa.b,Xã B,18002,unit_reporter\n"
    from_csv = client.post("/admin/accounts/csv", data={"csrf_token": token,
                                                        "csv-file": (io.BytesIO(rows.encode()), "accounts.csv")},
                           content_type="multipart/form-data")
    assert "Đã tạo 2 tài khoản" in from_csv.get_data(as_text=True)
    bad_rows = "username,display_name,unit_code,role\nxa.c,Xã C,18003,mayor\n"
    refused = client.post("/admin/accounts/csv", data={"csrf_token": token,
                                                       "csv-file": (io.BytesIO(bad_rows.encode()), "a.csv")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and {a.username for a in accounts.list()} == {"quantri", "xa.thachha",
                                                                                    "xa.a", "xa.b"}
    target = next(a for a in accounts.list() if a.username == "xa.a")
    client.post(f"/admin/accounts/{target.id}/disable", data={"csrf_token": token})
    assert accounts.get(target.id).disabled


def test_an_account_takes_any_unit_code_the_services_take_and_a_csv_row_over_a_limit_creates_nothing(portal):
    """The accounts table holds what the registry holds (a unit code up to 64 characters); a CSV row with a
    value longer than its column is refused by its rule, in words, before the database is reached."""
    app, accounts = portal
    client = signed_in(app, accounts, "quantri")
    token = _token(client, "/admin/accounts")
    long_code = "HT-" + "9" * 61
    accounts.create("don.vi.dai", "Đơn vị có mã dài", long_code, "unit_reporter")
    assert next(a for a in accounts.list() if a.username == "don.vi.dai").unit_code == long_code

    for row, message in (("xa.d,Xã D," + "1" * 65 + ",unit_reporter", "Nhập mã đơn vị, tối đa 64 ký tự."),
                         ("xa.d,Xã D,,unit_reporter", "Nhập mã đơn vị, tối đa 64 ký tự."),
                         ("xa.d," + "X" * 201 + ",18004,unit_reporter", "Họ và tên dài tối đa 200 ký tự."),
                         ("x" * 65 + ",Xã D,18004,unit_reporter", "Tên đăng nhập dài tối đa 64 ký tự.")):
        rows = f"username,display_name,unit_code,role\nxa.e,Xã E,18005,unit_reporter\n{row}\n"
        refused = client.post("/admin/accounts/csv", data={"csrf_token": token,
                                                           "csv-file": (io.BytesIO(rows.encode()), "a.csv")},
                              content_type="multipart/form-data")
        assert refused.status_code == 400 and message in refused.get_data(as_text=True), row
        assert {a.username for a in accounts.list()} == {"quantri", "don.vi.dai"}


def test_only_the_admin_opens_the_admin_pages(portal):
    client = signed_in(*portal, "so.tc")
    assert client.get("/admin/accounts").status_code == 403


def test_the_key_set_verifies_the_portals_tokens_and_no_other(portal):
    app, _ = portal
    document = app.test_client().get("/.well-known/jwks.json").get_json()
    assert document == {"keys": [TEST_KEY.public_jwk()]}
    assert "d" not in document["keys"][0]  # never the private half
    keys = StaticKeys(TEST_KEY)
    assert decode_token(keys, issue_token(TEST_KEY, "acct", Role.ADMIN, "HT")).unit == "HT"
    with pytest.raises(Exception, match="not valid"):
        decode_token(keys, issue_token(SigningKey.generate(), "acct", Role.ADMIN, "HT"))


@pytest.fixture
def submission_url(settings_for, tmp_path):
    """The real submission service on a port of its own (the portal reaches it over HTTP, as in production)."""
    from services.rounds.service_layer import registry
    from services.submission import bootstrap as submission

    runtime = submission.runtime(settings_for("submission"))
    runtime.migrate()
    registry.load_units(runtime.uow_factory(), [SEED / "units" / "hatinh-2021.yaml"])
    models = tmp_path / "review_models.yaml"  # the unit tree of 2021 with its reviewers kept in force
    models.write_text(THREE_TIER_MODELS)
    registry.load_review_models_file(runtime.uow_factory(), models)
    server = make_server("127.0.0.1", 0, submission.create_app(runtime), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    runtime.engine.dispose()


def test_the_admin_creates_opens_closes_rounds_and_extends_a_units_deadline(database_url, tmp_path, submission_url):
    settings = PortalSettings(database_url=database_url, api_urls={**API, "submission": submission_url},
                              secret_key="test-session-key", signing_key=TEST_KEY, secure_cookies=False,
                              data_dir=tmp_path)
    bootstrap.migrate(database_url)
    accounts = bootstrap.accounts_for(database_url)
    client = signed_in(bootstrap.create_app(settings, accounts), accounts, "quantri")
    token = _token(client, "/admin/rounds")
    assert "Tạo kỳ báo cáo" in client.get("/admin/rounds").get_data(as_text=True)

    created = client.post("/admin/rounds", data={"csrf_token": token, "round-kind": "annual_evaluation",
                                                 "round-year": "2027"}, follow_redirects=True)
    assert "Kỳ đánh giá năm 2027: đã tạo." in created.get_data(as_text=True)
    refused = client.post("/admin/rounds", data={"csrf_token": token, "round-kind": "annual_evaluation",
                                                 "round-year": "1999"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="round-year-error"' in page  # the service's rule, beside the field
    beside = re.search(r'id="round-year-error"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert beside.split("</span>")[1].strip() == "Phải từ 2000 đến 2100"  # its words only: no rule name, no English
    assert client.post("/admin/rounds", data={"round-kind": "annual_evaluation", "round-year": "2028"}
                       ).status_code == 400  # no CSRF token: nothing sent

    opened = client.post("/admin/rounds/2027-annual/open", data={"csrf_token": token}, follow_redirects=True)
    assert "Kỳ đánh giá năm 2027: đã mở." in opened.get_data(as_text=True)
    no_reason = client.post("/admin/rounds/2027-annual/extensions", data={
        "csrf_token": token, "ext-2027-annual-unit_code": "STC", "ext-2027-annual-until": "2028-04-01T17:00"})
    assert no_reason.status_code == 400 and "Ghi lý do." in no_reason.get_data(as_text=True)
    unknown = client.post("/admin/rounds/2027-annual/extensions", data={
        "csrf_token": token, "ext-2027-annual-unit_code": "KHONGCO", "ext-2027-annual-until": "2028-04-01T17:00",
        "ext-2027-annual-reason": "Mất điện"})
    assert unknown.status_code == 400 and 'class="error-message"' in unknown.get_data(as_text=True)
    extended = client.post("/admin/rounds/2027-annual/extensions", data={
        "csrf_token": token, "ext-2027-annual-unit_code": "STC", "ext-2027-annual-until": "2028-04-01T17:00",
        "ext-2027-annual-reason": "Sở bị mất điện ba ngày"}, follow_redirects=True)
    assert "Đã gia hạn cho đơn vị Sở Tài chính." in extended.get_data(as_text=True)
    # the service holds the extension, with its reason and time (17:00 in Vietnam)
    round_ = requests.get(f"{submission_url}/rounds/2027-annual",
                          headers={"Authorization": f"Bearer {issue_token(TEST_KEY, 'x', Role.ADMIN, 'HT')}"}).json()
    assert [(e["unit_code"], e["until"], e["reason"]) for e in round_["extensions"]] == [
        ("STC", "2028-04-01T17:00:00+07:00", "Sở bị mất điện ba ngày")]
    closed = client.post("/admin/rounds/2027-annual/close", data={"csrf_token": token}, follow_redirects=True)
    assert "Kỳ đánh giá năm 2027: đã đóng." in closed.get_data(as_text=True)


def test_the_portal_answers_its_probes_without_a_session_and_is_unready_without_its_database(portal, tmp_path):
    app, _accounts = portal
    client = app.test_client()
    assert client.get("/health").json == {"status": "ok", "service": "portal"}
    ready = client.get("/ready")
    assert ready.status_code == 200 and ready.json == {"status": "ready", "checks": {"database": "ok"}}
    assert client.get_cookie("cqs_session") is None

    unreachable = "postgresql+psycopg://portal_app:x@127.0.0.1:9/cqs?connect_timeout=2"
    settings = PortalSettings(database_url=unreachable, api_urls=API, secret_key="test-session-key",
                              signing_key=TEST_KEY, secure_cookies=True, data_dir=tmp_path)
    cut_off = bootstrap.create_app(settings, bootstrap.accounts_for(unreachable)).test_client()
    assert cut_off.get("/health").status_code == 200
    refused = cut_off.get("/ready")
    assert refused.status_code == 503 and refused.json["status"] == "unavailable"
    assert refused.json["checks"]["database"].startswith("unavailable: ")
