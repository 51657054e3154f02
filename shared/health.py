"""Readiness as every process answers it: each check is a probe that raises when its dependency is
out of reach; ready when all pass. Web apps and the workers' small HTTP server share the shape
`{"status": "ready"|"unavailable", "checks": {name: "ok"|"unavailable: <Error>"}}`, 200 or 503."""
from __future__ import annotations

from typing import Callable, Mapping

Probe = Callable[[], None]


def check(probe: Probe) -> str:
    try:
        probe()
        return "ok"
    except Exception as exc:  # readiness reports the failure instead of raising it
        return f"unavailable: {exc.__class__.__name__}"


def readiness(probes: Mapping[str, Probe]) -> tuple[dict, int]:
    """The readiness body and its HTTP status."""
    checks = {name: check(probe) for name, probe in probes.items()}
    ok = all(value == "ok" for value in checks.values())
    return {"status": "ready" if ok else "unavailable", "checks": checks}, (200 if ok else 503)
