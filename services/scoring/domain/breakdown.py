"""A score explained to the people it concerns: every criterion with its points, the inputs it read
(numbers as numbers) and where each came from (the unit, the reviewer, which provincial system and
as of when), and whether the reviewer adjusted it, with the reason the unit can read."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from shared.criteria import UnitTypeCatalog
from shared.criteria.forms import number
from shared.criteria.suppliers import suppliers


def explained(breakdown: dict[str, Any], unit_catalog: UnitTypeCatalog, *, answers: dict[str, Any],
              input_sources: dict[str, dict[str, Any]], no_data: dict[str, str],
              adjustments: list[dict[str, Any]]) -> dict[str, Any]:
    """The stored engine breakdown (exact decimals as strings) as a reader's document."""
    owners = suppliers(unit_catalog)
    reasons: dict[str, list[str]] = {}
    for line in adjustments:
        listed = reasons.setdefault(line["criterion"], [])
        if line["reason"] not in listed:
            listed.append(line["reason"])

    def source(name: str) -> dict[str, Any]:
        if name in no_data:
            return {**input_sources.get(name, {"kind": owners[name].kind, "agency": owners[name].agency}),
                    "no_data": no_data[name]}
        if name not in answers:
            return {"kind": "catalog_default"} if unit_catalog.fields[name].default is not None else {"kind": "none"}
        return input_sources.get(name) or {"kind": owners[name].kind, "agency": owners[name].agency}

    criteria = []
    for item in breakdown["criteria"]:
        inputs = [{"key": name, "value": _typed(unit_catalog, name, value), "source": source(name)}
                  for name, value in item["inputs_used"].items()]
        adjusted = item["adjusted"] or any(entry["source"].get("adjusted") for entry in inputs)
        criteria.append({
            "code": item["code"], "group": item["group"], "kind": item["kind"],
            "points": _number(item["points"]), "max_points": _number(item["max_points"]),
            "adjusted": adjusted, "points_adjusted": item["adjusted"],
            "adjustment_reason": ("; ".join(reasons.get(item["code"], ())) or None) if adjusted else None,
            "explanation_vi": item["explanation_vi"], "explanation_en": item["explanation_en"],
            "inputs": inputs,
        })
    return {
        "catalog_version": breakdown["catalog_version"], "catalog_fingerprint": breakdown["catalog_fingerprint"],
        "unit_type": breakdown["unit_type"], "inputs_hash": breakdown["inputs_hash"],
        "total": _number(breakdown["total"]), "classification": breakdown["classification"],
        "complete": breakdown["complete"], "missing_required": breakdown["missing_required"],
        "warnings": breakdown["warnings"],
        "groups": [{"code": group["code"], "points": _number(group["points"]),
                    "max_points": _number(group["max_points"])} for group in breakdown["groups"]],
        "criteria": criteria,
    }


def _number(text: str | None) -> int | float | None:
    return None if text is None else number(Decimal(text))


def _typed(unit_catalog: UnitTypeCatalog, name: str, value: Any) -> Any:
    """A canonical input value as its type: numbers as JSON numbers, yes/no and text as they are."""
    if isinstance(value, str) and unit_catalog.fields[name].is_numeric:
        return number(Decimal(value))
    return value
