"""A web process is ready while its database answers, whatever the broker does: what it
accepts waits in the outbox (the worker's readiness is the one that follows the broker)."""
from __future__ import annotations

import pytest

from services.submission import bootstrap as submission

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
