"""Exports of published results: a ranking, or one unit's result, as the province prints them.
Only published snapshots are read (as of a version, default the newest)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.publication.adapters.exports import MEDIA_TYPES, Column, Table, decimal_or_none, ranking_columns, render
from services.publication.domain.rankings import COMMUNE
from services.publication.service_layer.unit_of_work import PublicationUnitOfWork
from shared.criteria import load_catalog
from shared.domain.errors import Bilingual, not_found

SCOPE_TITLES = {"province_department": "Sở, ban, ngành", "central_agency": "Cơ quan Trung ương đóng trên địa bàn",
                "district": "UBND cấp huyện", COMMUNE: "UBND cấp xã (toàn tỉnh)"}
FORMATS = MEDIA_TYPES  # file format → media type
STAGE_TITLES = {"district": "Kết quả do UBND cấp huyện công bố", "provisional": "Kết quả tạm thời (lấy ý kiến)",
                "final": "Kết quả chính thức", "correction": "Kết quả đính chính"}


def ranking_file(uow: PublicationUnitOfWork, round_id: str, scope: str, file_format: str,
                 version: int | None = None) -> bytes:
    return render(ranking_table(uow, round_id, scope, version), file_format)


def unit_file(uow: PublicationUnitOfWork, round_id: str, unit_code: str, file_format: str,
              version: int | None = None) -> bytes:
    return render(unit_table(uow, round_id, unit_code, version), file_format)


def ranking_table(uow: PublicationUnitOfWork, round_id: str, scope: str, version: int | None = None) -> Table:
    with uow:
        current = uow.snapshots.current_scopes(round_id, version)
        if scope not in current:
            raise not_found(Bilingual("Bảng xếp hạng đã công bố", "published ranking"), f"{round_id}/{scope}")
        summary, snapshot = current[scope], current[scope]["snapshot"]
        rows = sorted(uow.snapshots.standings(round_id, version=version, scope=scope),
                      key=lambda row: (row["rank"] or 0, row["unit_code"]))
        publication = uow.rounds.get(round_id)
        names = {unit.unit_code: unit.unit_name_vi for unit in uow.units.of_round(round_id)}
    catalog = load_catalog(rows[0]["catalog_version"]) if rows else None
    group_codes = sorted({code for row in rows for code in row["groups"]}, key=_natural)
    table_rows = tuple((row["rank"], row["unit_code"], row["unit_name_vi"],
                        *(decimal_or_none(row["groups"].get(code)) for code in group_codes),
                        Decimal(row["total"]), row["band"].get("name_vi", ""), row["previous_rank"],
                        None if row["rank"] is None or row["previous_rank"] is None
                        else row["previous_rank"] - row["rank"], decimal_or_none(row["previous_total"]))
                       for row in rows)
    subtitle = [f"{_scope_title(scope, names)} — {STAGE_TITLES.get(snapshot['stage'], snapshot['stage'])}, "
                f"phiên bản {snapshot['version']}, công bố ngày {snapshot['published_at']:%d/%m/%Y}"]
    if not summary["complete"]:
        subtitle.append(_partial_note(summary))
    return Table(issuer=_issuer(catalog), title=_title(publication.year if publication else None),
                 subtitle_lines=tuple(subtitle), reference=_reference(snapshot, catalog),
                 columns=ranking_columns(group_codes), rows=table_rows, sheet_name="Xếp hạng")


def unit_table(uow: PublicationUnitOfWork, round_id: str, unit_code: str, version: int | None = None) -> Table:
    with uow:
        rows = uow.snapshots.standings(round_id, version=version, unit_code=unit_code)
        if not rows:
            raise not_found(Bilingual("Kết quả công bố của đơn vị", "published result of unit"),
                            f"{round_id}/{unit_code}")
        publication = uow.rounds.get(round_id)
        names = {unit.unit_code: unit.unit_name_vi for unit in uow.units.of_round(round_id)}
        rows.sort(key=lambda row: -len(row["scope"]))  # the narrowest ranking first
        standing = rows[0]
        decision = next((snapshot["decision_reference"] for snapshot in uow.snapshots.of_round(round_id)
                         if snapshot["version"] == standing["snapshot_version"]), None)
    catalog = load_catalog(standing["catalog_version"])
    unit_catalog = catalog.unit_type(standing["unit_type"])
    lines: list[tuple[Any, ...]] = []
    bold: set[int] = set()
    for group in unit_catalog.groups:
        bold.add(len(lines))
        lines.append((group.code, group.name.vi, group.max_points, decimal_or_none(standing["groups"].get(group.code))))
        lines += [(criterion.code, criterion.name.vi, criterion.max_points,
                   decimal_or_none(standing["criteria"].get(criterion.code))) for criterion in group.criteria]
    bold.add(len(lines))
    lines.append(("", "Tổng điểm", unit_catalog.total_max_points, Decimal(standing["total"])))
    lines.append(("", "Xếp loại", None, standing["band"].get("name_vi", "")))
    for row in rows:
        if row["rank"] is not None:
            lines.append(("", f"Xếp hạng — {_scope_title(row['scope'], names)}", None, row["rank"]))
    snapshot_line = (f"{STAGE_TITLES.get(standing['stage'], standing['stage'])}, phiên bản "
                     f"{standing['snapshot_version']}, công bố ngày {standing['published_at']:%d/%m/%Y}")
    return Table(issuer=_issuer(catalog), title=_title(publication.year if publication else None),
                 subtitle_lines=(f"{standing['unit_name_vi']} ({standing['unit_code']})", snapshot_line),
                 reference=_reference({"decision_reference": decision}, catalog),
                 columns=(Column("Mã", width=8), Column("Nhóm tiêu chí, tiêu chí", width=70),
                          Column("Điểm tối đa", numeric=True, width=12),
                          Column("Điểm đạt", numeric=True, bold=True, width=12)),
                 rows=tuple(lines), bold_rows=frozenset(bold), sheet_name="Kết quả đơn vị")


def _issuer(catalog) -> str:
    return (catalog.decision.issuer if catalog else "UBND tỉnh").upper()


def _title(year: int | None) -> str:
    return "KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG CHÍNH QUYỀN SỐ" + (f" NĂM {year}" if year else "")


def _reference(snapshot: dict[str, Any], catalog) -> str:
    if snapshot.get("decision_reference"):
        return f"(Kèm theo {snapshot['decision_reference']})"
    if catalog is None:
        return ""
    decision = catalog.decision
    number = f"số {decision.number}" if decision.number else f"năm {decision.year}"
    return f"(Theo Bộ tiêu chí ban hành kèm theo Quyết định {number} của {decision.issuer})"


def _scope_title(scope: str, names: dict[str, str]) -> str:
    if scope.startswith(f"{COMMUNE}:"):
        district = scope.split(":", 1)[1]
        return f"UBND cấp xã thuộc {names.get(district, district)}"
    return SCOPE_TITLES.get(scope, scope)


def _partial_note(summary: dict[str, Any]) -> str:
    parts = []
    if summary["missing_units"]:
        parts.append(f"thiếu {len(summary['missing_units'])} đơn vị chưa có kết quả")
    if summary["missing_districts"]:
        parts.append("các huyện chưa báo cáo: " + ", ".join(summary["missing_districts"]))
    return "Bảng xếp hạng chưa đầy đủ: " + "; ".join(parts)


def _natural(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in code.split("."))
