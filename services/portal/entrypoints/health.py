"""Liveness and readiness for the orchestrator: no sign-in, no page. The portal is ready when its
accounts' database answers (every page and every sign-in reads it); the services it calls have
their own probes."""
from __future__ import annotations

from flask import Blueprint

from services.portal.entrypoints import signed_in
from shared import health

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def alive():
    return {"status": "ok", "service": "portal"}


@blueprint.get("/ready")
def ready():
    return health.readiness({"database": signed_in.accounts().ping})
