"""A unit type's criteria as a form description: everything a form, a partner or the portal needs to
show and fill the inputs (types, bounds, choices, who supplies each) and to tell how each criterion
is scored, in Vietnamese and English. JSON-ready: numbers are numbers, never strings."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from shared.criteria.model import Catalog, Criterion, InputField, Rule, UnitTypeCatalog
from shared.criteria.suppliers import UNIT, Supplier, supplier_of_criterion, suppliers
from shared.criteria.wording import LANGUAGES

_UNIT_NAME = {"vi": "Đơn vị tự kê khai", "en": "The unit itself"}


def number(value: Decimal | None) -> int | float | None:
    """A catalog decimal as a JSON number: 30 stays 30, 22.5 stays 22.5."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def bilingual(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def catalog_summary(catalog: Catalog) -> dict[str, Any]:
    decision = catalog.decision
    return {
        "version": catalog.version,
        "fingerprint": catalog.fingerprint,
        "title": bilingual(catalog.title_vi, catalog.title_en),
        "status": bilingual(catalog.status_vi, catalog.status_en),
        "decision": {"issuer": decision.issuer, "year": decision.year, "number": decision.number,
                     "replaces": decision.replaces},
        "total_max_points": number(catalog.total_max_points),
        "decimal_places": catalog.decimal_places,
        "classification": [{"code": tier.code, "name": bilingual(tier.name_vi, tier.name_en),
                            "min": number(tier.min)} for tier in catalog.classification],
        "sources": {code: bilingual(text.vi, text.en) for code, text in catalog.sources.items()},
        "agencies": {code: bilingual(text.vi, text.en) for code, text in catalog.verifiers.items()},
        "unit_types": [{"code": unit.code, "name": bilingual(unit.name_vi, unit.name_en)}
                       for unit in catalog.unit_types.values()],
    }


def form_description(catalog: Catalog, unit_type: str) -> dict[str, Any]:
    """Groups → criteria → inputs of `unit_type` under `catalog`."""
    unit = catalog.unit_type(unit_type)
    owners = suppliers(unit)
    return {
        "version": catalog.version,
        "fingerprint": catalog.fingerprint,
        "unit_type": {"code": unit.code, "name": bilingual(unit.name_vi, unit.name_en),
                      "evaluated_by": unit.evaluated_by, "ranking_scope": unit.ranking_scope},
        "total_max_points": number(unit.total_max_points),
        "decimal_places": unit.decimal_places,
        "groups": [{"code": group.code, "name": bilingual(group.name_vi, group.name_en),
                    "max_points": number(group.max_points),
                    "criteria": [_criterion(catalog, unit, criterion, owners) for criterion in group.criteria]}
                   for group in unit.groups],
    }


def supplied_by(catalog: Catalog, supplier: Supplier) -> dict[str, Any]:
    """Who fills a value, named as the catalog names it."""
    if supplier.kind == UNIT:
        name = _UNIT_NAME
    else:
        agency = catalog.verifiers[supplier.agency]
        name = bilingual(agency.vi, agency.en)
    return {"kind": supplier.kind, "source": supplier.source, "agency": supplier.agency, "name": name}


def _criterion(catalog: Catalog, unit: UnitTypeCatalog, criterion: Criterion,
               owners: dict[str, Supplier]) -> dict[str, Any]:
    source, verifier = catalog.sources[criterion.source], catalog.verifiers[criterion.verifier]
    return {
        "code": criterion.code,
        "name": bilingual(criterion.name_vi, criterion.name_en),
        "description": bilingual(criterion.notes.vi, criterion.notes.en) if criterion.notes else None,
        "max_points": number(criterion.max_points),
        "rule": {"kind": criterion.kind, "text": rule_in_words(criterion),
                 "when_missing": missing_in_words(criterion)},
        "evidence": {"required": criterion.evidence.required,
                     "description": bilingual(criterion.evidence.description_vi, criterion.evidence.description_en)},
        "source": {"code": criterion.source, **bilingual(source.vi, source.en)},
        "verifier": {"code": criterion.verifier, **bilingual(verifier.vi, verifier.en)},
        "supplied_by": supplied_by(catalog, supplier_of_criterion(criterion)),
        "basis": criterion.basis,
        "inputs": [_input(field, supplied_by(catalog, owners[field.field])) for field in criterion.inputs],
    }


def _input(field: InputField, supplier: dict[str, Any]) -> dict[str, Any]:
    default = field.default
    return {
        "key": field.field,
        "type": field.type,
        "label": bilingual(field.label_vi, field.label_en),
        "unit": bilingual(field.unit.vi, field.unit.en) if field.unit else None,
        "min": number(field.min),
        "max": number(field.max),
        "enum": [{"value": option.value, "label": bilingual(option.label_vi, option.label_en)}
                 for option in field.enum],
        "required": field.required,
        "default": number(default) if isinstance(default, Decimal) else default,
        "supplied_by": supplier,
    }


# --- the rule in words -----------------------------------------------------------------------------------


def rule_in_words(criterion: Criterion) -> dict[str, str]:
    return {lang: _say_rule(lang, criterion) for lang in ("vi", "en")}


