"""The one error model: a use case refuses with a `DomainError` of a kind (not found, forbidden,
conflict, invalid input …), a problem type of its own and a message in Vietnamese and English.
The HTTP edge (`shared/http.py`) renders every one of them as an RFC 9457 problem; nothing
below the edge knows about HTTP."""
from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from shared.domain.bilingual import Bilingual

PROBLEM_TYPE_BASE = "https://cqs.hatinh.gov.vn/problems/"


@dataclasses.dataclass(frozen=True)
class FieldError:
    """What is wrong with one field: a stable rule name and the message."""

    rule: str
    message: Bilingual

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "message_vi": self.message.vi, "message_en": self.message.en}


@enum.unique  # two kinds in the same words would silently be one
class Kind(enum.Enum):
    """What sort of refusal it is, and its title: the words of a refusal that says no more than its kind.
    The edge maps each kind to its HTTP status."""

    BAD_REQUEST = "Yêu cầu không hợp lệ", "Bad request"
    UNAUTHENTICATED = "Chưa đăng nhập hoặc phiên đăng nhập không hợp lệ", "Authentication required"
    FORBIDDEN = "Không có quyền", "Forbidden"
    NOT_FOUND = "Không tìm thấy", "Not found"
    CONFLICT = "Xung đột trạng thái", "Conflict"
    TOO_LARGE = "Dữ liệu gửi lên quá lớn", "Content too large"
    UNSUPPORTED_MEDIA_TYPE = "Định dạng nội dung không được hỗ trợ", "Unsupported media type"
    INVALID = "Yêu cầu không hợp lệ", "Invalid request"
    INTERNAL = "Lỗi máy chủ", "Internal error"
    UNAVAILABLE = "Dịch vụ tạm thời không sẵn sàng", "Service unavailable"

    def __init__(self, vi: str, en: str):
        self.title = Bilingual(vi, en)


class DomainError(Exception):
    """A refusal: `slug` names its problem type (`PROBLEM_TYPE_BASE + slug`), `title` its kind in
    words, `message` this case; `errors` are per-field problems, `data` what a client needs to act
    (e.g. the current version), `retry_after_s` when trying again later should succeed.

    A subclass is a problem type of its own, its slug its class name in kebab case (`NotFound`:
    `not-found`), unless it sets `slug`: to another word, or to its parent's when it is that problem.
    Its title is its parent's, or its kind's words where it names its kind, unless it sets `title`:
    words that say more than its kind."""

    kind: ClassVar[Kind] = Kind.INVALID
    slug: ClassVar[str] = "invalid-request"
    title: ClassVar[Bilingual] = kind.title

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        if "slug" not in vars(cls):
            cls.slug = re.sub(r"(?<!^)(?=[A-Z])", "-", cls.__name__).lower()
        if "kind" in vars(cls) and "title" not in vars(cls):
            cls.title = cls.kind.title

    def __init__(self, message: Bilingual, *, errors: Mapping[str, Sequence[FieldError]] | None = None,
                 retry_after_s: int | None = None, **data: Any):
        super().__init__(message.vi)
        self.message = message
        self.errors = {field: list(items) for field, items in (errors or {}).items()}
        self.retry_after_s = retry_after_s
        self.data = data

    def __str__(self) -> str:
        return f"{self.message.vi} / {self.message.en}"

    @property
    def type_uri(self) -> str:
        return PROBLEM_TYPE_BASE + self.slug


class InvalidInput(DomainError):
    slug = DomainError.slug


class NotFound(DomainError):
    kind = Kind.NOT_FOUND


class Forbidden(DomainError):
    kind = Kind.FORBIDDEN


class Unauthenticated(DomainError):
    kind = Kind.UNAUTHENTICATED


class Conflict(DomainError):
    kind = Kind.CONFLICT


class VersionConflict(Conflict):
    """Someone else changed the record since the caller read it."""

    title = Bilingual("Dữ liệu đã được người khác cập nhật", "Changed by someone else")


class ConcurrentChange(VersionConflict):
    """Another transaction changed the record between this one's read and its write (the unit of
    work's translation of the ORM's version-counter failure)."""

    slug = VersionConflict.slug

    def __init__(self, message: Bilingual | None = None, **data: Any):
        super().__init__(message or Bilingual(
            "Người khác vừa thay đổi dữ liệu này cùng lúc; hãy tải lại và thực hiện lại",
            "someone else changed this record at the same time; reload it and try again"), **data)


class DuplicateRecord(Conflict):
    """Another transaction stored first a record this one's would duplicate (a key or a unique value):
    the unit of work's translation of the database's integrity refusal at commit."""

    slug = Conflict.slug

    def __init__(self, message: Bilingual | None = None, **data: Any):
        super().__init__(message or Bilingual(
            "Người khác vừa lưu cùng dữ liệu này; hãy tải lại và thực hiện lại",
            "someone else stored the same record at the same time; reload it and try again"), **data)


class IllegalStateChange(Conflict):
    """Something was asked to move to a state its current state cannot reach. A subclass says in words
    where a thing in each state stands (`where`) and what asking for each state is (`action`); asked for
    the state it is already in, it cannot do that again."""

    where: ClassVar[Mapping[enum.Enum, Bilingual]]
    action: ClassVar[Mapping[enum.Enum, Bilingual]]

    def __init__(self, current: enum.Enum, requested: enum.Enum):
        self.current = current
        self.requested = requested
        where, action, again = self.where[current], self.action[requested], current is requested
        super().__init__(Bilingual(f"{where.vi}, không thể {action.vi}{' lại' if again else ''}",
                                   f"{where.en}; it cannot {action.en}{' again' if again else ' now'}"),
                         status=current.value, requested=requested.value)


class TooLarge(DomainError):
    kind = Kind.TOO_LARGE


class IntegrityFailure(DomainError):
    """Stored data no longer matches what was recorded: an operator must look."""

    kind = Kind.INTERNAL
    title = Bilingual("Dữ liệu lưu trữ bị sai lệch", "Stored data altered")


class Unavailable(DomainError):
    """A part the use case needs (e.g. the antivirus) is out of reach: nothing was done; try later."""

    kind = Kind.UNAVAILABLE


def not_found(what: Bilingual, key: str) -> NotFound:
    """`what` names the thing in both languages: Bilingual("Báo cáo", "report")."""
    return NotFound(Bilingual(f"{what.vi} '{key}' không tồn tại", f"{what.en} '{key}' does not exist"))
