"""The portal's only way into the four services: their public HTTP APIs, called with a short-lived
token naming the signed-in person (never a shortcut into their tables)."""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

import requests

SERVICES = ("submission", "review", "scoring", "publication")
WORDED = ("title", "title_en", "detail", "detail_en", "detail_vi")  # a problem's members people read


class ApiError(Exception):
    """A service answered with an error; `problem` is its RFC 9457 body (title, detail, per-field errors)."""

    def __init__(self, status: int, problem: dict[str, Any]):
        super().__init__(f"{status}: {problem.get('detail') or problem.get('title')}")
        self.status = status
        self.problem = problem

    @property
    def detail(self) -> str:
        return str(self.problem.get("detail_vi") or self.problem.get("detail") or self.problem.get("title") or "")

    def reworded(self, change: Callable[[str], str]) -> ApiError:
        """The same refusal with `change` applied to each text meant for people (detail, title, each field's
        messages): e.g. the input keys a message names turned into their labels."""

        def texts(value):
            if isinstance(value, str):
                return change(value)
            if isinstance(value, list):
                return [texts(item) for item in value]
            if isinstance(value, dict):
                return {key: item if key == "rule" else texts(item) for key, item in value.items()}
            return value

        problem = {key: change(value) if key in WORDED and isinstance(value, str) else value
                   for key, value in self.problem.items()}
        if isinstance(problem.get("errors"), dict):
            problem["errors"] = {field: texts(messages) for field, messages in problem["errors"].items()}
        return ApiError(self.status, problem)

    def field_errors(self, lang: str = "vi") -> dict[str, str]:
        """Per-field messages in `lang` (Vietnamese where a message has no other), one string each, keyed by the
        field names as the API gives them; a message's rule name is for programs and is left out."""
        return {field: " ".join(_messages(messages, lang))
                for field, messages in (self.problem.get("errors") or {}).items()}


def _messages(messages, lang: str) -> list[str]:
    if isinstance(messages, dict):
        if "message_vi" in messages:  # {rule, message_vi, message_en}
            return [str(messages.get(f"message_{lang}") or messages["message_vi"])]
        return [text for value in messages.values() for text in _messages(value, lang)]
    if isinstance(messages, list):
        return [text for message in messages for text in _messages(message, lang)]
    return [str(messages)]


@dataclasses.dataclass
class ApiClient:
    """Calls on behalf of one person: `token()` mints a fresh short-lived bearer token for them."""

    urls: dict[str, str]
    token: Callable[[], str] | None
    session: requests.Session = dataclasses.field(default_factory=requests.Session)
    timeout_s: float = 30

    def request(self, method: str, service: str, path: str, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token()}"
        headers.setdefault("Accept-Language", "vi")
        url = kwargs.pop("url", None) or f"{self.urls[service]}{path}"
        response = self.session.request(method, url, headers=headers, timeout=self.timeout_s, **kwargs)
        if response.status_code >= 400:
            try:
                problem = response.json()
            except ValueError:
                problem = {"title": response.reason, "detail": response.text[:500]}
            raise ApiError(response.status_code, problem if isinstance(problem, dict) else {"detail": str(problem)})
        return response

    def get(self, service: str, path: str, **params) -> Any:
        given = {name: value for name, value in params.items() if value not in (None, "")}
        return self.request("GET", service, path, params=given).json()

    def get_all(self, service: str, path: str, **params) -> list:
        """Every item of a paged list: its pages in turn, following the RFC 8288 `next` links."""
        given = {name: value for name, value in params.items() if value not in (None, "")}
        response = self.request("GET", service, path, params={**given, "page_size": 500})
        items = list(response.json())
        while "next" in response.links:
            response = self.request("GET", service, "", url=response.links["next"]["url"])
            items.extend(response.json())
        return items

    def send(self, method: str, service: str, path: str, json: Any = None, **kwargs) -> Any:
        response = self.request(method, service, path, json=json, **kwargs)
        return response.json() if response.content else None

    def raw(self, service: str, path: str) -> requests.Response:
        return self.request("GET", service, path, stream=True)
