import datetime as dt
import hashlib
import hmac

import pytest

from services.publication.domain.webhooks import Delivery, Webhook, WebhookRefused, sign

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    expected = hmac.new(b"k", b"1700000000.{\"a\":1}", hashlib.sha256).hexdigest()
    assert sign("k", 1700000000, b'{"a":1}') == f"sha256={expected}"
    assert sign("k", 1700000001, b'{"a":1}') != sign("k", 1700000000, b'{"a":1}')


def test_a_webhook_carries_published_events_only():
    webhook = Webhook(url="https://partner.example/hook", event_types=["round.*"], created_by="a", created_at=NOW)
    assert webhook.wants("round.published") and not webhook.wants("report.published")
    with pytest.raises(WebhookRefused):
        Webhook(url="https://partner.example/hook", event_types=["report.scored"], created_by="a", created_at=NOW)
    with pytest.raises(WebhookRefused):
        Webhook(url="ftp://partner.example", event_types=["round.published"], created_by="a", created_at=NOW)


def test_failures_back_off_exponentially_then_give_up_and_a_resend_starts_again():
    delivery = Delivery(webhook_id="w", event_id="e", event_type="round.published", body="{}", now=NOW)
    for wait in (10, 20):
        delivery.record_attempt(now=NOW, status_code=500, error="HTTP 500", duration_ms=3, max_attempts=3,
                                backoff_s=10)
        assert delivery.status == "pending" and delivery.next_attempt_at == NOW + dt.timedelta(seconds=wait)
    delivery.record_attempt(now=NOW, status_code=None, error="timeout", duration_ms=3, max_attempts=3, backoff_s=10)
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    delivery.resend(now=NOW, by="admin")
    delivery.record_attempt(now=NOW, status_code=204, error="", duration_ms=3, max_attempts=3, backoff_s=10)
    assert delivery.status == "delivered" and [e["status_code"] for e in delivery.log] == [500, 500, None, None, 204]
