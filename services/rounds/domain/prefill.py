"""Which answers of a unit's previous report start its new draft.

An answer carries over only when every criterion of the new catalog that reads its field
is defined exactly as in the previous report's catalog: same inputs, rule, points and
wording. Any change, even of a label, means the unit must answer that criterion afresh,
so a carried-over value can never be read under a meaning the unit did not give it.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.criteria import UnitTypeCatalog


def carried_over_answers(previous_answers: Mapping[str, Any], previous: UnitTypeCatalog,
                         current: UnitTypeCatalog) -> dict[str, Any]:
    unchanged_fields: set[str] = set()
    changed_fields: set[str] = set()
    for criterion in current.criteria:
        fields = {field.field for field in criterion.inputs}
        if previous.criteria_by_code.get(criterion.code) == criterion:
            unchanged_fields |= fields
        else:
            changed_fields |= fields
    carried = unchanged_fields - changed_fields
    return {field: value for field, value in previous_answers.items() if field in carried}
