"""The worker's small HTTP server on `CQS_METRICS_PORT`: `GET /metrics` for Prometheus, `GET /health`
(the process answers) and `GET /ready`. A worker is ready when its database answers and its consumer
is connected to the broker with every handler's consumer registered: unlike a web process, whose
events wait in the outbox, a worker without its broker does no work, so the orchestrator should
know it."""
from __future__ import annotations

import json
import threading
from typing import Mapping
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

from shared import health


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # probes every few seconds would flood the worker's log
        pass


def _json(start_response, status: int, body: dict) -> list[bytes]:
    reason = {200: "OK", 503: "Service Unavailable"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]


def app(registry: CollectorRegistry, service: str, probes: Mapping[str, health.Probe]):
    metrics = make_wsgi_app(registry)

    def dispatch(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/health":
            return _json(start_response, 200, {"status": "ok", "service": service})
        if path == "/ready":
            body, status = health.readiness(probes)
            return _json(start_response, status, body)
        return metrics(environ, start_response)

    return dispatch


def serve(port: int, address: str, registry: CollectorRegistry, service: str,
          probes: Mapping[str, health.Probe]) -> tuple[ThreadingWSGIServer, threading.Thread]:
    """The server in a daemon thread of its own; returns the server and its thread."""
    server = make_server(address, port, app(registry, service, probes), ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name=f"{service}-worker-http", daemon=True)
    thread.start()
    return server, thread
