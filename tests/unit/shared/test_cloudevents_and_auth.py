import datetime as dt
import json

import pytest

from shared import cloudevents
from shared.auth import Role, decode_token, issue_token
from shared.domain.errors import Unauthenticated
from shared.domain.report_events import ReportReturned

SECRET = "unit-test-secret-of-at-least-32-bytes"
RETURNED = ReportReturned(report_id="r1", round_id="2026", unit_code="U1", comment="Bổ sung minh chứng",
                          criterion_comments={"1.1": "Thiếu kế hoạch"}, returned_by="reviewer", returned_at="t")


def test_a_domain_event_becomes_a_structured_cloudevent():
    event = cloudevents.from_event(RETURNED, "/cqs/review", now=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc))
    body = json.loads(event.to_json())
    assert body["specversion"] == "1.0"
    assert body["type"] == "vn.gov.cqs.report.returned"
    assert body["subject"] == "reports/r1"
    assert body["time"] == "2026-11-01T00:00:00Z"
    assert body["data"]["comment"] == "Bổ sung minh chứng"
    assert event.routing_key == "report.returned"
    assert cloudevents.parse(event.to_json()) == event


@pytest.mark.parametrize("body, message", [
    ("not json", "not JSON"),
    ("[]", "not a JSON object"),
    ('{"specversion": "1.0", "id": "1", "type": "t"}', "source"),
    ('{"specversion": "0.3", "id": "1", "source": "s", "type": "t"}', "specversion"),
    ('{"specversion": "1.0", "id": "1", "source": "s", "type": "t", "data": [1]}', "data"),
])
def test_malformed_cloudevents_are_refused_with_the_reason(body, message):
    with pytest.raises(cloudevents.InvalidCloudEvent, match=message):
        cloudevents.parse(body)


def test_a_token_names_user_role_and_unit():
    token = issue_token(SECRET, "nguyen.van.a", Role.UNIT_REPORTER, "HT-SO-TC")
    principal = decode_token(SECRET, token)
    assert (principal.user, principal.role, principal.unit) == ("nguyen.van.a", Role.UNIT_REPORTER, "HT-SO-TC")


def test_expired_and_forged_tokens_are_refused():
    expired = issue_token(SECRET, "a", Role.ADMIN, "HT", now=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    with pytest.raises(Unauthenticated, match="expired"):
        decode_token(SECRET, expired)
    forged = issue_token("another-secret-of-32-bytes-at-least!", "a", Role.ADMIN, "HT")
    with pytest.raises(Unauthenticated, match="not valid"):
        decode_token(SECRET, forged)
