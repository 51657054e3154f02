"""Signed webhooks against a local receiver: the signature checks out, a 500 is retried after a
backoff, the admin reads the delivery log and sends a delivery again. On the real PostgreSQL and
RabbitMQ: the published events reach the webhooks through the broker, as a partner's queue would."""
from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading

import pytest

from services.publication import bootstrap as publication
from services.publication.service_layer import webhooks
from shared.auth import Role, issue_token
from shared.criteria import load_catalog
from tests.integration.test_publication_exports import UNITS, handle, scored
from tests.support.answers import complete_answers
from tests.support.keys import TEST_KEY
from tests.support.polling import eventually
from tests.support.round_events import round_closed, round_opened
from tests.support.running import running

pytestmark = pytest.mark.integration
ROUND = "2026-annual"


class Receiver(http.server.ThreadingHTTPServer):
    """A partner's endpoint: fails the first request with a 500, then accepts."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.received: list[tuple[dict, bytes, int]] = []
        self.fail_next = 1

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/cqs-events"


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the http.server API)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = 500 if self.server.fail_next > 0 else 200
        self.server.fail_next -= 1
        self.server.received.append(({k.lower(): v for k, v in self.headers.items()}, body, status))
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def service(settings_for):
    policy = webhooks.DeliveryPolicy(max_attempts=3, backoff_s=0.3)
    with running(publication.runtime(settings_for("publication"), policy)) as runtime:
        yield runtime, publication.create_app(runtime).test_client()


def verified(secret: str, headers: dict, body: bytes) -> bool:
    expected = hmac.new(secret.encode(), f"{headers['x-cqs-timestamp']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["x-cqs-signature"], f"sha256={expected}")


def test_signed_deliveries_retry_after_a_500_and_can_be_sent_again(service, receiver):
    runtime, client = service
    ADMIN = {"Authorization": f"Bearer {issue_token(TEST_KEY, 'admin', Role.ADMIN, 'HT')}"}  # noqa: N806 (fresh)
    assert client.post("/webhooks", headers=ADMIN, json={"url": receiver.url, "event_types": ["report.scored"]}
                       ).status_code == 422  # only published events go to partners
    registered = client.post("/webhooks", headers=ADMIN, json={
        "url": receiver.url, "event_types": ["round.published"], "description": "Cổng dữ liệu của tỉnh"})
    assert registered.status_code == 201, registered.json
    webhook, secret = registered.json, registered.json["secret"]
    assert "secret" not in client.get("/webhooks", headers=ADMIN).json[0]

    handle(runtime, "on_round_opened", "round.opened", round_opened(ROUND, 2026))
    answers = complete_answers(load_catalog("hatinh-2021-ref-1").unit_type("province_department"))
    for code in UNITS:
        handle(runtime, "on_report_scored", "report.scored", scored(code, answers))
    handle(runtime, "on_round_closed", "round.closed", round_closed(ROUND, 2026))
    assert client.post(f"/rounds/{ROUND}/publish", headers=ADMIN).status_code == 201

    eventually(lambda: [status for _h, _b, status in receiver.received] == [500, 200], what="a retry after the 500")
    (first_headers, first_body, _), (headers, body, _) = receiver.received
    assert first_body == body and first_headers["x-cqs-event-id"] == headers["x-cqs-event-id"]
    assert verified(secret, headers, body) and not verified("another secret", headers, body)
    event = json.loads(body)
    assert event["type"] == "vn.gov.cqs.round.published" and event["data"]["stage"] == "provisional"

    # The receiver has answered before the sender records the answer: wait for the record, not the request.
    def deliveries():
        return client.get(f"/webhooks/{webhook['id']}/deliveries", headers=ADMIN).json

    [delivery] = eventually(deliveries, lambda found: found[0]["status"] == "delivered", what="the delivery recorded")
    assert delivery["attempts"] == 2
    assert [entry["status_code"] for entry in delivery["log"]] == [500, 200]
    assert client.get(f"/webhooks/{webhook['id']}/deliveries", headers={
        "Authorization": f"Bearer {issue_token(TEST_KEY, 'u', Role.UNIT_REPORTER, 'STC')}"}).status_code == 403

    resent = client.post(f"/webhook-deliveries/{delivery['id']}/resend", headers=ADMIN)
    assert resent.status_code == 200 and resent.json["status"] == "pending"
    eventually(lambda: len(receiver.received) == 3, what="the delivery sent again")
    assert receiver.received[2][1] == body and verified(secret, receiver.received[2][0], body)
    [delivery] = eventually(deliveries, lambda found: found[0]["status"] == "delivered", what="the resend recorded")
    assert [e["status_code"] for e in delivery["log"]] == [500, 200, None, 200]
