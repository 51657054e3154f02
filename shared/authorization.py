"""Deny-by-default authorization from the role table (`shared/roles.yaml`), and the unit checks
every service's use cases share.

Every request passes `authorize_request` before its view runs: a public route goes through;
any other route needs a valid token whose role the table allows for the route's operation;
a route the table does not name is refused to everyone. The use cases then check the unit
(`belongs_to`, `reviews`, `reads_everything`): a role only counts on a unit that may hold it.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

import yaml
from flask import Flask, g, request

from shared.auth import Principal, Role, current_principal
from shared.domain.errors import Bilingual, Forbidden

TABLE = Path(__file__).with_name("roles.yaml")
ROLE_NOT_PERMITTED = "role_not_permitted"
ROUTE_NOT_LISTED = "route_not_listed"
# The reviewing role a review assignment's kind calls for (the review model's ReviewerKind).
REVIEWER_ROLE_OF_KIND = {"district": Role.DISTRICT_REVIEWER, "department": Role.DEPARTMENT_REVIEWER}
UNIT_MEMBER_ROLES = frozenset({Role.UNIT_REPORTER, Role.UNIT_APPROVER})
READ_EVERYTHING_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})


@dataclasses.dataclass(frozen=True)
class Policy:
    operations_of_role: dict[Role, frozenset[str]]
    routes: dict[str, dict[str, str]]  # service → "METHOD /openapi/path" → operation
    public: dict[str, frozenset[str]]  # service (or "all") → "METHOD /path"
    event_publishers: dict[str, str]  # routing key → the one service that publishes it
    audited_operations: frozenset[str]  # successful writes recorded in the security log

    def is_public(self, service: str, route: str) -> bool:
        return route in self.public.get("all", frozenset()) or route in self.public.get(service, frozenset())

    def operation(self, service: str, route: str) -> str | None:
        return self.routes.get(service, {}).get(route)

    def allows(self, role: Role, operation: str) -> bool:
        return operation in self.operations_of_role.get(role, frozenset())

    def roles_allowed(self, operation: str) -> list[Role]:
        return [role for role, operations in self.operations_of_role.items() if operation in operations]


@functools.cache
def policy() -> Policy:
    table = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    roles = {Role(name): frozenset(entry["operations"]) for name, entry in table["roles"].items()}
    missing = set(Role) - roles.keys()
    if missing:
        raise ValueError(f"{TABLE.name} names no operations for roles {sorted(r.value for r in missing)}")
    known = set().union(*roles.values())
    for service, routes in table["routes"].items():
        unknown = {operation for operation in routes.values() if operation not in known}
        if unknown:
            raise ValueError(f"{TABLE.name}: {service} routes name operations no role has: {sorted(unknown)}")
    return Policy(roles, {service: dict(routes) for service, routes in table["routes"].items()},
                  {service: frozenset(routes) for service, routes in table["public"].items()},
                  dict(table["events"]), frozenset(table["audited_operations"]))


def current_operation(service: str) -> str | None:
    """The role table's operation of the request being handled (None for public or unknown routes)."""
    rule = request.url_rule
    if rule is None:
        return None
    method = "GET" if request.method == "HEAD" else request.method
    return policy().operation(service, f"{method} {openapi_path(rule.rule)}")


def openapi_path(flask_rule: str) -> str:
    """`/cases/<report_id>` → `/cases/{report_id}` (converters such as `<int:x>` included)."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", flask_rule)


def install(app: Flask, service: str) -> None:
    """Check every request of `service`'s app against the table before its view runs."""
    policy()  # a broken table fails at start-up, not at the first request

    @app.before_request
    def _authorize():
        authorize_request(service)


def authorize_request(service: str) -> None:
    rule = request.url_rule
    if rule is None or request.method == "OPTIONS":
        return  # Flask answers 404/405 or the allowed methods; no view runs
    method = "GET" if request.method == "HEAD" else request.method
    route = f"{method} {openapi_path(rule.rule)}"
    table = policy()
    if table.is_public(service, route):
        return
    operation = table.operation(service, route)
    if operation is None:
        raise Forbidden(Bilingual(f"Thao tác '{route}' chưa được cấp quyền cho vai trò nào",
                                  f"'{route}' is not in the role table; nobody may call it"), reason=ROUTE_NOT_LISTED)
    principal = g.principal = current_principal()
    if not table.allows(principal.role, operation):
        raise Forbidden(Bilingual(f"Vai trò '{principal.role.value}' không được thực hiện thao tác '{operation}'",
                                  f"role '{principal.role.value}' may not do '{operation}'"),
                        reason=ROLE_NOT_PERMITTED, operation=operation)


class EventRefused(Exception):
    """An event from a source that may not publish it: never handled, dead-lettered."""


def require_event_source(routing_key: str, source: str) -> None:
    """Act on an event only if it comes from the service that owns it (`/cqs/<service>`)."""
    publisher = policy().event_publishers.get(routing_key)
    if publisher is None or source != f"/cqs/{publisher}":
        raise EventRefused(f"'{routing_key}' from '{source}' is refused: only "
                           f"{'/cqs/' + publisher if publisher else 'no service'} publishes it")


# --- the unit checks the use cases share ------------------------------------------------------------

def reads_everything(principal: Principal) -> bool:
    """An admin or an auditor reads every unit's data (the table decides which operations)."""
    return principal.role in READ_EVERYTHING_ROLES


def belongs_to(principal: Principal, unit_code: str) -> bool:
    """A reporter or the approver of `unit_code` itself."""
    return principal.role in UNIT_MEMBER_ROLES and principal.unit == unit_code


def reviews(principal: Principal, reviewer_unit_code: str, reviewer_kind: str) -> bool:
    """The principal reviews for the assigned body in the role the assignment calls for: a
    `district_reviewer` token of a department (or the reverse) reviews nothing."""
    return principal.unit == reviewer_unit_code and REVIEWER_ROLE_OF_KIND.get(reviewer_kind) is principal.role


def reviewer_kind_of(principal: Principal) -> str | None:
    """The assignment kind a reviewer's role fits (None for other roles)."""
    return next((kind for kind, role in REVIEWER_ROLE_OF_KIND.items() if role is principal.role), None)
