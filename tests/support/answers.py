"""A complete, valid set of answers for a unit type, read from the criteria catalog."""
from __future__ import annotations

from typing import Any

from shared.criteria import InputField, UnitTypeCatalog


def sample_value(field: InputField) -> Any:
    if field.type == "bool":
        return True
    if field.type == "text":
        return "Có"
    if field.type == "date":
        return "2026-06-30"
    if field.enum:
        return field.enum[0].value
    if field.max is not None:
        return int(field.max) if field.type == "int" else float(field.max)
    return 10


def complete_answers(catalog: UnitTypeCatalog) -> dict[str, Any]:
    return {name: sample_value(field) for name, field in catalog.fields.items()}
