"""Evidence files checked by their whole content, with well-kept parsers: PDF objects (pypdf),
images decoded and re-encoded (Pillow), OLE documents (olefile, oletools' VBA parser), and an
antivirus scan through ClamAV's daemon when `CQS_CLAMD_URL` is set (tcp://host:3310 or
unix:///path/to/clamd.sock). The domain's checks (name, size, format, polyglots, archive
bounds, OOXML macros by content type) have run before; what passes here is what is stored."""
from __future__ import annotations

import io
import logging
import os
import socket
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import clamd

from services.submission.domain.evidence import JPEG, OLE, PDF, PNG, EvidenceRefused
from shared.domain.errors import Bilingual, Unavailable

if TYPE_CHECKING:
    from pypdf import PdfReader

# The parsers (pypdf, Pillow, olefile and oletools: about 20 MB) are imported by the check that
# needs them, on the first upload of their kind: a process that never inspects a file never loads them.

log = logging.getLogger(__name__)
# Keys whose presence makes a PDF run something: scripts, launched programs, files carried
# inside, rich media and XFA forms, actions on open or on events.
PDF_ACTIVE_KEYS = frozenset({"/JavaScript", "/JS", "/Launch", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia",
                             "/XFA", "/AA"})
MAX_PDF_OBJECTS = 200_000
MAX_IMAGE_PIXELS = 50_000_000  # a 7000 x 7000 scan; Pillow refuses bigger decompression bombs
OLE_STREAMS = {"application/msword": "WordDocument", "application/vnd.ms-excel": ("Workbook", "Book")}


class ContentInspector:
    """Inspect one checked upload's bytes; return the bytes to store (cleaned) or raise EvidenceRefused."""

    def __init__(self, antivirus: clamd.ClamdNetworkSocket | clamd.ClamdUnixSocket | None = None):
        self.antivirus = antivirus

    @classmethod
    def from_environment(cls) -> ContentInspector:
        return cls(antivirus_from_url(os.environ.get("CQS_CLAMD_URL", "")))

    def inspect(self, name: str, found_format: str, content_type: str, data: bytes) -> bytes:
        if found_format == PDF:
            inspect_pdf(name, data)
        elif found_format in (PNG, JPEG):
            data = reencode_image(name, found_format, data)
        elif found_format == OLE:
            inspect_ole(name, content_type, data)
        self._scan(name, data)
        return data

    def _scan(self, name: str, data: bytes) -> None:
        if self.antivirus is None:
            return  # no ClamAV configured: documented in SECURITY.md (the other checks still run)
        try:
            status, signature = self.antivirus.instream(io.BytesIO(data))["stream"]
        except (clamd.ConnectionError, OSError, socket.timeout) as error:
            log.error("antivirus unavailable: %s", error)
            raise Unavailable(Bilingual("Dịch vụ quét virus tạm thời không hoạt động; hãy tải lại sau",
                                        "the antivirus scan is unavailable; upload again later"),
                              retry_after_s=30) from error
        if status == "FOUND":
            raise _refused("malware", name, f"chứa mã độc ({signature})", f"contains malware ({signature})")


def antivirus_from_url(url: str):
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme == "tcp":
        return clamd.ClamdNetworkSocket(host=parsed.hostname or "127.0.0.1", port=parsed.port or 3310, timeout=60)
    if parsed.scheme == "unix":
        return clamd.ClamdUnixSocket(path=parsed.path, timeout=60)
    raise ValueError(f"CQS_CLAMD_URL must be tcp://host:port or unix:///path, not {url!r}")


def _refused(reason: str, name: str, vi: str, en: str) -> EvidenceRefused:
    return EvidenceRefused(reason, f"Tệp '{name}' {vi}", f"file '{name}' {en}")


# --- PDF -----------------------------------------------------------------------------------------------

