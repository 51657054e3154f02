"""The README's run command: `cqs run` alone (SQLite files, the in-process broker, the demo
data) serves the four services under one port, with the demo's past rounds published for anyone
to look up, and a report goes all the way through."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from cqs.demo_history import window_open
from shared.auth import Role
from shared.clock import utc_now
from shared.signing import SigningKey
from tests.support.http_flow import accept_and_verify, arrived_case, auth, call, submit_in_full
from tests.support.polling import eventually
from tests.support.processes import free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def embedded(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("CQS_")}
    env["CQS_DATA_DIR"] = str(tmp_path)
    env["PYTHONUNBUFFERED"] = "1"  # the printed accounts reach the log at once
    log = open(tmp_path / "run.log", "w")
    process = subprocess.Popen([str(Path(sys.executable).parent / "cqs"), "run", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        def up() -> bool:
            assert process.poll() is None, (tmp_path / "run.log").read_text()
            with contextlib.suppress(requests.ConnectionError, requests.Timeout):
                return requests.get(f"{url}/", timeout=2).status_code == 200
            return False

        # The first start replays the demo's past rounds through the services (cqs/demo_history.py).
        eventually(up, timeout_s=240, interval_s=0.2, what="cqs run up")
        yield url, tmp_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def test_the_embedded_system_runs_a_report_to_publication(embedded):
    url, data_dir = embedded
    assert {path.name for path in data_dir.glob("*.sqlite")} == {
        "submission.sqlite", "review.sqlite", "scoring.sqlite", "publication.sqlite", "portal.sqlite"}
    health = requests.get(f"{url}/submission/health", timeout=10)
    assert "werkzeug" not in health.headers.get("Server", "").lower() and "python" not in health.headers["Server"].lower()
    assert "Strict-Transport-Security" not in health.headers  # plain http on 127.0.0.1
    assert health.headers["X-Content-Type-Options"] == "nosniff"
    printed = (data_dir / "run.log").read_text()
    assert f"{url}/sign-in" in printed and "xa.thanhsen / demo-Ha-Tinh-2027" in printed
    assert "Đăng nhập" in requests.get(f"{url}/", timeout=10).text  # the portal's sign-in page
    key = SigningKey.load(data_dir / "signing-key.pem")  # the embedded mode's development key, as `cqs token` uses
    reporter = auth(key, Role.UNIT_REPORTER, "STC", "demo-stc")
    the_demos_past_is_published(url, reporter)
    reviewer = auth(key, Role.DEPARTMENT_REVIEWER, "SKHCN", "demo-skhcn")
    admin = auth(key, Role.ADMIN, "HT", "demo-admin")
    waiting = call("GET", f"{url}/review/queue", reviewer, params={"round_id": "2027-annual"})
    today = call("GET", f"{url}/submission/rounds/2027-annual", admin)
    sending = [kind for kind in ("province_department", "central_agency", "commune")
               if window_open(today, kind, utc_now())]
    assert waiting["counts"] == {"submitted": 2 * len(sending)}  # the first two units of each kind still sending

    [report] = call("GET", f"{url}/submission/reports", reporter, params={"round_id": "2027-annual"})
    submit_in_full(f"{url}/submission", report, reporter)
    accept_and_verify(f"{url}/review", arrived_case(f"{url}/review", report["id"], reviewer), reviewer)
    eventually(lambda: call("GET", f"{url}/submission/reports/{report['id']}", reporter),
               lambda body: body["status"] == "scored")
    call("POST", f"{url}/submission/rounds/2027-annual/close", admin)
    eventually(lambda: requests.post(f"{url}/publication/rounds/2027-annual/publish", headers=admin, timeout=10),
               lambda response: response.status_code == 201)
    results = call("GET", f"{url}/publication/results/2027-annual", {})
    assert [(item["unit_code"], item["rank"]) for item in results] == [("STC", 1)]


def the_demos_past_is_published(url: str, reporter: dict) -> None:
    """What a citizen finds at /results on a fresh demo: the past rounds' final results, every ranking
    scope with units and scores, a unit's results over the years; and a clerk finds the unit's published
    reports."""
    published = call("GET", f"{url}/publication/published-rounds", {})
    assert {(item["round_id"], item["stage"]) for item in published} == {("2022-annual", "final"),
                                                                          ("2023-annual", "final")}
    rankings = call("GET", f"{url}/publication/rounds/2023-annual/rankings", {})
    assert {ranking["scope"] for ranking in rankings} >= {"province_department", "central_agency", "district",
                                                          "commune", "commune:437"}
    standings = call("GET", f"{url}/publication/results/2023-annual", {}, params={"scope": "commune:437"})
    assert [item["rank"] for item in standings][:1] == [1] and len(standings) == 6
    assert all(float(item["total"]) > 0 and item["band"] and item["previous_total"] for item in standings)
    assert len({item["total"] for item in standings}) > 1  # each unit answered its own way
    assert [item["round_id"] for item in call("GET", f"{url}/publication/units/STC/results", {})] == [
        "2022-annual", "2023-annual"]
    assert "437" in {unit["unit_code"] for unit in call("GET", f"{url}/publication/search", {}, params={"q": "hong linh"})}
    assert {report["status"] for report in call("GET", f"{url}/submission/reports", reporter,
                                                params={"round_id": "2022-annual"})} == {"published"}
    assert "Chưa có kết quả nào được công bố" not in requests.get(f"{url}/results", timeout=10).text
