"""People's names for the codes the APIs answer in: a unit by its code, a round by its id.

Read from the submission deployable's unit registry and round calendar (GET /units, GET /rounds) in one
call each, kept a minute by the process: a page naming fifty units makes no call of its own. The public
pages are open to anyone, so the names are read under the portal's own read-only identity (an auditor's
token that never leaves this module), not the visitor's; only names come out of it. When the services
cannot be reached the page still opens, with the codes."""
from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time

import requests
from flask import current_app
from flask_babel import get_locale

from services.portal.adapters.api_client import ApiClient, ApiError
from services.portal.entrypoints import labels
from shared.auth import Role, issue_token

log = logging.getLogger(__name__)

KEPT_S = 60.0
RETRY_AFTER_FAILURE_S = 10.0
READER = "portal-names"  # the token's subject: who read, in the services' logs


@dataclasses.dataclass(frozen=True)
class _Names:
    read_at: float
    units: dict[str, dict]
    rounds: dict[str, dict]


class _Kept:
    """The names one app has read (each app its own: tests run several, each on its own services)."""

    def __init__(self):
        self.names = _Names(read_at=float("-inf"), units={}, rounds={})
        self.reading = threading.Lock()


def _kept() -> _Kept:
    return current_app.extensions.setdefault("portal_names", _Kept())


def _read(now: float) -> _Names:
    settings = current_app.extensions["portal_settings"]
    client = ApiClient(settings.api_urls, timeout_s=5, token=lambda: issue_token(
        settings.signing_key, READER, Role.AUDITOR, READER, ttl=settings.token_lifetime))
    try:
        units = {unit["code"]: unit for unit in client.get_all("submission", "/units")}
        rounds = {round_["id"]: round_ for round_ in client.get_all("submission", "/rounds")}
    except (ApiError, requests.RequestException) as failure:
        log.warning("names of units and rounds not read (codes shown until they are): %s", failure)
        # Try again soon, keeping what was read before.
        return dataclasses.replace(_kept().names, read_at=now - KEPT_S + RETRY_AFTER_FAILURE_S)
    return _Names(now, units, rounds)


def _names(missing: str | None = None, rounds: bool = False) -> _Names:
    """The kept names; read again when a minute old, or when `missing` is not among them (a round just
    created) and the last read is more than a few seconds old."""
    kept = _kept()
    seen, now = kept.names, time.monotonic()
    age = now - seen.read_at
    unknown = missing is not None and missing not in (seen.rounds if rounds else seen.units)
    if age > KEPT_S or (unknown and age > RETRY_AFTER_FAILURE_S):
        with kept.reading:
            if kept.names is seen:  # nobody read them while this thread waited
                kept.names = _read(now)
    return kept.names


def unit_name(code: str | None) -> str:
    """The unit's name in the page's language (Vietnamese when it has no other), else its code."""
    if not code:
        return ""
    unit = _names(code).units.get(code)
    if unit is None:
        return code
    return (str(get_locale()) == "en" and unit.get("name_en")) or unit["name_vi"]


def codes_in_words(text: str) -> str:
    """`text` with each unit code or round id it quotes ('436', '2027-annual') written as the name, in quotes as
    the services' messages quote them: “Thành phố Hà Tĩnh”. A refusal's words, before a person reads them."""
    names = _names()

    def named(found: re.Match) -> str:
        code = found.group(1)
        if code in names.units:
            return f"“{unit_name(code)}”"
        if code in names.rounds:
            return f"“{round_name(code)}”"
        return found.group(0)

    return re.sub(r"'([^'\s]{1,64})'", named, text)


def rounds() -> list[dict]:
    """Every round, newest first (for a page's choice of round)."""
    return sorted(_names().rounds.values(), key=lambda round_: round_["id"], reverse=True)


def round_name(round_id: str | None) -> str:
    """The round as people name it ("Kỳ đánh giá năm 2027"), else its id."""
    if not round_id:
        return ""
    return labels.round_name(_names(round_id, rounds=True).rounds.get(round_id), round_id)
