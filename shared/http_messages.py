"""The words of the errors the libraries raise, in Vietnamese with the English alongside:
marshmallow's validation messages (per field, with a stable rule name) and werkzeug's HTTP
errors (404, 405, 413 …)."""
from __future__ import annotations

import re
from typing import Any

from flask import Request
from werkzeug.exceptions import HTTPException

from shared.domain.errors import (
    Bilingual,
    FieldError,
    Forbidden,
    Kind,
    NotFound,
    TooLarge,
    Unauthenticated,
    Unavailable,
)
from shared.http_input import MAX_REPORTED, UnsupportedMediaType, shown

# marshmallow's default messages → (rule, Vietnamese; {0}, {1} are the message's groups).
_MARSHMALLOW = [
    (r"Missing data for required field\.", "required", "Thiếu trường bắt buộc"),
    (r"Unknown field\.", "unknown_field", "Trường này không có trong yêu cầu (không được nhận)"),
    (r"Field may not be null\.", "not_null", "Không được để null"),
    (r"Not a valid string\.", "type", "Phải là chuỗi ký tự"),
    (r"Not a valid integer\.", "type", "Phải là số nguyên"),
    (r"Not a valid number\.", "type", "Phải là số"),
    (r"Not a valid boolean\.", "type", "Phải là true hoặc false"),
    (r"Not a valid mapping type\.", "type", "Phải là một đối tượng JSON"),
    (r"Not a valid list\.", "type", "Phải là một danh sách"),
    (r"Invalid input type\.", "type", "Nội dung phải là một đối tượng JSON"),
    (r"Not a valid aware datetime\.", "format",
     "Phải là thời điểm RFC 3339 có múi giờ, ví dụ 2026-11-15T00:00:00+07:00"),
    (r"Not a valid datetime\.", "format", "Phải là thời điểm RFC 3339, ví dụ 2026-11-15T00:00:00+07:00"),
    (r"Not a valid date\.", "format", "Phải là ngày dạng YYYY-MM-DD"),
    (r"Not a valid (?:UUID|uuid)\.", "format", "Phải là mã UUID"),
    (r"Special numeric values \(nan or infinity\) are not permitted\.", "finite", "Không nhận NaN hay vô cực"),
    (r"Number too large\.", "range", "Số quá lớn"),
    (r"Must be one of: (.*)\.", "one_of", "Phải là một trong các giá trị: {0}"),
    (r"Length must be between (\d+) and (\d+)\.", "length", "Độ dài phải từ {0} đến {1}"),
    (r"Shorter than minimum length (\d+)\.", "min_length", "Ngắn hơn độ dài tối thiểu {0}"),
    (r"Longer than maximum length (\d+)\.", "max_length", "Dài quá {0} ký tự"),
    (r"Length must be (\d+)\.", "length", "Độ dài phải là {0}"),
    (r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.", "range", "Phải từ {0} đến {1}"),
    (r"Must be greater than or equal to (\S+)\.", "range", "Phải lớn hơn hoặc bằng {0}"),
    (r"Must be less than or equal to (\S+)\.", "range", "Phải nhỏ hơn hoặc bằng {0}"),
    (r"Must be greater than (\S+)\.", "range", "Phải lớn hơn {0}"),
    (r"Must be less than (\S+)\.", "range", "Phải nhỏ hơn {0}"),
    (r"String does not match expected pattern\.", "pattern", "Không đúng định dạng"),
    (r"Invalid value\.", "invalid", "Giá trị không hợp lệ"),
]
_PATTERNS = [(re.compile(pattern + r"\Z"), rule, vi) for pattern, rule, vi in _MARSHMALLOW]
_LOCATION_ROOT = "_schema"


def translated(message: str) -> FieldError:
    """One marshmallow message as a FieldError; a message of our own passes through as it is."""
    for pattern, rule, vi in _PATTERNS:
        match = pattern.match(message)
        if match:
            return FieldError(rule, Bilingual(vi.format(*match.groups()), message))
    return FieldError("invalid", Bilingual(message, message))


def field_errors(messages: Any) -> dict[str, list[FieldError]]:
    """webargs' messages ({location: {field: [...]}}, nested for nested fields) as one flat map
    from dotted field path to its errors, bounded in size."""
    out: dict[str, list[FieldError]] = {}
    if isinstance(messages, dict):
        for location, per_location in messages.items():
            _flatten("" if location in ("json", "query", "form", "files", "path") else str(location),
                     per_location, out)
    else:
        _flatten("", messages, out)
    return out


def _flatten(prefix: str, messages: Any, out: dict[str, list[FieldError]]) -> None:
    if len(out) >= MAX_REPORTED:
        return
    if isinstance(messages, dict) and {"rule", "message_vi", "message_en"} <= set(messages):
        out.setdefault(prefix or "body", []).append(
            FieldError(messages["rule"], Bilingual(messages["message_vi"], messages["message_en"])))
    elif isinstance(messages, dict):
        for key, value in messages.items():
            name = prefix if key == _LOCATION_ROOT else (f"{prefix}.{shown(str(key))}" if prefix else shown(str(key)))
            _flatten(name, value, out)
    elif isinstance(messages, list):
        for item in messages:
            _flatten(prefix, item, out)
    else:
        out.setdefault(prefix or "body", []).append(translated(str(messages)))


# Werkzeug's errors: status → (problem type slug, title, detail). Where the domain refuses with the
# same problem (401, 404, 413 …), it is one problem type: its slug and title are the domain error's; a
# status that is a kind's own problem (400, 500) is titled in the kind's words.
_HTTP = {
    400: ("bad-request", Kind.BAD_REQUEST.title,
          Bilingual("Máy chủ không đọc được yêu cầu này", "the server could not read this request")),
    401: (Unauthenticated.slug, Unauthenticated.title,
          Bilingual("Cần đăng nhập: gửi kèm 'Authorization: Bearer <token>'", "send 'Authorization: Bearer <token>'")),
    403: (Forbidden.slug, Forbidden.title,
          Bilingual("Tài khoản này không được làm việc này", "this account may not do this")),
    404: (NotFound.slug, NotFound.title,
          Bilingual("Không có địa chỉ này trên dịch vụ; xem tài liệu API ở /docs",
                    "there is nothing at this address; see the API documents at /docs")),
    405: ("method-not-allowed", Bilingual("Phương thức không được hỗ trợ", "Method not allowed"),
          Bilingual("Địa chỉ này không nhận phương thức {method}", "this address does not accept {method}")),
    406: ("not-acceptable", Bilingual("Không có định dạng phù hợp", "Not acceptable"),
          Bilingual("Dịch vụ không trả về được định dạng được yêu cầu", "no representation matches the request")),
    413: (TooLarge.slug, TooLarge.title,
          Bilingual("Nội dung gửi lên lớn hơn giới hạn {limit}", "the request body is larger than {limit}")),
    414: ("uri-too-long", Bilingual("Địa chỉ quá dài", "URI too long"),
          Bilingual("Địa chỉ (URL) của yêu cầu quá dài", "the request URL is too long")),
    415: (UnsupportedMediaType.slug, UnsupportedMediaType.title,
          Bilingual("Nội dung phải ở dạng JSON (application/json)", "send the body as JSON (application/json)")),
    429: ("too-many-requests", Bilingual("Quá nhiều yêu cầu", "Too many requests"),
          Bilingual("Quá nhiều yêu cầu trong thời gian ngắn; hãy thử lại sau", "too many requests; try again later")),
    431: ("headers-too-large", Bilingual("Phần đầu yêu cầu quá lớn", "Request headers too large"),
          Bilingual("Phần đầu (headers) của yêu cầu quá lớn", "the request headers are too large")),
    500: ("internal-error", Kind.INTERNAL.title,
          Bilingual("Máy chủ gặp lỗi khi xử lý yêu cầu; hãy thử lại sau", "the server failed; try again later")),
    503: (Unavailable.slug, Unavailable.title,
          Bilingual("Dịch vụ tạm thời không sẵn sàng; hãy thử lại sau", "the service is unavailable; try again later")),
}


def for_status(error: HTTPException, request: Request) -> tuple[str, Bilingual, Bilingual]:
    code = error.code or 500
    if code not in _HTTP:
        name = error.name or "Error"
        return f"http-{code}", Bilingual(name, name), Bilingual(error.description or name, error.description or name)
    slug, title, detail = _HTTP[code]
    limit = _megabytes(request.max_content_length)
    method = shown(request.method)
    return slug, title, Bilingual(detail.vi.format(method=method, limit=limit),
                                  detail.en.format(method=method, limit=limit))


def _megabytes(size: int | None) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size else "cho phép"
