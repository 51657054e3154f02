"""Who may see and act on a review case: the reviewers of the organisation the report is
assigned to, in the role the assignment calls for (a district reviewer for a district's
communes, a department reviewer for the reviewing department); admins and auditors read all."""
from __future__ import annotations

from shared.auth import Principal
from shared.authorization import reads_everything, reviews
from shared.domain.errors import Bilingual, Forbidden


def may_read(principal: Principal, reviewer_unit_code: str, reviewer_kind: str | None) -> bool:
    return reads_everything(principal) or (reviewer_kind is not None
                                          and reviews(principal, reviewer_unit_code, reviewer_kind))


def require_reader(principal: Principal, reviewer_unit_code: str, reviewer_kind: str | None, subject: str) -> None:
    if not may_read(principal, reviewer_unit_code, reviewer_kind):
        raise _outside(principal, reviewer_unit_code, subject)


def require_reviewer(principal: Principal, reviewer_unit_code: str, reviewer_kind: str, report_id: str) -> None:
    """Deciding is for the assigned organisation's reviewers only (not admins, not units)."""
    if not reviews(principal, reviewer_unit_code, reviewer_kind):
        raise _outside(principal, reviewer_unit_code, report_id)


def _outside(principal: Principal, reviewer_unit_code: str, subject: str) -> Forbidden:
    return Forbidden(Bilingual(
        f"'{subject}' thuộc phạm vi thẩm định của đơn vị '{reviewer_unit_code}'; tài khoản '{principal.user}' "
        f"(đơn vị '{principal.unit}') không có quyền này",
        f"'{subject}' is in the review scope of '{reviewer_unit_code}'; "
        f"'{principal.user}' ({principal.role.value} of '{principal.unit}') may not do this"))
