"""Every service verifies bearer tokens against the portal's key set: a token signed by another key,
one signed with the old shared HS256 secret, or one that lives too long is refused by each of them."""
from __future__ import annotations

import datetime as dt
import importlib

import jwt
import pytest

from shared.auth import MAX_LIFETIME, Role, issue_token
from shared.config import SERVICES
from tests.support.keys import FOREIGN_KEY, TEST_KEY

pytestmark = pytest.mark.integration
# One route per service that needs a signed-in caller.
PROTECTED = {"submission": ("GET", "/reports"), "review": ("GET", "/queue"),
             "scoring": ("GET", "/scores/no-such-report"), "publication": ("POST", "/rounds/2027-annual/publish")}


@pytest.fixture
def clients(settings_for):
    apps = {}
    for service in SERVICES:
        bootstrap = importlib.import_module(f"services.{service}.bootstrap")
        runtime = bootstrap.runtime(settings_for(service))
        runtime.migrate()
        apps[service] = bootstrap.create_app(runtime).test_client()
    return apps


def _call(client, service: str, token: str):
    method, path = PROTECTED[service]
    return client.open(path, method=method, headers={"Authorization": f"Bearer {token}"})


def test_only_the_portals_key_is_trusted_by_every_service(clients):
    claims = {"iss": "cqs", "aud": "cqs-api", "sub": "a", "role": "admin", "unit": "HT",
              "iat": int(dt.datetime.now(dt.timezone.utc).timestamp()),
              "exp": int(dt.datetime.now(dt.timezone.utc).timestamp()) + 300}
    refused = {
        "another key": issue_token(FOREIGN_KEY, "a", Role.ADMIN, "HT"),
        "the old shared secret": jwt.encode(claims, "cqs-embedded-demo-secret-change-me", algorithm="HS256"),
        "too long a lifetime": issue_token(TEST_KEY, "a", Role.ADMIN, "HT", ttl=MAX_LIFETIME * 2),
    }
    for service, client in clients.items():
        for what, token in refused.items():
            response = _call(client, service, token)
            assert response.status_code == 401, f"{service} accepted a token signed with {what}"
            assert response.content_type == "application/problem+json"
        trusted = _call(client, service, issue_token(TEST_KEY, "a", Role.ADMIN, "HT"))
        assert trusted.status_code != 401, f"{service}: {trusted.get_json()}"
