"""A unit type's criteria as a form description: everything a form, a partner or the portal needs to
show and fill the inputs (types, bounds, choices, who supplies each) and to tell how each criterion
is scored, in Vietnamese and English. JSON-ready: numbers are numbers, never strings."""
from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from shared.criteria.loader import load_catalog
from shared.criteria.model import Catalog, Criterion, InputField, UnitTypeCatalog
from shared.criteria.suppliers import UNIT, Supplier, supplier_of_criterion, suppliers
from shared.criteria.wording import LANGUAGES, WORDING
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


@functools.cache
def unit_type_form(version: str, unit_type: str) -> dict[str, Any]:
    """`form_description` of a shipped catalog version, built once per process as the catalog is loaded
    once (the review service answers every decision with its case's form). Every caller gets the same
    dict: read it, never change it."""
    return form_description(load_catalog(version), unit_type)


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
        "min_points": number(criterion.min_points),
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
        return bilingual(SENTENCE["not_scored"])
    defaults = [f for f in criterion.inputs if f.default is not None and f.field in criterion.rule.fields]
    if not defaults:
        return bilingual(SENTENCE["no_data"])
    return {lang: getattr(SENTENCE["no_data_defaults"], lang).format(
                defaults=", ".join(f"{f.field} = {_shown_default(f.default, lang)}" for f in defaults))
            for lang in ("vi", "en")}


def _shown_default(value: object, lang: str) -> str:
    if isinstance(value, bool):
        return getattr(SENTENCE["answer"][value], lang)
    return LANGUAGES[lang].number(value) if isinstance(value, Decimal) else str(value)


# The rule in words, each sentence once in wording.yaml, its two languages side by side. An
# information-only criterion reads the same as its score's explanation.
SENTENCE = WORDING["rule"]


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
        return say(SENTENCE["ratio_of"], operand=f"{label(rule.numerator)} / {label(rule.denominator)}")

    def zero_denominator() -> str:
        if rule.input or rule.on_zero_denominator is None:
            return ""
        return say(SENTENCE["zero_denominator"]["full_points" if rule.on_zero_denominator == "full_points" else "zero"])

    if rule.kind == "boolean":
        return say(SENTENCE["boolean"], top=top)
    if rule.kind == "tiered":
        tiers = [say(SENTENCE["tier"], min=num(tier.min), points=num(tier.points)) for tier in rule.tiers]
        return "; ".join([*tiers, say(SENTENCE["lower"], points=num(rule.else_points))])
    if rule.kind == "ratio":
        return say(SENTENCE["times"], operand=operand(), top=top) + zero_denominator()
    if rule.kind == "ratio_threshold":
        limit = num(rule.threshold * 100)
        if rule.below == "stepped":
            below = ", ".join(say(SENTENCE["step"], step=num(step.min * 100), points=num(step.points))
                              for step in rule.steps) + say(SENTENCE["below_steps"])
        else:
            below = say(SENTENCE["below"][rule.below], top=top, limit=limit)
        return say(SENTENCE["threshold"], operand=operand(), limit=limit, top=top, below=below) + zero_denominator()
    if rule.kind == "assessed":
        levels = "; ".join(f"{say(SENTENCE['points'], points=num(level.points))}: {getattr(level.label, lang)}"
                           for level in rule.guidance)
        head = say(SENTENCE["assessed"], top=top)
        return f"{head} ({levels})" if levels else head
    if rule.kind == "deduction":
        field = next(f for f in criterion.inputs if f.field == rule.input)
        counted = getattr(field.unit, lang) if field.unit else label(rule.input)
        return say(SENTENCE["deduction"], per=num(rule.points_per_unit), counted=counted,
                   label=getattr(field.label, lang), cap=num(rule.max_deduction))
    return say(WORDING["explanation"]["info"])
