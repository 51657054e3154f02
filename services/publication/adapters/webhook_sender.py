"""POST a signed event to a partner's endpoint (the standard library's HTTP client: one request,
a timeout, no redirects followed)."""
from __future__ import annotations

import time
import urllib.error
import urllib.request

from services.publication.domain.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a partner's endpoint answers itself
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_signed(url: str, body: str, secret: str, event_id: str, *, timeout_s: float = 10.0,
                now: float | None = None) -> tuple[int | None, str, int]:
    """(HTTP status or None, error text, duration in ms)."""
    timestamp = int(now if now is not None else time.time())
    payload = body.encode("utf-8")
    request = urllib.request.Request(url, data=payload, method="POST", headers={
        "Content-Type": "application/cloudevents+json; charset=utf-8", "User-Agent": "CQS-webhooks/1",
        TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, payload),
        "X-CQS-Event-Id": event_id})
    started = time.monotonic()
    try:
        with _OPENER.open(request, timeout=timeout_s) as response:
            return response.status, "", _ms(started)
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}", _ms(started)
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, f"{error.__class__.__name__}: {error}", _ms(started)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
