"""Evidence files (minh chứng) a unit attaches to a criterion of its report.

An upload is checked before anything is stored: a safe display name (no path), an
allowed format recognised by its content rather than its name (an office file must
really hold its office structure), not empty, not too large, not an executable.
Files are never deleted or overwritten; a new upload may supersede an earlier one of the
same criterion, which stays downloadable.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import unicodedata

from services.submission.domain import archives
from shared.domain.errors import Bilingual, FieldError, InvalidInput, TooLarge

PDF, PNG, JPEG, DOCX, XLSX, ODT, OLE = "pdf", "png", "jpeg", "docx", "xlsx", "odt", "ole"

# Extension → (format found in the content, content type served back).
EXTENSIONS = {
    "pdf": (PDF, "application/pdf"),
    "png": (PNG, "image/png"),
    "jpg": (JPEG, "image/jpeg"),
    "jpeg": (JPEG, "image/jpeg"),
    "docx": (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "odt": (ODT, "application/vnd.oasis.opendocument.text"),
    "doc": (OLE, "application/msword"),
    "xls": (OLE, "application/vnd.ms-excel"),
}
EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                         b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_NAME_LENGTH = 255
ZIP_FORMATS = frozenset({DOCX, XLSX, ODT})
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
OOXML_MAIN_PARTS = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
# Content types of macro-enabled packages, VBA projects, ActiveX controls and embedded OLE objects.
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "vbadata", "ms-office.vba", "activex", "oleobject")
ODF_SCRIPT_FOLDERS = ("Basic/", "Scripts/")
HTML_MARKERS = re.compile(rb"<\s*(?:html|script|iframe|body|svg|!doctype\s+html)[\s>/]", re.IGNORECASE)


class EvidenceRefused(InvalidInput):
    """An upload that is not accepted; `reason` is a stable code for clients, `field` the form
    field at fault."""

    title = Bilingual("Tệp minh chứng không được chấp nhận", "File refused")

    def __init__(self, reason: str, vi: str, en: str, field: str = "file"):
        message = Bilingual(vi, en)
        super().__init__(message, errors={field: [FieldError(reason, message)]}, reason=reason)
        self.reason = reason


class FileTooLarge(EvidenceRefused):
    kind = TooLarge.kind
    title = TooLarge.title


@dataclasses.dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    format: str = ""

    def with_content(self, data: bytes) -> CheckedUpload:
        """The same upload after cleaning (an image re-encoded): size and hash of what is stored."""
        return dataclasses.replace(self, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def check_upload(filename: str | None, data: bytes, *, max_bytes: int) -> CheckedUpload:
    """Accept the upload or raise EvidenceRefused saying why, in Vietnamese and English."""
    name = display_name(filename)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in EXTENSIONS:
        allowed = ", ".join(sorted(EXTENSIONS))
        raise EvidenceRefused("unsupported_type", f"Định dạng '.{extension}' không được chấp nhận; chỉ nhận: {allowed}",
                              f"'.{extension}' files are not accepted; allowed: {allowed}")
    if not data:
        raise EvidenceRefused("empty_file", f"Tệp '{name}' rỗng", f"file '{name}' is empty")
    if len(data) > max_bytes:
        raise FileTooLarge("too_large", f"Tệp '{name}' lớn hơn giới hạn {_megabytes(max_bytes)}",
                           f"file '{name}' is larger than the {_megabytes(max_bytes)} limit")
    if data.startswith(EXECUTABLE_SIGNATURES):
        raise EvidenceRefused("executable", f"Tệp '{name}' là chương trình thực thi, không phải tài liệu",
                              f"file '{name}' is an executable program, not a document")
    expected, content_type = EXTENSIONS[extension]
    found = detect_format(data)
    if found is not None and (payload := polyglot_payload(data, found)):
        raise EvidenceRefused("polyglot", f"Tệp '{name}' đồng thời là một tệp khác ({payload}); không được chấp nhận",
                              f"file '{name}' is also something else ({payload}); not accepted")
    if found != expected:
        raise EvidenceRefused(
            "content_mismatch",
            f"Nội dung tệp '{name}' không phải là tệp .{extension} hợp lệ"
            + (f" (nội dung là {found.upper()})" if found else ""),
            f"the content of '{name}' is not a valid .{extension} file"
            + (f" (it is {found.upper()})" if found else ""))
    return CheckedUpload(name, content_type, len(data), hashlib.sha256(data).hexdigest(), found)


@dataclasses.dataclass(frozen=True)
class Quota:
    """How much evidence one report may carry: uploads per criterion (superseded versions
    count: each upload is kept), files and bytes per report."""

    per_criterion: int = 20
    per_report: int = 400
    bytes_per_report: int = 2 * 1024 ** 3

    def check(self, *, criterion: str, criterion_uploads: int, report_files: int, report_bytes: int,
              size: int) -> None:
        if criterion_uploads + 1 > self.per_criterion:
            raise EvidenceRefused("quota_criterion", f"Tiêu chí {criterion} đã có {criterion_uploads} tệp minh chứng "
                                  f"(tối đa {self.per_criterion})", f"criterion {criterion} already has "
                                  f"{criterion_uploads} evidence files (at most {self.per_criterion})")
        if report_files + 1 > self.per_report or report_bytes + size > self.bytes_per_report:
            raise EvidenceRefused("quota_report", f"Báo cáo đã đủ số lượng hoặc dung lượng minh chứng tối đa "
                                  f"({self.per_report} tệp, {_megabytes(self.bytes_per_report)})",
                                  f"the report has reached its evidence quota ({self.per_report} files, "
                                  f"{_megabytes(self.bytes_per_report)})")


def display_name(filename: str | None) -> str:
    """The original name, kept for display only; a name with a path in it is refused."""
    name = unicodedata.normalize("NFC", (filename or "").strip())
    if not name:
        raise EvidenceRefused("invalid_name", "Tệp tải lên phải có tên", "the uploaded file has no name")
    if "/" in name or "\\" in name or name in (".", "..") or any(_hidden(c) for c in name):
        shown = name.encode("unicode_escape").decode("ascii")
        raise EvidenceRefused("invalid_name",
                              f"Tên tệp '{shown}' không hợp lệ: không được chứa đường dẫn, ký tự điều khiển hay ký tự "
                              "đảo chiều văn bản",
                              f"file name '{shown}' is not allowed: no paths, control or bidirectional characters")
    if len(name) > MAX_NAME_LENGTH:
        raise EvidenceRefused("invalid_name", f"Tên tệp dài quá {MAX_NAME_LENGTH} ký tự",
                              f"the file name is longer than {MAX_NAME_LENGTH} characters")
    return name


def _hidden(character: str) -> bool:
    """Control, format (bidi overrides such as U+202E, zero-width), private, unassigned, line/paragraph
    separators: characters that make a name display differently from what it is."""
    category = unicodedata.category(character)
    return category.startswith("C") or category in ("Zl", "Zp")


def detect_format(data: bytes) -> str | None:
    """The document format the bytes really are, or None. A zip-based document is read whole
    (within bounds): a macro or an embedded OLE object in it, or an archive that inflates past
    its bounds, is refused here."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(OLE_SIGNATURE):
        return OLE
    if data.startswith(b"PK\x03\x04"):
        return _office_zip_format(data)
    return None


