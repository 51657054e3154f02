"""What each service's HTTP side writes to its security log (`shared/audit_chain.py`):
refused tokens (401), permission denials (403), rate-limit refusals (429), every successful
write by an admin and the audited operations of the role table (publications, submissions,
review decisions...). Reads, draft saves and uploads are not logged. The row is written in a
transaction of its own, after the request's own one."""
from __future__ import annotations

import hashlib
import logging

from flask import Flask, Response, current_app, g, request

from shared import audit_chain, authorization
from shared.auth import Role

log = logging.getLogger(__name__)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSALS = {401: "auth.token_refused", 403: "access.denied", 429: "access.rate_limited"}


def install(app: Flask) -> None:
    @app.after_request
    def _record(response: Response) -> Response:
        kind = REFUSALS.get(response.status_code)
        if kind is None and request.method in WRITE_METHODS and response.status_code < 400 and _audited():
            kind = "action"
        if kind is not None:
            try:
                record(kind, response)
            except Exception:  # the security log must never turn an answer into a 500; the failure is logged
                log.exception("could not write the security log")
        return response


def _audited() -> bool:
    principal = g.get("principal")
    if principal is not None and principal.role is Role.ADMIN:
        return True
    service = current_app.extensions["cqs_runtime"].settings.service
    return authorization.current_operation(service) in authorization.policy().audited_operations


def record(kind: str, response: Response) -> None:
    runtime = current_app.extensions["cqs_runtime"]
    principal = g.get("principal")
    rule = request.url_rule.rule if request.url_rule else request.path
    body = request.get_data(cache=True) if request.mimetype == "application/json" else b""
    entry = audit_chain.Entry(
        kind=kind, outcome=str(response.status_code), target=request.path[:255],
        actor=principal.user if principal else "", actor_role=principal.role.value if principal else "",
        actor_unit=principal.unit if principal else "", operation=f"{request.method} {rule}",
        detail={"remote_addr": request.remote_addr, "body_sha256": hashlib.sha256(body).hexdigest() if body else None,
                "problem": _problem_title(response)})
    audit_chain.append(runtime.engine, runtime.security_log, [entry])


def _problem_title(response: Response) -> str | None:
    if response.status_code < 400 or not response.is_json:
        return None
    return (response.get_json(silent=True) or {}).get("title")
