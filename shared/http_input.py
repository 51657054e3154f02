"""Bounds on everything that enters over HTTP, checked once at the edge before any route runs:
the body's media type and size, JSON syntax, depth and number sizes, and text that PostgreSQL
or people cannot use (NUL and other control characters, lone surrogates) in the path, the
query, form fields and every JSON string and key. Each refusal names the field it is about."""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from flask import Request

from shared.domain.errors import Bilingual, DomainError, FieldError, InvalidInput, Kind, TooLarge

MAX_JSON_BYTES = 1024 * 1024
MAX_DEPTH = 32
# 15 digits is what every client (a JavaScript number included) carries exactly.
MAX_INTEGER_DIGITS = 15
MAX_NUMBER_CHARS = 32
MAX_JSON_STRING = 20_000
MAX_JSON_KEY = 200
MAX_PARAMETER = 1_000
MAX_REPORTED = 20  # field errors in one answer: enough to fix, bounded in size
SHOWN_NAME = 60  # characters of a field name echoed back

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; lone surrogates
# (not UTF-8); the two non-characters. Single-line fields refuse \t \n \r as well (shared/http_fields).
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
JSON_TYPES = ("application/json",)
BODY_TYPES = ("multipart/form-data",)


class UnsupportedMediaType(DomainError):
    kind = Kind.UNSUPPORTED_MEDIA_TYPE


class MalformedBody(DomainError):
    kind = Kind.BAD_REQUEST
    title = Bilingual("Nội dung gửi lên không đọc được", "Malformed request body")


def shown(name: str) -> str:
    """A field name as echoed back: a huge unknown key cut, not repeated; characters that
    cannot be shown replaced (U+FFFD)."""
    name = FORBIDDEN_CHARACTERS.sub("\ufffd", name)
    return name if len(name) <= SHOWN_NAME else name[:SHOWN_NAME] + "…"


def text_problem(value: str, max_length: int) -> FieldError | None:
    """Why `value` cannot be stored as text, or None."""
    if len(value) > max_length:
        return FieldError("max_length", Bilingual(f"Dài quá {max_length} ký tự",
                                                  f"longer than {max_length} characters"))
    bad = FORBIDDEN_CHARACTERS.search(value)
    if bad:
        code = f"U+{ord(bad.group()):04X}"
        return FieldError("control_character", Bilingual(
            f"Chứa ký tự điều khiển hoặc không hợp lệ ({code}) ở vị trí {bad.start() + 1}",
            f"contains a control or invalid character ({code}) at position {bad.start() + 1}"))
    return None


def check_request(request: Request) -> None:
    """Raise a DomainError for anything the edge refuses; return quietly otherwise."""
    errors: dict[str, list[FieldError]] = {}
    for name, value in (request.view_args or {}).items():
        _collect(errors, name, value, 255)
    for name, value in request.args.items(multi=True):
        if not _collect(errors, name, name, MAX_PARAMETER):
            _collect(errors, name, value, MAX_PARAMETER)
    if request.method in ("POST", "PUT", "PATCH") and _has_body(request):
        if request.mimetype in JSON_TYPES or request.mimetype.endswith("+json"):
            _check_json(request, errors)
        elif request.mimetype in BODY_TYPES:
            for name, value in request.form.items(multi=True):
                _collect(errors, name, value, MAX_JSON_STRING)
        else:
            given = shown(request.mimetype or "(none)")
            raise UnsupportedMediaType(Bilingual(
                f"Nội dung phải ở dạng JSON (Content-Type: application/json), không phải '{given}'",
                f"send the body as JSON (Content-Type: application/json), not '{given}'"))
    if errors:
        raise _invalid(errors)