def _office_zip_format(data: bytes) -> str | None:
    """docx/xlsx by the content types their package declares (not by part names), odt by its
    mimetype; macros are found by content type, by ODF's script folders and by content (any
    part that is an OLE compound file: a VBA project or an embedded object, whatever its name)."""
    try:
        contents = archives.read_archive(data)
    except archives.ArchiveRefused as refused:
        if refused.reason == "invalid_archive":
            return None
        raise EvidenceRefused("archive_bomb", f"Tệp nén vượt giới hạn giải nén an toàn ({refused})",
                              f"the archive inflates past the safe bounds ({refused})") from None
    declared = [content_type.lower() for content_type in contents.content_types()]
    macros = [t for t in declared if any(marker in t for marker in MACRO_CONTENT_TYPES)]
    scripts = [name for name in contents.names if name.startswith(ODF_SCRIPT_FOLDERS)]
    if macros or scripts or contents.ole_members:
        found = ", ".join(macros + scripts + list(contents.ole_members))
        raise EvidenceRefused("macro", f"Tài liệu chứa macro hoặc đối tượng nhúng ({found}); hãy lưu lại không kèm "
                                       "macro (.docx, .xlsx, .odt)",
                              f"the document holds macros or embedded objects ({found}); save it without them")
    if contents.kept.get("mimetype", b"").strip() == ODT_MIMETYPE and "content.xml" in contents.names:
        return ODT
    for found_format, main_part in OOXML_MAIN_PARTS.items():
        if main_part in declared:
            return found_format
    return None


def polyglot_payload(data: bytes, found: str) -> str | None:
    """What else a PDF, image or OLE file also is (a zip, a Windows program, a web page), or None.
    Such a file is two files at once: a viewer shows the document, another program runs the rest."""
    if found in ZIP_FORMATS:
        return None
    if b"PK\x03\x04" in data[4:] and b"PK\x05\x06" in data:
        return "zip"
    for match in re.finditer(b"MZ", data):
        pe_offset = int.from_bytes(data[match.start() + 0x3C:match.start() + 0x40] or b"\0", "little")
        if 0 < pe_offset < 4096 and data[match.start() + pe_offset:match.start() + pe_offset + 4] == b"PE\0\0":
            return "windows program"
    if b"\x7fELF" in data[4:]:
        return "linux program"
    if HTML_MARKERS.search(data):
        return "html"
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


class EvidenceFile:
    """One stored file. `version` counts the uploads of the report's criterion (1, 2, ...)."""

    def __init__(self, id: str, report_id: str, criterion: str, version: int, upload: CheckedUpload,
                 storage_key: str, uploaded_by: str, uploaded_at: dt.datetime, supersedes: str | None = None):
        self.id = id
        self.report_id = report_id
        self.criterion = criterion
        self.version = version
        self.name = upload.name
        self.content_type = upload.content_type
        self.size = upload.size
        self.sha256 = upload.sha256
        self.storage_key = storage_key
        self.uploaded_by = uploaded_by
        self.uploaded_at = uploaded_at
        self.supersedes = supersedes
        self.superseded_by: str | None = None

    def superseded(self, by_file_id: str) -> None:
        if self.superseded_by is not None:
            raise EvidenceRefused("already_superseded",
                                  f"Tệp '{self.name}' đã được thay bằng phiên bản khác",
                                  f"file '{self.name}' was already superseded")
        self.superseded_by = by_file_id

    def manifest_entry(self) -> dict:
        return {"file_id": self.id, "name": self.name, "sha256": self.sha256, "size": self.size,
                "content_type": self.content_type, "version": self.version}
