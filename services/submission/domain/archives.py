"""Zip-based documents (docx, xlsx, odt) read with bounds: every entry is inflated streaming,
64 KiB at a time, and the reading stops as soon as the archive inflates past its bound
(in total, per entry's compression ratio, or in number of entries). Nothing is ever
inflated into memory beyond the few small parts kept for inspection."""
from __future__ import annotations

import dataclasses
import io
import re
import zipfile
import zlib

CHUNK = 64 * 1024
MAX_ENTRIES = 5_000
MAX_RATIO = 200  # inflated / compressed, for entries past RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MIN_TOTAL_BOUND = 16 * 1024 * 1024
MAX_TOTAL_BOUND = 512 * 1024 * 1024
TOTAL_PER_UPLOADED_BYTE = 50
# Parts kept (up to these sizes) for the checks that read them.
KEPT = {"[Content_Types].xml": 1024 * 1024, "mimetype": 100, "META-INF/manifest.xml": 1024 * 1024}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ArchiveRefused(ValueError):
    """A zip that is malformed or inflates past its bounds; `reason` says which."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class ArchiveContents:
    names: tuple[str, ...]
    kept: dict[str, bytes]  # the parts named in KEPT, if present
    ole_members: tuple[str, ...]  # entries whose content is an OLE compound file (macros, embedded objects)
    inflated: int

    def content_types(self) -> list[str]:
        """Every ContentType the package declares ([Content_Types].xml), read without an XML parser."""
        text = self.kept.get("[Content_Types].xml", b"").decode("utf-8", "replace")
        return re.findall(r'ContentType\s*=\s*"([^"]*)"', text)


def total_bound(uploaded_bytes: int) -> int:
    return min(MAX_TOTAL_BOUND, max(MIN_TOTAL_BOUND, TOTAL_PER_UPLOADED_BYTE * uploaded_bytes))


def read_archive(data: bytes) -> ArchiveContents:
    """Inflate every entry streaming within the bounds; raise ArchiveRefused past them."""
    bound = total_bound(len(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise ArchiveRefused("archive_bomb", f"{len(infos)} entries (at most {MAX_ENTRIES})")
            kept: dict[str, bytes] = {}
            ole_members = []
            total = 0
            for info in infos:
                if info.is_dir():
                    continue
                size, head, keep = 0, b"", KEPT.get(info.filename)
                part = bytearray()
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if len(head) < len(OLE_SIGNATURE):
                            head += chunk[:len(OLE_SIGNATURE) - len(head)]
                        if keep is not None:
                            if len(part) + len(chunk) > keep:
                                raise ArchiveRefused("archive_bomb", f"'{info.filename}' is larger than {keep} bytes")
                            part += chunk
                        if total > bound:
                            raise ArchiveRefused("archive_bomb", f"inflates past {bound} bytes")
                        if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
                            raise ArchiveRefused("archive_bomb", f"'{info.filename}' inflates more than "
                                                                 f"{MAX_RATIO} times")
                if keep is not None:
                    kept[info.filename] = bytes(part)
                if head == OLE_SIGNATURE:
                    ole_members.append(info.filename)
            return ArchiveContents(tuple(info.filename for info in infos), kept, tuple(ole_members), total)
    except ArchiveRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError,
            NotImplementedError) as error:  # RuntimeError: an encrypted entry
        raise ArchiveRefused("invalid_archive", f"not a readable zip archive: {error}") from error
