"""A unit type's criteria as a form description: everything a form, a partner or the portal needs to
show and fill the inputs (types, bounds, choices, who supplies each) and to tell how each criterion
is scored, in Vietnamese and English. JSON-ready: numbers are numbers, never strings."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from shared.criteria.model import Catalog, Criterion, InputField, UnitTypeCatalog
from shared.criteria.suppliers import UNIT, Supplier, supplier_of_criterion, suppliers
from shared.criteria.wording import INFO, LANGUAGES
from shared.domain.bilingual import Bilingual

_UNIT_NAME = Bilingual("Đơn vị tự kê khai", "The unit itself")


def number(value: Decimal | None) -> int | float | None:
    """A catalog decimal as a JSON number: 30 stays 30, 22.5 stays 22.5."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def bilingual(text: Bilingual) -> dict[str, str]:
    return {"vi": text.vi, "en": text.en}


def catalog_summary(catalog: Catalog) -> dict[str, Any]:
    decision = catalog.decision
    return {
        "version": catalog.identity.version,
        "fingerprint": catalog.identity.fingerprint,
        "title": bilingual(catalog.title),
        "status": bilingual(catalog.status),
        "decision": {"issuer": decision.issuer, "year": decision.year, "number": decision.number,
                     "replaces": decision.replaces},
        "total_max_points": number(catalog.total_max_points),
        "decimal_places": catalog.decimal_places,
        "classification": [{"code": tier.code, "name": bilingual(tier.name),
                            "min": number(tier.min)} for tier in catalog.classification],
        "sources": {code: bilingual(text) for code, text in catalog.sources.items()},
        "agencies": {code: bilingual(text) for code, text in catalog.verifiers.items()},
        "unit_types": [{"code": unit.code, "name": bilingual(unit.name)}
                       for unit in catalog.unit_types.values()],
    }


def form_description(catalog: Catalog, unit_type: str) -> dict[str, Any]:
    """Groups → criteria → inputs of `unit_type` under `catalog`."""
    unit = catalog.unit_type(unit_type)
    owners = suppliers(unit)
    return {
        "version": catalog.identity.version,
        "fingerprint": catalog.identity.fingerprint,
        "unit_type": {"code": unit.code, "name": bilingual(unit.name),
                      "evaluated_by": unit.evaluated_by, "ranking_scope": unit.ranking_scope},
        "total_max_points": number(unit.total_max_points),
        "decimal_places": unit.decimal_places,
        "groups": [{"code": group.code, "name": bilingual(group.name),
                    "max_points": number(group.max_points),
                    "criteria": [_criterion(catalog, unit, criterion, owners) for criterion in group.criteria]}
                   for group in unit.groups],
    }


def supplied_by(catalog: Catalog, supplier: Supplier) -> dict[str, Any]:
    """Who fills a value, named as the catalog names it."""
    name = _UNIT_NAME if supplier.kind == UNIT else catalog.verifiers[supplier.agency]
    return {"kind": supplier.kind, "source": supplier.source, "agency": supplier.agency, "name": bilingual(name)}


def _criterion(catalog: Catalog, unit: UnitTypeCatalog, criterion: Criterion,
               owners: dict[str, Supplier]) -> dict[str, Any]:
    source, verifier = catalog.sources[criterion.source], catalog.verifiers[criterion.verifier]
    return {
        "code": criterion.code,
        "name": bilingual(criterion.name),
        "description": bilingual(criterion.notes) if criterion.notes else None,
        "max_points": number(criterion.max_points),
        "rule": {"kind": criterion.kind, "text": rule_in_words(criterion),
                 "when_missing": missing_in_words(criterion)},
        "evidence": {"required": criterion.evidence.required,
                     "description": bilingual(criterion.evidence.description)},
        "source": {"code": criterion.source, **bilingual(source)},
        "verifier": {"code": criterion.verifier, **bilingual(verifier)},
        "supplied_by": supplied_by(catalog, supplier_of_criterion(criterion)),
        "basis": criterion.basis,
        "inputs": [_input(field, supplied_by(catalog, owners[field.field])) for field in criterion.inputs],
    }


