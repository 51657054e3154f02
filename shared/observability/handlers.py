"""Event handlers as the worker runs them: each event handled in a span continuing the trace the
event carries (so its logs and the events it raises share the trace id), timed and counted; a
handler's batch `load` timed once a batch, its failure counted for each event of the batch."""
from __future__ import annotations

import dataclasses
import logging
import time

from shared.messaging.consumer import Subscription
from shared.observability import metrics, tracing

log = logging.getLogger("cqs.events")


def observed(subscription: Subscription, service: str) -> Subscription:
    handle = subscription.handle
    handler = subscription.handler_name

    def observed_handle(uow, event) -> None:
        with tracing.continuing(event.traceparent, f"{event.routing_key} → {service}.{handler}",
                                **{"messaging.message.id": event.id, "cqs.subject": event.subject}):
            started = time.perf_counter()
            try:
                handle(uow, event)
                # The events this handler raised carry its trace, even if the transaction holds more.
                uow.collect_events()
            except Exception:
                metrics.EVENTS_FAILED.labels(service, handler).inc()
                raise
            elapsed = time.perf_counter() - started
            metrics.EVENT_HANDLING_SECONDS.labels(service, handler).observe(elapsed)
            metrics.EVENTS_HANDLED.labels(service, handler).inc()
            log.info("%s handled %s %s (%s)", handler, event.routing_key, event.id, event.subject,
                     extra={"service": service, "handler": handler, "event_id": event.id, "event_type": event.type,
                            "subject": event.subject, "duration_ms": round(elapsed * 1000, 2)})

    load = subscription.load

    def observed_load(uow, events) -> None:
        started = time.perf_counter()
        try:
            load(uow, events)
        except Exception:
            # Every event of the batch failed this attempt, though no handle ran for it.
            metrics.EVENTS_FAILED.labels(service, handler).inc(len(events))
            raise
        metrics.EVENT_BATCH_LOAD_SECONDS.labels(service, handler).observe(time.perf_counter() - started)

    return dataclasses.replace(subscription, handle=observed_handle,
                               load=observed_load if load is not None else None)
