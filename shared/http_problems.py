"""RFC 9457 problem details: every error the API returns is one of these JSON bodies."""
from __future__ import annotations

from typing import Any

PROBLEM_CONTENT_TYPE = "application/problem+json"


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str, *, errors: Any = None, type_: str = "about:blank",
                 extra: dict[str, Any] | None = None):
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.type = type_
        self.extra = extra or {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status, "detail": self.detail}
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


def not_found(what: str, key: str) -> Problem:
    return Problem(404, "Not found", f"{what} '{key}' does not exist")


def conflict(detail: str, **extra: Any) -> Problem:
    return Problem(409, "Conflict", detail, extra=extra)
