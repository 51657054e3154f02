"""Every service web app's instrumentation: a span per request continuing the caller's
`traceparent` (or starting a trace, returned in the response's `traceparent` header), the
request's latency by route and status, one structured log line per request, and `GET /metrics`."""
from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request
from opentelemetry import context, trace

from shared.observability import logs, metrics, tracing

log = logging.getLogger("cqs.http")
UNMATCHED_ROUTE = "(unmatched)"  # a 404 for a path no route serves: one label, not one per path


def instrument(app: Flask, runtime) -> None:
    logs.install()
    service = runtime.settings.service
    registry = metrics.registry_for(runtime, queues=False)

    @app.before_request
    def _start_span() -> None:
        route = request.url_rule.rule if request.url_rule else UNMATCHED_ROUTE
        span = tracing.start_span(f"{request.method} {route}", request.headers.get(tracing.HEADER),
                                  trace.SpanKind.SERVER, **{"http.request.method": request.method, "http.route": route})
        g.cqs_span = span
        g.cqs_context_token = context.attach(trace.set_span_in_context(span))
        g.cqs_started = time.perf_counter()

    @app.after_request
    def _record(response: Response) -> Response:
        started = g.pop("cqs_started", None)
        if started is None:  # the request failed before it began
            return response
        route = request.url_rule.rule if request.url_rule else UNMATCHED_ROUTE
        elapsed = time.perf_counter() - started
        metrics.HTTP_REQUEST_SECONDS.labels(service, request.method, route, str(response.status_code)).observe(elapsed)
        traceparent = tracing.current_traceparent()
        if traceparent:
            response.headers[tracing.HEADER] = traceparent
        log.info("%s %s → %d", request.method, request.path, response.status_code,
                 extra={"service": service, "method": request.method, "route": route,
                        "status": response.status_code, "duration_ms": round(elapsed * 1000, 2)})
        return response

    @app.teardown_request
    def _end_span(_error) -> None:
        span = g.pop("cqs_span", None)
        if span is not None:
            span.end()
            context.detach(g.pop("cqs_context_token"))

    @app.get("/metrics")
    def prometheus_metrics():
        return Response(metrics.exposition(registry), mimetype="text/plain; version=0.0.4")
