"""What a round refuses, each a domain error the HTTP layer renders as a problem, in Vietnamese and English."""
from __future__ import annotations

from shared.domain.errors import Bilingual, Conflict, FieldError, IllegalStateChange, InvalidInput, NotFound
from shared.domain.round_events import RoundStatus


class IllegalRoundTransition(IllegalStateChange):
    title = Bilingual("Kỳ báo cáo không ở trạng thái cho phép thao tác này", "Not allowed in the round's state")
    where = {
        RoundStatus.PLANNED: Bilingual("Kỳ báo cáo chưa mở", "The round is not open yet"),
        RoundStatus.OPEN: Bilingual("Kỳ báo cáo đang mở", "The round is open"),
        RoundStatus.CLOSED: Bilingual("Kỳ báo cáo đã đóng", "The round is closed"),
        RoundStatus.PUBLISHED: Bilingual("Kỳ báo cáo đã công bố kết quả", "The round is published"),
    }
    action = {
        # No step leads back to planned: asked for anything else while planned (an extension), a round cannot move.
        RoundStatus.PLANNED: Bilingual("chuyển trạng thái", "move"),
        RoundStatus.OPEN: Bilingual("mở", "be opened"),
        RoundStatus.CLOSED: Bilingual("đóng", "be closed"),
        RoundStatus.PUBLISHED: Bilingual("công bố", "be published"),
    }


class SubmissionClosed(Conflict):
    """A unit tried to submit outside its window; the message names the deadline in vi and en."""

    title = Bilingual("Ngoài thời gian nộp báo cáo", "Submission closed")

    def __init__(self, round_id: str, unit_code: str, message_vi: str, message_en: str):
        self.round_id = round_id
        self.unit_code = unit_code
        super().__init__(Bilingual(message_vi, message_en), round_id=round_id, unit_code=unit_code)


class UnitNotInScope(NotFound):
    title = Bilingual("Đơn vị không thuộc kỳ báo cáo", "Unit not in the round")

    def __init__(self, unit_code: str, round_id: str):
        super().__init__(Bilingual(f"Đơn vị '{unit_code}' không thuộc phạm vi kỳ báo cáo {round_id}",
                                   f"unit '{unit_code}' is not in the scope of round {round_id}"))


class ExcludedUnitEvaluated(Conflict):
    """The registry evaluates a unit the round's catalog excludes (the decision names it): one of the two
    data sources needs fixing before the round opens."""

    title = Bilingual("Đơn vị bị loại trừ vẫn được đánh giá", "Excluded unit evaluated")

    def __init__(self, unit_code: str, name_vi: str, catalog_version: str):
        super().__init__(
            Bilingual(f"Danh mục đơn vị đánh giá '{name_vi}' ({unit_code}) nhưng bộ tiêu chí {catalog_version} "
                      "loại trừ đơn vị này; hãy đặt evaluated: false cho đơn vị trong danh mục đơn vị",
                      f"the unit registry evaluates '{name_vi}' ({unit_code}) but catalog {catalog_version} "
                      "excludes it; set evaluated: false for it in the registry"),
            unit_code=unit_code, catalog_version=catalog_version)


class RoundChangeRefused(InvalidInput, ValueError):
    """An administrative change to a round that cannot be right (a window ending before it
    starts, a date years away, an extension before the deadline); `field` names the input."""

    rule = "invalid"

    def __init__(self, field: str, vi: str, en: str):
        message = Bilingual(vi, en)
        super().__init__(message, errors={field: [FieldError(self.rule, message)]})


class ReasonRequired(RoundChangeRefused):
    slug = RoundChangeRefused.slug
    rule = "required"