def parse_json(raw: bytes) -> Any:
    """The body as JSON, refused when it is not UTF-8 JSON or nests deeper than MAX_DEPTH.
    Numbers too long to be real answers become markers the walk reports with their field."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _malformed("encoding", Bilingual(f"Nội dung không phải UTF-8 (byte thứ {error.start + 1})",
                                               f"the body is not UTF-8 (byte {error.start + 1})")) from None
    depth = _max_depth(text)
    if depth > MAX_DEPTH:
        raise _malformed("max_depth", Bilingual(f"JSON lồng nhau quá {MAX_DEPTH} cấp",
                                                f"the JSON nests deeper than {MAX_DEPTH} levels"))
    try:
        return json.loads(text, parse_int=_integer, parse_float=_decimal_number, parse_constant=_constant)
    except json.JSONDecodeError as error:
        raise _malformed("json_syntax", Bilingual(
            f"JSON không hợp lệ ở dòng {error.lineno}, cột {error.colno}: {_SYNTAX_VI.get(error.msg, error.msg)}",
            f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}")) from None


def _has_body(request: Request) -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def _check_json(request: Request, errors: dict[str, list[FieldError]]) -> None:
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise _too_large()
    raw = request.get_data(cache=True)
    if len(raw) > MAX_JSON_BYTES:
        raise _too_large()
    if raw.strip():
        _walk(parse_json(raw), errors)


def _too_large() -> TooLarge:
    limit = MAX_JSON_BYTES // 1024
    return TooLarge(Bilingual(f"Nội dung JSON lớn hơn giới hạn {limit} KB", f"the JSON body is over {limit} KB"))


def _collect(errors: dict[str, list[FieldError]], name: str, value: str, max_length: int) -> bool:
    problem = text_problem(value, max_length)
    if problem is not None and len(errors) < MAX_REPORTED:
        errors.setdefault(shown(name), []).append(problem)
    return problem is not None


class _Refused:
    """A number the parser met that is too long or not finite; reported with its field by the walk."""

    def __init__(self, text: str):
        self.text = text


def _integer(text: str) -> int | _Refused:
    return _Refused(text) if len(text.lstrip("-")) > MAX_INTEGER_DIGITS else int(text)


def _decimal_number(text: str) -> float | _Refused:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused(text)
    value = float(text)
    return value if math.isfinite(value) else _Refused(text)


def _constant(text: str) -> _Refused:
    return _Refused(text)


def _max_depth(text: str) -> int:
    """How deep brackets nest outside strings, without recursion (a parser would overflow first)."""
    depth = deepest = 0
    for token in _STRUCTURE.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif mark in "]}":
            depth -= 1
    return deepest


# Strings (skipped whole, escapes included) or a bracket.
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def _walk(value: Any, errors: dict[str, list[FieldError]]) -> None:
    for path, item, is_key in _items(value):
        if len(errors) >= MAX_REPORTED:
            return
        if isinstance(item, _Refused):
            errors.setdefault(path, []).append(FieldError("number_size", Bilingual(
                f"Số không hợp lệ hoặc quá dài (tối đa {MAX_INTEGER_DIGITS} chữ số)",
                f"the number is not finite or too long (at most {MAX_INTEGER_DIGITS} digits)")))
        elif isinstance(item, str):
            _collect(errors, path, item, MAX_JSON_KEY if is_key else MAX_JSON_STRING)


def _items(value: Any) -> Iterator[tuple[str, Any, bool]]:
    """Every key and leaf with its dotted path ("answers.x", "requests.0.message"), iteratively."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{shown(key)}" if path else shown(key)
                yield child_path, key, True
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend((f"{path}.{index}" if path else str(index), child) for index, child in enumerate(item))
        else:
            yield path or "body", item, False


def _invalid(errors: dict[str, list[FieldError]]) -> InvalidInput:
    fields = list(errors)
    listed = ", ".join(fields[:5]) + (", …" if len(fields) > 5 else "")
    return InvalidInput(Bilingual(f"Dữ liệu không hợp lệ ở: {listed}", f"invalid input in: {listed}"), errors=errors)


def _malformed(rule: str, message: Bilingual) -> MalformedBody:
    return MalformedBody(message, errors={"body": [FieldError(rule, message)]})


_SYNTAX_VI = {
    "Expecting value": "thiếu giá trị",
    "Expecting property name enclosed in double quotes": "tên trường phải đặt trong dấu ngoặc kép",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Extra data": "thừa dữ liệu sau giá trị JSON",
    "Unterminated string starting at": "chuỗi chưa đóng ngoặc kép",
    "Invalid control character at": "ký tự điều khiển trong chuỗi",
    "Invalid \\escape": "chuỗi thoát (escape) không hợp lệ",
}
