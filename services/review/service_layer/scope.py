"""Who may see and act on a review case: the reviewers of the organisation the report is
assigned to (its district for a commune, a department for the others); an admin reads all."""
from __future__ import annotations

from shared.auth import Principal, Role
from shared.http_problems import Problem


def may_read(principal: Principal, reviewer_unit_code: str) -> bool:
    return principal.role is Role.ADMIN or (principal.is_reviewer and principal.unit == reviewer_unit_code)


def require_reader(principal: Principal, reviewer_unit_code: str, report_id: str) -> None:
    if not may_read(principal, reviewer_unit_code):
        raise _outside(principal, reviewer_unit_code, report_id)


def require_reviewer(principal: Principal, reviewer_unit_code: str, report_id: str) -> None:
    """Deciding is for the assigned organisation's reviewers only (not admins, not units)."""
    if not (principal.is_reviewer and principal.unit == reviewer_unit_code):
        raise _outside(principal, reviewer_unit_code, report_id)


def _outside(principal: Principal, reviewer_unit_code: str, report_id: str) -> Problem:
    return Problem(
        403, "Forbidden",
        f"Báo cáo '{report_id}' do đơn vị '{reviewer_unit_code}' thẩm định; tài khoản '{principal.user}' "
        f"({principal.role.value}, đơn vị '{principal.unit}') không có quyền này",
        extra={"detail_en": f"report '{report_id}' is reviewed by '{reviewer_unit_code}'; "
                            f"'{principal.user}' ({principal.role.value} of '{principal.unit}') may not do this"})
