"""A minimal writer of OLE compound files (MS-CFB version 3) for tests: what .doc and .xls
files are made of. olefile reads but cannot create them, and the tests need real ones: a
plain Word document and one carrying a VBA project (Macros/VBA/dir, _VBA_PROJECT, PROJECT),
which is how Word 97-2003 stores macros. Streams are padded to 4096 bytes so that all of them
live in regular sectors (no mini stream)."""
from __future__ import annotations

import struct

SECTOR = 512
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MIN_STREAM = 4096


def compound_file(tree: dict) -> bytes:
    """`tree`: name → bytes (a stream) or dict (a storage)."""
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "children": _entries(tree)}]
    flat = [entries[0]]
    _flatten(entries[0], flat)
    streams = [entry for entry in flat if entry["type"] == 2]
    directory_sectors = (len(flat) * 128 + SECTOR - 1) // SECTOR
    fat = [FATSECT] + _chain(1, directory_sectors)
    next_sector = 1 + directory_sectors
    for entry in streams:
        entry["data"] = entry["data"].ljust(MIN_STREAM, b"\0")
        count = (len(entry["data"]) + SECTOR - 1) // SECTOR
        entry["start"] = next_sector
        fat += _chain(next_sector, count)
        next_sector += count
    assert len(fat) <= SECTOR // 4, "one FAT sector is enough for a test file"
    fat += [FREE] * (SECTOR // 4 - len(fat))
    header = SIGNATURE + b"\0" * 16 + struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0,
                                                  MIN_STREAM, END, 0, END, 0)
    header += struct.pack("<109I", 0, *([FREE] * 108))
    directory = b"".join(_directory_entry(entry) for entry in flat).ljust(directory_sectors * SECTOR, b"\0")
    body = b"".join(entry["data"].ljust(((len(entry["data"]) + SECTOR - 1) // SECTOR) * SECTOR, b"\0")
                    for entry in streams)
    return header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory + body


def _entries(tree: dict) -> list[dict]:
    return [{"name": name, "type": 1, "children": _entries(value)} if isinstance(value, dict)
            else {"name": name, "type": 2, "data": value} for name, value in tree.items()]


def _flatten(entry: dict, flat: list) -> None:
    """Number the entries; each storage's children hang off its `child` as a right-sibling chain."""
    children = entry.get("children", [])
    for child in children:
        child["id"] = len(flat)
        flat.append(child)
    entry.setdefault("id", 0)
    entry["child"] = children[0]["id"] if children else NOSTREAM
    for left, right in zip(children, children[1:], strict=False):
        left["right"] = right["id"]
    for child in children:
        _flatten(child, flat)


def _chain(start: int, count: int) -> list[int]:
    return [start + n + 1 for n in range(count - 1)] + [END] if count else []


def _directory_entry(entry: dict) -> bytes:
    name = entry["name"].encode("utf-16-le") + b"\0\0"
    start = entry.get("start", END)
    size = len(entry["data"]) if entry["type"] == 2 else 0
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), entry["type"], 1, NOSTREAM,
                       entry.get("right", NOSTREAM), entry["child"], b"\0" * 16, 0, 0, 0, start, size)