def inspect_pdf(name: str, data: bytes) -> None:
    """Refuse a PDF that cannot be parsed, or whose objects carry scripts, launch actions,
    embedded files or an action run on opening (a destination to show on opening is fine)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise _refused("pdf_encrypted", name, "được mã hoá; hãy nộp bản không đặt mật khẩu",
                               "is encrypted; upload it without a password")
            found = _active_content(reader)
    except EvidenceRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as error:
        raise _refused("pdf_invalid", name, "không phải là PDF đọc được", f"is not a readable PDF ({error})") \
            from None
    if found:
        raise _refused("pdf_active_content", name, f"chứa nội dung thực thi ({found}); hãy in lại ra PDF thường",
                       f"holds active content ({found}); print it to a plain PDF again")


def _active_content(reader: PdfReader) -> str | None:
    from pypdf.generic import DictionaryObject

    for key, value in _walk(reader.trailer):
        if key in PDF_ACTIVE_KEYS:
            return key
        if key == "/OpenAction" and isinstance(value, DictionaryObject):
            return "/OpenAction"
        if key == "/S" and value in ("/JavaScript", "/Launch", "/ImportData", "/Rendition"):
            return str(value)
    return None


def _walk(root) -> Iterator[tuple[str, object]]:
    """Every (key, value) of every dictionary reachable from `root`, each object once."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            ident = (item.idnum, item.generation)
            if ident in seen:
                continue
            seen.add(ident)
            visited += 1
            if visited > MAX_PDF_OBJECTS:
                raise ValueError(f"more than {MAX_PDF_OBJECTS} objects")
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                resolved = value.get_object() if isinstance(value, IndirectObject) else value
                yield str(NameObject(key)), resolved
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)


# --- images ----------------------------------------------------------------------------------------------

def reencode_image(name: str, found_format: str, data: bytes) -> bytes:
    """Decode the whole image and store a fresh encoding of its pixels: whatever else the file
    carried (a script after the image data, metadata, a second file) is left behind."""
    from PIL import Image, UnidentifiedImageError

    pillow_format = {PNG: "PNG", JPEG: "JPEG"}[found_format]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError(f"{image.width}x{image.height}")
                image.load()
                pixels = image.convert("RGB") if pillow_format == "JPEG" and image.mode not in ("RGB", "L") \
                    else image.copy()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            ValueError, SyntaxError) as error:
        raise _refused("image_invalid", name, "không phải là ảnh đọc được", f"is not a readable image ({error})") \
            from None
    out = io.BytesIO()
    if pillow_format == "JPEG":
        pixels.save(out, "JPEG", quality=90, optimize=True)
    else:
        pixels.save(out, "PNG", optimize=True)
    return out.getvalue()


# --- OLE (.doc, .xls) --------------------------------------------------------------------------------------

def inspect_ole(name: str, content_type: str, data: bytes) -> None:
    """A real compound file with the main stream of its kind, and no VBA macros."""
    import olefile
    from oletools.olevba import VBA_Parser

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(path) for path in ole.listdir(streams=True, storages=False)}
    except (OSError, ValueError, IndexError, TypeError) as error:
        raise _refused("ole_invalid", name, "không phải là tài liệu Office (OLE) đọc được",
                       f"is not a readable Office (OLE) document ({error})") from None
    wanted = OLE_STREAMS.get(content_type, ())
    wanted = (wanted,) if isinstance(wanted, str) else wanted
    if wanted and not any(stream in streams for stream in wanted):
        raise _refused("content_mismatch", name, f"không có phần nội dung {' hoặc '.join(wanted)} của loại tệp này",
                       f"lacks the {' or '.join(wanted)} stream of its kind")
    parser = VBA_Parser(name, data=data)
    try:
        has_macros = parser.detect_vba_macros()
    finally:
        parser.close()
    if has_macros:
        raise _refused("macro", name, "chứa macro VBA; hãy lưu lại không kèm macro (.docx, .xlsx)",
                       "holds VBA macros; save it without macros (.docx, .xlsx)")
