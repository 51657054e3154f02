"""What the unit sent, kept version by version: each submission and each evidence reply
is a snapshot, and two snapshots compare field by field and file by file."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from shared.criteria import UnitTypeCatalog

SUBMITTED = "submitted"
EVIDENCE_PROVIDED = "evidence_provided"

Evidence = dict[str, list[dict[str, Any]]]


@dataclasses.dataclass(eq=False)  # an entity: compared by identity
class Snapshot:
    seq: int
    revision: int
    kind: str
    answers: dict[str, Any]
    evidence: Evidence
    by: str
    at: dt.datetime
    note: str = ""


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Every field whose value differs, with both values (None = absent)."""
    return [{"field": name, "before": before.get(name), "after": after.get(name)}
            for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]


def new_files(before: Evidence, after: Evidence) -> list[dict[str, Any]]:
    """Files in `after` that `before` did not have, each with its criterion."""
    known = {item["file_id"] for items in before.values() for item in items}
    return [{"criterion": criterion, **item} for criterion, items in sorted(after.items())
            for item in items if item["file_id"] not in known]


def criteria_touched(catalog: UnitTypeCatalog, before: Snapshot, after: Snapshot) -> set[str]:
    """The criteria whose inputs or evidence files changed between two snapshots."""
    changed_fields = {change["field"] for change in field_changes(before.answers, after.answers)}
    touched = {criterion.code for criterion in catalog.criteria
               if changed_fields.intersection(field.field for field in criterion.inputs)}
    touched.update(code for code in set(before.evidence) | set(after.evidence)
                   if _file_ids(before.evidence, code) != _file_ids(after.evidence, code))
    return touched & set(catalog.criteria_by_code)


def _file_ids(evidence: Evidence, criterion: str) -> set[str]:
    return {item["file_id"] for item in evidence.get(criterion, [])}


def compare(snapshots: list[Snapshot]) -> list[dict[str, Any]]:
    """Each snapshot with what changed since the one before it (side-by-side view)."""
    views, previous = [], None
    for snapshot in snapshots:
        views.append({
            "seq": snapshot.seq, "revision": snapshot.revision, "kind": snapshot.kind,
            "by": snapshot.by, "at": snapshot.at, "note": snapshot.note,
            "answers": snapshot.answers, "evidence": snapshot.evidence,
            "changes": field_changes(previous.answers, snapshot.answers) if previous else [],
            "new_files": new_files(previous.evidence, snapshot.evidence) if previous else [],
        })
        previous = snapshot
    return views
