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
import io
import unicodedata
import zipfile

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


class EvidenceRefused(InvalidInput):
    """An upload that is not accepted; `reason` is a stable code for clients, `field` the form
    field at fault."""

    slug = "evidence-refused"
    title = Bilingual("Tệp minh chứng không được chấp nhận", "File refused")

    def __init__(self, reason: str, vi: str, en: str, field: str = "file"):
        message = Bilingual(vi, en)
        super().__init__(message, errors={field: [FieldError(reason, message)]}, reason=reason)
        self.reason = reason


class FileTooLarge(EvidenceRefused):
    kind = TooLarge.kind
    slug = "file-too-large"
    title = TooLarge.title


@dataclasses.dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


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
    if found != expected:
        raise EvidenceRefused(
            "content_mismatch",
            f"Nội dung tệp '{name}' không phải là tệp .{extension} hợp lệ"
            + (f" (nội dung là {found.upper()})" if found else ""),
            f"the content of '{name}' is not a valid .{extension} file"
            + (f" (it is {found.upper()})" if found else ""))
    return CheckedUpload(name, content_type, len(data), hashlib.sha256(data).hexdigest())


def display_name(filename: str | None) -> str:
    """The original name, kept for display only; a name with a path in it is refused."""
    name = unicodedata.normalize("NFC", (filename or "").strip())
    if not name:
        raise EvidenceRefused("invalid_name", "Tệp tải lên phải có tên", "the uploaded file has no name")
    if "/" in name or "\\" in name or name in (".", "..") or any(unicodedata.category(c) == "Cc" for c in name):
        raise EvidenceRefused("invalid_name",
                              f"Tên tệp '{name}' không hợp lệ: không được chứa đường dẫn hay ký tự điều khiển",
                              f"file name '{name}' is not allowed: no paths or control characters")
    if len(name) > MAX_NAME_LENGTH:
        raise EvidenceRefused("invalid_name", f"Tên tệp dài quá {MAX_NAME_LENGTH} ký tự",
                              f"the file name is longer than {MAX_NAME_LENGTH} characters")
    return name


def detect_format(data: bytes) -> str | None:
    """The document format the bytes really are, or None."""
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
    """docx/xlsx/odt are zip archives; only their own structure counts (and no macros)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if any(entry.lower().endswith("vbaproject.bin") for entry in names):
                return None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return XLSX
            if "mimetype" in names and "content.xml" in names \
                    and archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                return ODT
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
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