def _input(field: InputField, supplier: dict[str, Any]) -> dict[str, Any]:
    default = field.default
    return {
        "key": field.field,
        "type": field.type,
        "label": bilingual(field.label),
        "unit": bilingual(field.unit) if field.unit else None,
        "min": number(field.min),
        "max": number(field.max),
        "enum": [{"value": option.value, "label": bilingual(option.label)}
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
        return bilingual(NOT_SCORED)
    defaults = [f for f in criterion.inputs if f.default is not None and f.field in criterion.rule.fields]
    if not defaults:
        return bilingual(NO_DATA)
    return {lang: getattr(NO_DATA_DEFAULTS, lang).format(
                defaults=", ".join(f"{f.field} = {_shown_default(f.default, lang)}" for f in defaults))
            for lang in ("vi", "en")}


def _shown_default(value: object, lang: str) -> str:
    if isinstance(value, bool):
        return getattr(YES_NO[value], lang)
    return LANGUAGES[lang].number(value) if isinstance(value, Decimal) else str(value)


# The rule in words: each sentence once, its two languages side by side. An information-only
# criterion reads the same as its score's explanation (wording.INFO).
YES_NO = {True: Bilingual("Có", "yes"), False: Bilingual("Không", "no")}
POINTS = Bilingual("{points} điểm", "{points} points")
BOOLEAN = Bilingual("Có: {top} điểm; Không: 0 điểm", "Yes: {top} points; No: 0 points")
TIER = Bilingual("≥ {min}: {points} điểm", "≥ {min}: {points} points")
LOWER = Bilingual("thấp hơn: {points} điểm", "lower: {points} points")
RATIO_OF = Bilingual("Tỷ lệ {operand}", "Ratio {operand}")
TIMES = Bilingual("{operand} × {top} điểm", "{operand} × {top} points")
THRESHOLD = Bilingual("{operand} ≥ {limit}%: {top} điểm; dưới ngưỡng: {below}",
                      "{operand} ≥ {limit}%: {top} points; below it: {below}")
BELOW = {
    "proportional": Bilingual("tỷ lệ × {top} điểm", "ratio × {top} points"),
    "scaled": Bilingual("(tỷ lệ / {limit}%) × {top} điểm", "(ratio / {limit}%) × {top} points"),
    "zero": Bilingual("0 điểm", "0 points"),
}
STEP = Bilingual("≥ {step}%: {points} điểm", "≥ {step}%: {points} points")
BELOW_STEPS = Bilingual(", thấp hơn: 0 điểm", ", lower: 0 points")
ZERO_DENOMINATOR = {"full_points": Bilingual("; mẫu số bằng 0: đạt tối đa", "; denominator 0: full points"),
                    "zero": Bilingual("; mẫu số bằng 0: 0 điểm", "; denominator 0: 0 points")}
ASSESSED = Bilingual("Cơ quan thẩm định chấm từ 0 đến {top} điểm", "Scored by the verifier from 0 to {top} points")
DEDUCTION = Bilingual("Trừ {per} điểm cho mỗi {counted} ({label}), tối đa trừ {cap} điểm",
                      "Deduct {per} points per {counted} ({label}), at most {cap} points")
NOT_SCORED = Bilingual("Không chấm điểm", "Not scored")
NO_DATA = Bilingual("Không có số liệu → 0 điểm", "No data → 0 points")
NO_DATA_DEFAULTS = Bilingual("Không có số liệu: tính theo giá trị mặc định ({defaults}); thiếu giá trị khác → 0 điểm",
                             "No data: scored with the default ({defaults}); any other value missing → 0 points")


def _say_rule(lang: str, criterion: Criterion) -> str:
    rule, num = criterion.rule, LANGUAGES[lang].number
    top = num(criterion.max_points)

    def say(sentence: Bilingual, **fields: object) -> str:
        return getattr(sentence, lang).format(**fields)

    def label(name: str) -> str:
        return getattr(next(f for f in criterion.inputs if f.field == name).label, lang)

    def operand() -> str:
        if rule.input:
            return f"{label(rule.input)} (%)"
        return say(RATIO_OF, operand=f"{label(rule.numerator)} / {label(rule.denominator)}")

    def zero_denominator() -> str:
        if rule.input or rule.on_zero_denominator is None:
            return ""
        return say(ZERO_DENOMINATOR["full_points" if rule.on_zero_denominator == "full_points" else "zero"])

    if rule.kind == "boolean":
        return say(BOOLEAN, top=top)
    if rule.kind == "tiered":
        tiers = [say(TIER, min=num(tier.min), points=num(tier.points)) for tier in rule.tiers]
        return "; ".join([*tiers, say(LOWER, points=num(rule.else_points))])
    if rule.kind == "ratio":
        return say(TIMES, operand=operand(), top=top) + zero_denominator()
    if rule.kind == "ratio_threshold":
        limit = num(rule.threshold * 100)
        if rule.below == "stepped":
            below = ", ".join(say(STEP, step=num(step.min * 100), points=num(step.points))
                              for step in rule.steps) + say(BELOW_STEPS)
        else:
            below = say(BELOW[rule.below], top=top, limit=limit)
        return say(THRESHOLD, operand=operand(), limit=limit, top=top, below=below) + zero_denominator()
    if rule.kind == "assessed":
        levels = "; ".join(f"{say(POINTS, points=num(level.points))}: {getattr(level.label, lang)}"
                           for level in rule.guidance)
        head = say(ASSESSED, top=top)
        return f"{head} ({levels})" if levels else head
    if rule.kind == "deduction":
        field = next(f for f in criterion.inputs if f.field == rule.input)
        counted = getattr(field.unit, lang) if field.unit else label(rule.input)
        return say(DEDUCTION, per=num(rule.points_per_unit), counted=counted, label=getattr(field.label, lang),
                   cap=num(rule.max_deduction))
    return say(INFO)
