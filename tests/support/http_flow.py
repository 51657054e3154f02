"""Small helpers for tests that drive running services over real HTTP."""
from __future__ import annotations

import requests

from shared.auth import Role, issue_token


def auth(secret: str, role: Role, unit: str, user: str = "e2e") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(secret, user, role, unit)}"}


def call(method: str, url: str, headers: dict, expected: int = 200, **kwargs) -> dict | list:
    response = requests.request(method, url, headers=headers, timeout=30, **kwargs)
    assert response.status_code == expected, f"{method} {url}: {response.status_code} {response.text}"
    return response.json()


