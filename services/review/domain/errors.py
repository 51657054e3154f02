"""Why the review refuses an action: each error speaks Vietnamese to the reviewer and
carries the English text and the data a client needs to show what to fix."""
from __future__ import annotations

from typing import Any

from shared.domain.errors import Bilingual, Conflict, DomainError, FieldError, Forbidden, InvalidInput


class ReviewRefused(DomainError):
    """`at` names the request field at fault (e.g. `due_date`, `values.<field>`), when one is."""

    def __init__(self, vi: str, en: str, *, at: str | None = None, rule: str = "invalid", **data: Any):
        message = Bilingual(vi, en)
        super().__init__(message, errors={at: [FieldError(rule, message)]} if at else None, **data)
        self.vi = vi
        self.en = en


class InvalidDecision(ReviewRefused, InvalidInput):
    """The decision, request or comment names something the report does not have, or lacks a reason."""

    title = Bilingual("Quyết định thẩm định không hợp lệ", "Invalid decision")


class NotUnderReview(ReviewRefused, Conflict):
    """The case is not in a state where reviewers decide criteria (e.g. waiting for the unit)."""

    title = Bilingual("Báo cáo không ở bước thẩm định", "Not under review")


class UndecidedCriteria(ReviewRefused, Conflict):
    title = Bilingual("Còn tiêu chí chưa thẩm định", "Criteria not decided")

    def __init__(self, codes: list[str]):
        listed = ", ".join(codes)
        super().__init__(f"Chưa thể xác nhận: còn {len(codes)} tiêu chí chưa thẩm định ({listed})",
                         f"cannot verify: {len(codes)} criteria are not decided yet ({listed})",
                         undecided=codes)


class MissingInputs(ReviewRefused, Conflict):
    title = Bilingual("Còn trường chưa có số liệu", "Inputs missing")

    def __init__(self, missing: list[dict[str, Any]]):
        listed = ", ".join(item["field"] for item in missing)
        super().__init__(
            f"Chưa thể xác nhận: còn {len(missing)} trường do cơ quan thẩm định hoặc hệ thống của tỉnh cung cấp "
            f"chưa có số liệu ({listed}); nhập giá trị, hoặc ghi 'không có số liệu' kèm lý do",
            f"cannot verify: {len(missing)} inputs the reviewer or a provincial system supplies have no value "
            f"({listed}); fill them, or record them as no data with a reason", missing_inputs=missing)


class ApprovalRefused(ReviewRefused, Conflict):
    """Four-eyes: nothing awaits approval, or the reviewer who verified tries to approve."""

    title = Bilingual("Không phê duyệt được", "Approval refused")


class SelfApproval(ApprovalRefused, Forbidden):
    kind = Forbidden.kind
    title = Bilingual("Cần người khác phê duyệt (bốn mắt)", "Four-eyes: approval by another reviewer required")
    def __init__(self, user: str):
        super().__init__(
            f"Người thẩm định '{user}' không thể tự phê duyệt kết quả của mình; "
            "cần một người khác cùng đơn vị phê duyệt",
            f"reviewer '{user}' cannot approve their own verification; another reviewer of the same organisation must",
            verified_by=user)
