"""Signed webhooks for partners that cannot speak AMQP.

An admin registers a partner's URL and the events it wants (`report.published`,
`round.published`, …). Each such event becomes one delivery per matching webhook: a POST of
the CloudEvent JSON, signed with HMAC-SHA256 over `<timestamp>.<body>` with the webhook's
secret (headers `X-CQS-Timestamp`, `X-CQS-Signature: sha256=<hex>`), retried with exponential
backoff until the partner answers 2xx or the attempts run out. Every attempt is logged; an
admin reads the log and may send a delivery again.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import hmac
import secrets
import uuid
from typing import Any

from shared.domain.errors import Bilingual, InvalidInput

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
FORWARDED_EVENTS = ("report.published", "round.published")
SIGNATURE_HEADER, TIMESTAMP_HEADER = "X-CQS-Signature", "X-CQS-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>." + body): the receiver recomputes it and
    refuses an old timestamp, so a captured request cannot be replayed later."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookRefused(InvalidInput):
    title = Bilingual("Webhook không hợp lệ", "Webhook refused")

    def __init__(self, message_vi: str, message_en: str):
        super().__init__(Bilingual(message_vi, message_en))


class Webhook:
    """Aggregate root: a partner's endpoint and the event types it receives."""

    def __init__(self, *, url: str, event_types: list[str], created_by: str, created_at: dt.datetime,
                 description: str = "", secret: str | None = None):
        if not url.startswith(("https://", "http://")):
            raise WebhookRefused("Địa chỉ webhook phải là URL http(s)", "the webhook address must be an http(s) URL")
        unknown = [pattern for pattern in event_types
                   if not any(fnmatch.fnmatchcase(event, pattern) for event in FORWARDED_EVENTS)]
        if not event_types or unknown:
            raise WebhookRefused(f"Loại sự kiện gửi qua webhook: {', '.join(FORWARDED_EVENTS)}",
                                 f"webhooks carry {', '.join(FORWARDED_EVENTS)}; unknown: {', '.join(unknown)}")
        self.id = str(uuid.uuid4())
        self.url = url
        self.event_types = sorted(set(event_types))
        self.description = description
        self.secret = secret or secrets.token_urlsafe(32)
        self.active = True
        self.created_by = created_by
        self.created_at = created_at
        self.events: list = []

    def wants(self, routing_key: str) -> bool:
        """Event types are routing keys or patterns with `*` (`report.*`)."""
        return self.active and any(fnmatch.fnmatchcase(routing_key, pattern) for pattern in self.event_types)


class Delivery:
    """One event for one webhook, with the log of every attempt."""

    def __init__(self, *, webhook_id: str, event_id: str, event_type: str, body: str, now: dt.datetime):
        self.id = str(uuid.uuid4())
        self.webhook_id = webhook_id
        self.event_id = event_id
        self.event_type = event_type
        self.body = body
        self.status = PENDING
        self.attempts = 0
        self.next_attempt_at: dt.datetime | None = now
        self.created_at = now
        self.delivered_at: dt.datetime | None = None
        self.log: list[dict[str, Any]] = []
        self.events: list = []

    def record_attempt(self, *, now: dt.datetime, status_code: int | None, error: str, duration_ms: int,
                       max_attempts: int, backoff_s: float) -> None:
        """After an attempt: delivered on 2xx; otherwise retried after backoff_s · 2^(attempts-1),
        and failed once `max_attempts` attempts have been made."""
        self.attempts += 1
        ok = status_code is not None and 200 <= status_code < 300
        self.log = [*self.log, {"attempt": len(self.log) + 1, "at": now.isoformat(), "status_code": status_code,
                                "error": error[:500], "duration_ms": duration_ms}]
        if ok:
            self.status, self.delivered_at, self.next_attempt_at = DELIVERED, now, None
        elif self.attempts >= max_attempts:
            self.status, self.next_attempt_at = FAILED, None
        else:
            self.next_attempt_at = now + dt.timedelta(seconds=backoff_s * 2 ** (self.attempts - 1))

    def resend(self, *, now: dt.datetime, by: str) -> None:
        """An admin sends it again now (after a partner fixed its endpoint); the log is kept."""
        self.status, self.next_attempt_at, self.attempts = PENDING, now, 0  # a fresh set of retries
        self.log = [*self.log, {"attempt": len(self.log) + 1, "at": now.isoformat(), "status_code": None,
                                "error": f"re-send requested by {by}", "duration_ms": 0}]
