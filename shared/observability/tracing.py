"""W3C trace context (`traceparent`) across HTTP requests and events, with OpenTelemetry.

A trace starts at the HTTP edge, from the caller's `traceparent` header or anew. Events written
to the outbox carry the trace of the request or the handler that raised them (the CloudEvents
`traceparent` extension), and a consumer handles each event in a span continuing that trace:
one trace id follows a report through the four services, in their logs too (see `logs`).

Spans are only recorded where a process sets up an exporter of its own (e.g. OTLP through
`opentelemetry-instrument`); otherwise they serve as the context that logs and events carry.
"""
from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Iterator

from opentelemetry import context, trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

HEADER = "traceparent"
# version 00: trace id and span id in lower-case hex, neither all zeros (W3C Trace Context §3.2).
_VALID = re.compile(r"^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$")
_PROPAGATOR = TraceContextTextMapPropagator()
_setup = threading.Lock()


@functools.cache
def tracer() -> trace.Tracer:
    """The process's tracer; an SDK provider is installed unless the process has one already,
    because the API's no-op provider would start no trace at the edge. Asked once: the provider
    cannot change after that, and asking it again each request re-registers a warnings filter."""
    if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        with _setup:
            if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
                trace.set_tracer_provider(TracerProvider())
    return trace.get_tracer("cqs")


def valid(traceparent: object) -> bool:
    return isinstance(traceparent, str) and _VALID.match(traceparent) is not None


def parent_context(traceparent: str | None) -> context.Context:
    """The context continuing `traceparent`, or an empty one (a new trace) if it is absent or malformed."""
    if not valid(traceparent):
        return context.Context()
    return _PROPAGATOR.extract({HEADER: traceparent}, context=context.Context())


def start_span(name: str, traceparent: str | None, kind: trace.SpanKind, **attributes) -> trace.Span:
    return tracer().start_span(name, context=parent_context(traceparent), kind=kind, attributes=attributes)


@contextlib.contextmanager
def continuing(traceparent: str | None, name: str, kind: trace.SpanKind = trace.SpanKind.CONSUMER,
               **attributes) -> Iterator[trace.Span]:
    """Run the block in a span continuing `traceparent` (a new trace without one)."""
    with tracer().start_as_current_span(name, context=parent_context(traceparent), kind=kind,
                                        attributes=attributes) as span:
        yield span


def current_traceparent() -> str | None:
    """The `traceparent` of the span in progress, to hand on to the next hop; None outside any."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get(HEADER)


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) in hex of the span in progress, for logs; None outside any."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None
    return format(span_context.trace_id, "032x"), format(span_context.span_id, "016x")
