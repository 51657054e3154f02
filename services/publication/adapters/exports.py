"""Published results as files people open: XLSX laid out as the province's tables, CSV for
spreadsheets (UTF-8 with BOM, formula-like cells neutralised) and a printable PDF with the
province's header and the decision's reference. Each renders one `Table`."""
from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from shared.csv_safety import safe_csv

# openpyxl and fpdf2 (with Pillow and the Roboto fonts: about 25 MB) are imported by the export that
# uses them, on the first download of its format: the worker and a web process serving no export never load them.

NATIONAL_MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


@dataclasses.dataclass(frozen=True)
class Column:
    header: str
    numeric: bool = False
    bold: bool = False  # e.g. the total column of a ranking
    width: float = 14  # in characters (XLSX) and a share of the page (PDF)


@dataclasses.dataclass(frozen=True)
class Table:
    issuer: str  # "UBND TỈNH HÀ TĨNH"
    title: str
    subtitle_lines: tuple[str, ...]
    reference: str  # "Kèm theo Quyết định số …"
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    bold_rows: frozenset[int] = frozenset()  # e.g. group subtotals and the total of a unit's result
    sheet_name: str = "Kết quả"


def render(table: Table, file_format: str) -> bytes:
    return {"xlsx": to_xlsx, "csv": to_csv, "pdf": to_pdf}[file_format](table)


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = table.sheet_name[:31]
    width = len(table.columns)
    heading = [table.issuer, table.title, *table.subtitle_lines, table.reference]
    for line, text in enumerate(heading, start=1):
        sheet.cell(row=line, column=1, value=text).font = Font(bold=line <= 2)
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
        sheet.cell(row=line, column=1).alignment = Alignment(horizontal="center")
    header_row = len(heading) + 2
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for offset, row in enumerate(table.rows):
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = sheet.cell(row=header_row + 1 + offset, column=index, value=value)
            if column.numeric and isinstance(value, Decimal):
                cell.number_format = "0.00"
            if column.bold or offset in table.bold_rows:
                cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(table: Table) -> bytes:
    return safe_csv([column.header for column in table.columns],
                    [[_text(value) for value in row] for row in table.rows]).encode("utf-8")


def to_pdf(table: Table) -> bytes:
    import font_roboto
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="L" if len(table.columns) > 7 else "P", format="A4")
    pdf.add_font("Roboto", "", font_roboto.Roboto)
    pdf.add_font("Roboto", "B", font_roboto.RobotoBold)
    pdf.set_title(table.title)
    pdf.set_creator("CQS")
    pdf.add_page()
    half = pdf.epw / 2
    pdf.set_font("Roboto", "B", 10)
    top = pdf.get_y()
    pdf.multi_cell(half, 5, table.issuer, align="C")
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.multi_cell(half, 5, "\n".join(NATIONAL_MOTTO), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Roboto", "B", 13)
    pdf.multi_cell(0, 7, table.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Roboto", "", 10)
    for line in (*table.subtitle_lines, table.reference):
        pdf.multi_cell(0, 5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Roboto", "", 8)
    total_width = sum(column.width for column in table.columns)
    widths = tuple(pdf.epw * column.width / total_width for column in table.columns)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(col_widths=widths, text_align=tuple("RIGHT" if c.numeric else "LEFT" for c in table.columns),
                   headings_style=FontFace(emphasis="BOLD"), line_height=5) as grid:
        header = grid.row()
        for column in table.columns:
            header.cell(column.header)
        for offset, row in enumerate(table.rows):
            cells = grid.row()
            for column, value in zip(table.columns, row, strict=True):
                cells.cell(_text(value), style=bold if column.bold or offset in table.bold_rows else None)
    return bytes(pdf.output())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def ranking_columns(group_codes: Sequence[str]) -> tuple[Column, ...]:
    return (Column("Xếp hạng", numeric=True, width=9), Column("Mã đơn vị", width=12),
            Column("Tên đơn vị", width=36), *(Column(f"Nhóm {code}", numeric=True, width=10) for code in group_codes),
            Column("Tổng điểm", numeric=True, bold=True, width=11), Column("Xếp loại", width=12),
            Column("Hạng năm trước", numeric=True, width=10), Column("Thay đổi hạng", numeric=True, width=10),
            Column("Điểm năm trước", numeric=True, width=11))