def missing_in_words(criterion: Criterion) -> dict[str, str]:
    """What the score is when an input has no value (the engine's rule for a missing value)."""
    if criterion.kind == "info":
        return bilingual("Không chấm điểm", "Not scored")
    defaults = [f for f in criterion.inputs if f.default is not None and f.field in criterion.rule.fields]
    if defaults:
        listed = ", ".join(f"{f.field} = {_shown_default(f.default, lang='vi')}" for f in defaults)
        listed_en = ", ".join(f"{f.field} = {_shown_default(f.default, lang='en')}" for f in defaults)
        return bilingual(f"Không có số liệu: tính theo giá trị mặc định ({listed}); thiếu giá trị khác → 0 điểm",
                         f"No data: scored with the default ({listed_en}); any other value missing → 0 points")
    return bilingual("Không có số liệu → 0 điểm", "No data → 0 points")


def _shown_default(value: object, lang: str) -> str:
    if isinstance(value, bool):
        return ("Có" if value else "Không") if lang == "vi" else ("yes" if value else "no")
    return _num(lang, value) if isinstance(value, Decimal) else str(value)


def _num(lang: str, value: Decimal) -> str:
    return LANGUAGES[lang].number(value)


def _label(criterion: Criterion, name: str, lang: str) -> str:
    field = next(f for f in criterion.inputs if f.field == name)
    return field.label_vi if lang == "vi" else field.label_en


def _operand(lang: str, criterion: Criterion, rule: Rule) -> str:
    if rule.input:
        return f"{_label(criterion, rule.input, lang)} (%)"
    return f"{_label(criterion, rule.numerator, lang)} / {_label(criterion, rule.denominator, lang)}"


def _zero_denominator(lang: str, rule: Rule) -> str:
    if rule.input or rule.on_zero_denominator is None:
        return ""
    full = rule.on_zero_denominator == "full_points"
    if lang == "vi":
        return "; mẫu số bằng 0: " + ("đạt tối đa" if full else "0 điểm")
    return "; denominator 0: " + ("full points" if full else "0 points")


def _say_rule(lang: str, criterion: Criterion) -> str:
    rule, top = criterion.rule, _num(lang, criterion.max_points)
    vi = lang == "vi"
    pts = " điểm" if vi else " points"
    if rule.kind == "boolean":
        return f"Có: {top} điểm; Không: 0 điểm" if vi else f"Yes: {top} points; No: 0 points"
    if rule.kind == "tiered":
        steps = [f"≥ {_num(lang, tier.min)}: {_num(lang, tier.points)}{pts}" for tier in rule.tiers]
        below = "thấp hơn" if vi else "lower"
        return "; ".join([*steps, f"{below}: {_num(lang, rule.else_points)}{pts}"])
    if rule.kind == "ratio":
        head = "" if rule.input else ("Tỷ lệ " if vi else "Ratio ")
        text = f"{head}{_operand(lang, criterion, rule)} × {top}{pts}"
        return text + _zero_denominator(lang, rule)
    if rule.kind == "ratio_threshold":
        limit = _num(lang, rule.threshold * 100)
        operand = _operand(lang, criterion, rule) if rule.input else (
            f"{'Tỷ lệ' if vi else 'Ratio'} {_operand(lang, criterion, rule)}")
        head = (f"{operand} ≥ {limit}%: {top} điểm; dưới ngưỡng: " if vi else
                f"{operand} ≥ {limit}%: {top} points; below it: ")
        return head + _below_threshold(lang, rule, top) + _zero_denominator(lang, rule)
    if rule.kind == "assessed":
        levels = "; ".join(f"{_num(lang, level.points)}{pts}: {level.label_vi if vi else level.label_en}"
                           for level in rule.guidance)
        head = (f"Cơ quan thẩm định chấm từ 0 đến {top} điểm" if vi else
                f"Scored by the verifier from 0 to {top} points")
        return f"{head} ({levels})" if levels else head
    if rule.kind == "deduction":
        field = next(f for f in criterion.inputs if f.field == rule.input)
        counted = (field.unit.vi if vi else field.unit.en) if field.unit else _label(criterion, rule.input, lang)
        per, cap = _num(lang, rule.points_per_unit), _num(lang, rule.max_deduction)
        return (f"Trừ {per} điểm cho mỗi {counted} ({field.label_vi}), tối đa trừ {cap} điểm" if vi else
                f"Deduct {per} points per {counted} ({field.label_en}), at most {cap} points")
    return "Chỉ thu thập thông tin, không chấm điểm" if vi else "Information only, not scored"


def _below_threshold(lang: str, rule: Rule, top: str) -> str:
    vi = lang == "vi"
    if rule.below == "proportional":
        return f"tỷ lệ × {top} điểm" if vi else f"ratio × {top} points"
    if rule.below == "scaled":
        limit = _num(lang, rule.threshold * 100)
        return f"(tỷ lệ / {limit}%) × {top} điểm" if vi else f"(ratio / {limit}%) × {top} points"
    if rule.below == "stepped":
        return ", ".join(f"≥ {_num(lang, step.min * 100)}%: {_num(lang, step.points)}{' điểm' if vi else ' points'}"
                         for step in rule.steps) + (", thấp hơn: 0 điểm" if vi else ", lower: 0 points")
    return "0 điểm" if vi else "0 points"

