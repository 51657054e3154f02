"""Small helpers for tests that drive running services over real HTTP."""
from __future__ import annotations

import requests

from shared.auth import MAX_LIFETIME, Role, issue_token
from shared.signing import SigningKey


def auth(key: SigningKey, role: Role, unit: str, user: str = "e2e") -> dict[str, str]:
    # Built once per test module, so it lives as long as the services allow.
    return {"Authorization": f"Bearer {issue_token(key, user, role, unit, ttl=MAX_LIFETIME)}"}


def call(method: str, url: str, headers: dict, expected: int = 200, **kwargs) -> dict | list:
    response = requests.request(method, url, headers=headers, timeout=30, **kwargs)
    assert response.status_code == expected, f"{method} {url}: {response.status_code} {response.text}"
    return response.json()


