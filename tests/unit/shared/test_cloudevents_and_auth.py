import datetime as dt
import json
import time

import jwt
import pytest

from shared import cloudevents
from shared.auth import MAX_LIFETIME, PublicKeys, Role, StaticKeys, VerifiedTokens, decode_token, issue_token
from shared.domain.errors import Unauthenticated
from shared.domain.report_events import ReportReturned
from shared.signing import SigningKey, write_jwks

KEY = SigningKey.generate()
KEYS = StaticKeys(KEY)
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


def test_a_token_names_user_role_and_unit_and_its_signing_key():
    token = issue_token(KEY, "nguyen.van.a", Role.UNIT_REPORTER, "HT-SO-TC")
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "kid": KEY.kid, "typ": "JWT"}
    principal = decode_token(KEYS, token)
    assert (principal.user, principal.role, principal.unit) == ("nguyen.van.a", Role.UNIT_REPORTER, "HT-SO-TC")


def test_expired_forged_and_over_long_tokens_are_refused():
    expired = issue_token(KEY, "a", Role.ADMIN, "HT", now=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    with pytest.raises(Unauthenticated, match="expired"):
        decode_token(KEYS, expired)
    forged = issue_token(SigningKey.generate(), "a", Role.ADMIN, "HT")
    with pytest.raises(Unauthenticated, match="not valid"):
        decode_token(KEYS, forged)
    over_long = issue_token(KEY, "a", Role.ADMIN, "HT", ttl=MAX_LIFETIME + dt.timedelta(seconds=1))
    with pytest.raises(Unauthenticated, match="lives longer"):
        decode_token(KEYS, over_long)


def test_a_shared_secret_token_is_refused():
    claims = {"iss": "cqs", "aud": "cqs-api", "sub": "a", "role": "admin", "unit": "HT", "iat": 0, "exp": 2**40}
    hs256 = jwt.encode(claims, "cqs-embedded-demo-secret-change-me", algorithm="HS256", headers={"kid": KEY.kid})
    with pytest.raises(Unauthenticated, match="not valid"):
        decode_token(KEYS, hs256)


def test_the_key_set_is_fetched_again_when_a_new_key_signs(tmp_path):
    path = tmp_path / "jwks.json"
    keys = PublicKeys(write_jwks(path, KEY))
    assert decode_token(keys, issue_token(KEY, "a", Role.ADMIN, "HT")).user == "a"
    rotated = SigningKey.generate()
    write_jwks(path, rotated, KEY)
    assert decode_token(keys, issue_token(rotated, "b", Role.ADMIN, "HT")).user == "b"
    assert decode_token(keys, issue_token(KEY, "c", Role.ADMIN, "HT")).user == "c"


class SwappableKeys:
    """A key set that can be changed under the verifier, as the portal's is when a key is withdrawn."""

    def __init__(self, *keys: SigningKey):
        self.current = StaticKeys(*keys)

    def key_for(self, token: str):
        return self.current.key_for(token)


def test_a_verified_token_serves_no_longer_than_the_key_set_is_cached(monkeypatch):
    keys = SwappableKeys(KEY)
    tokens = VerifiedTokens(keys, keep_s=300)
    token = issue_token(KEY, "a", Role.ADMIN, "HT")
    assert tokens.principal(token).user == "a"
    keys.current = StaticKeys(SigningKey.generate())  # KEY withdrawn
    assert tokens.principal(token).user == "a"  # as a cached key set would still have it
    later = time.time() + 301
    monkeypatch.setattr("shared.auth.time.time", lambda: later)
    with pytest.raises(Unauthenticated, match="not valid"):
        tokens.principal(token)


def test_a_verified_token_is_refused_once_it_expires():
    tokens = VerifiedTokens(KEYS)
    expires_at = int(time.time()) + 2  # in one to two seconds
    token = issue_token(KEY, "a", Role.ADMIN, "HT", ttl=dt.timedelta(seconds=10),
                        now=dt.datetime.fromtimestamp(expires_at - 10, dt.timezone.utc))
    assert tokens.principal(token).user == "a"
    time.sleep(max(0.0, expires_at - time.time()) + 0.05)
    with pytest.raises(Unauthenticated, match="expired"):
        tokens.principal(token)
