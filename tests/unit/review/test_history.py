"""Versions side by side: per-field changes, new files, and which criteria a change touches."""
from __future__ import annotations

from services.review.domain import history
from services.review.domain.history import Snapshot
from tests.unit.review.conftest import NOW, pdf


def snapshot(seq, answers, evidence, kind="submitted"):
    return Snapshot(seq, 1, kind, answers, evidence, "reporter", NOW)


def test_compare_lists_each_version_with_what_changed_since_the_previous():
    first = snapshot(1, {"a": 1, "b": True}, {"1.1": [pdf("f1")]})
    second = snapshot(2, {"a": 2, "c": "x"}, {"1.1": [pdf("f1")], "1.4": [pdf("f2")]}, kind="evidence_provided")
    [one, two] = history.compare([first, second])
    assert one["changes"] == [] and one["new_files"] == []
    assert two["changes"] == [{"field": "a", "before": 1, "after": 2}, {"field": "b", "before": True, "after": None},
                              {"field": "c", "before": None, "after": "x"}]
    assert [(f["criterion"], f["file_id"]) for f in two["new_files"]] == [("1.4", "f2")]


def test_criteria_touched_by_a_value_or_a_file(catalog, answers):
    before = snapshot(1, answers, {"1.1": [pdf("f1")], "2.1": [pdf("f3")]})
    after = snapshot(2, {**answers, "staff_total": 99}, {"1.1": [pdf("f1")], "3.3": [pdf("f4")]})
    # staff_total is shared by 2.2 and 3.1; 3.3 got a file; 2.1's file was superseded away.
    assert history.criteria_touched(catalog, before, after) == {"2.2", "3.1", "3.3", "2.1"}
