"""A web process is ready while its database answers, whatever the broker does: what it
accepts waits in the outbox. A worker's readiness follows the broker too: without it, it does no work."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from services.review import bootstrap as review
from services.submission import bootstrap as submission
from tests.support import rabbitmq_node
from tests.support.polling import eventually
from tests.support.processes import free_port

pytestmark = pytest.mark.integration
NO_BROKER = "amqp://guest:guest@127.0.0.1:9/%2F"  # the discard port: nothing answers AMQP there


def test_the_web_process_is_ready_without_a_broker(settings_for):
    runtime = submission.runtime(settings_for("submission", broker_url=NO_BROKER))
    runtime.migrate()
    try:
        response = submission.create_app(runtime).test_client().get("/ready")
    finally:
        runtime.engine.dispose()
    assert response.status_code == 200 and response.json == {"status": "ready", "checks": {"database": "ok"}}


def _answer(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@pytest.mark.skipif(not rabbitmq_node.available(), reason="needs rabbitmq-server to start a broker of the test's own")
def test_a_worker_is_ready_only_while_it_consumes_from_its_broker(settings_for, own_rabbitmq):
    # The outage is on a broker node of the test's own: the machine's broker is never stopped.
    runtime = review.runtime(settings_for("review", broker_url=own_rabbitmq.url))
    runtime.migrate()
    consumer = runtime.consumer()
    port = free_port()
    server, _ = runtime.serve_metrics(port, "127.0.0.1", consumer=consumer)  # as `cqs worker` does
    base = f"http://127.0.0.1:{port}"
    stop = threading.Event()
    threads = []
    try:
        # Before the consumer runs: alive, not ready.
        assert _answer(f"{base}/health") == (200, {"status": "ok", "service": "review"})
        assert _answer(f"{base}/ready")[0] == 503
        threads = runtime.start_background(stop, consumer)
        ready = (200, {"status": "ready", "checks": {"database": "ok", "broker": "ok"}})
        eventually(lambda: _answer(f"{base}/ready"), lambda answer: answer == ready, what="ready while consuming")

        own_rabbitmq.stop_app()
        try:
            status, body = eventually(lambda: _answer(f"{base}/ready"), lambda answer: answer[0] == 503,
                                      what="not ready without its broker")
            assert body == {"status": "unavailable",
                            "checks": {"database": "ok", "broker": "unavailable: ConnectionError"}}
            assert _answer(f"{base}/health")[0] == 200  # alive: nothing to restart, the broker is away
        finally:
            own_rabbitmq.start_app()
        eventually(lambda: _answer(f"{base}/ready"), lambda answer: answer == ready, timeout_s=90,
                   what="ready again once the broker is back")
        assert "cqs_queue_messages" in urllib.request.urlopen(f"{base}/metrics", timeout=10).read().decode()
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)
        server.shutdown()
        runtime.engine.dispose()
