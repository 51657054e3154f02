"""Loading a catalog version: read its YAML files, check them (`checks`), build the model (`model`).

A catalog version lives in ``catalogs/<version>/``: a manifest ``catalog.yaml`` and one file per unit
type. A released version is recorded with its fingerprint in ``catalogs/released.yaml``, and loading
refuses one whose content changed since.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import yaml

from shared.criteria.checks import check_manifest, check_schema, check_unit_type, validator
from shared.criteria.model import (
    Catalog,
    CatalogError,
    CatalogIdentity,
    ClassificationTier,
    Criterion,
    Decision,
    EnumOption,
    Evidence,
    Group,
    GuidanceLevel,
    InputField,
    PeriodBoundary,
    Rule,
    Tier,
    UnitTypeCatalog,
    decimal_of,
)
from shared.domain.bilingual import Bilingual

CATALOGS_DIR = Path(__file__).parent / "catalogs"
MANIFEST_FILE = "catalog.yaml"
RELEASED_FILE = "released.yaml"


def available_versions() -> tuple[str, ...]:
    """Catalog versions shipped with the code, sorted."""
    return tuple(sorted(p.name for p in CATALOGS_DIR.iterdir() if (p / MANIFEST_FILE).is_file()))


# A web worker's threads all need the catalog on their first requests: one loads it (about a second of
# CPU), the others wait for it rather than each reading and validating it again at the same time.
_loading = threading.Lock()


def load_catalog(version: str) -> Catalog:
    """The shipped catalog `version`, validated; loaded once per process."""
    with _loading:
        return _load_catalog(version)


@functools.cache
def _load_catalog(version: str) -> Catalog:
    if version not in available_versions():
        raise CatalogError(f"unknown catalog version {version!r}; available: {', '.join(available_versions())}")
    catalog = read_catalog(CATALOGS_DIR / version)
    check_released(catalog, _read_yaml(CATALOGS_DIR / RELEASED_FILE) or {})
    return catalog


def check_released(catalog: Catalog, released: Mapping[str, str]) -> None:
    """A released version's content is the content it was released with, or it is refused."""
    version, fingerprint = catalog.identity.version, catalog.identity.fingerprint
    expected = released.get(version)
    if expected is None:
        raise CatalogError(f"catalog {version} is not in {RELEASED_FILE}: record its fingerprint "
                           f"{fingerprint} there to release it", file=RELEASED_FILE)
    if expected != fingerprint:
        raise CatalogError(f"catalog {version} changed after its release (fingerprint {fingerprint}, "
                           f"released as {expected}); a correction is a new version", file=RELEASED_FILE)


def read_catalog(directory: Path) -> Catalog:
    """Read and validate the catalog in `directory` (named after its version). Not cached."""
    manifest = _read_yaml(directory / MANIFEST_FILE)
    check_schema(manifest, validator("manifest"), MANIFEST_FILE)
    if manifest["version"] != directory.name:
        raise CatalogError(f"version {manifest['version']!r} does not match its folder {directory.name!r}",
                           file=MANIFEST_FILE)
    classification = tuple(
        ClassificationTier(t["code"], _text(t, "name"), decimal_of(t["min"]))
        for t in manifest["classification"]
    )
    check_manifest(manifest, classification, MANIFEST_FILE)
    raw_unit_types = {}
    for code in manifest["unit_types"]:
        file = f"{code}.yaml"
        raw = _read_yaml(directory / file)
        check_schema(raw, validator("unit_type"), file)
        raw_unit_types[code] = raw

    identity = CatalogIdentity(manifest["version"], _fingerprint({"manifest": manifest, "unit_types": raw_unit_types}))
    unit_types = {}
    for code, raw in raw_unit_types.items():
        unit_catalog = _build_unit_type(raw, manifest, identity, classification)
        check_unit_type(unit_catalog, raw, manifest, f"{code}.yaml")
        unit_types[code] = unit_catalog

    decision = manifest["decision"]
    return Catalog(
        identity=identity,
        status=_text(manifest, "status"),
        title=Bilingual(**manifest["title"]),
        decision=Decision(decision["issuer"], decision["year"], decision["number"], decision["replaces"],
                          _text(decision, "note") if "note_vi" in decision else None),
        total_max_points=decimal_of(manifest["total_max_points"]),
        decimal_places=manifest["rounding"]["decimal_places"],
        classification=classification,
        tie_breakers=tuple(manifest["ranking"]["tie_breakers"]),
        sources=_bilingual_map(manifest["sources"]),
        verifiers=_bilingual_map(manifest["verifiers"]),
        unit_types=MappingProxyType(unit_types),
    )


def canonical_json(data: object) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 kept (used for fingerprints and hashes)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _fingerprint(data: object) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()



# --- reading -------------------------------------------------------------------------------------------

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except FileNotFoundError:
        raise CatalogError("file not found", file=str(path)) from None
    except yaml.YAMLError as error:
        raise CatalogError(f"not valid YAML: {error}", file=path.name) from None


def _text(raw: Mapping, key: str) -> Bilingual:
    """A text the catalog writes as two keys, `<key>_vi` and `<key>_en`."""
    return Bilingual(raw[f"{key}_vi"], raw[f"{key}_en"])


def _bilingual_map(raw: Mapping[str, Mapping[str, str]]) -> Mapping[str, Bilingual]:
    return MappingProxyType({code: Bilingual(**text) for code, text in raw.items()})


def _build_input(raw: Mapping) -> InputField:
    default = raw.get("default")
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        default = decimal_of(default)
    return InputField(
        field=raw["field"],
        type=raw["type"],
        label=_text(raw, "label"),
        required=raw["required"],
        unit=Bilingual(**raw["unit"]) if "unit" in raw else None,
        min=_optional_decimal(raw.get("min")),
        max=_optional_decimal(raw.get("max")),
        default=default,
        enum=tuple(EnumOption(o["value"], _text(o, "label")) for o in raw.get("enum", ())),
    )


def _build_tiers(raw: list | None) -> tuple[Tier, ...]:
    return tuple(Tier(decimal_of(t["min"]), decimal_of(t["points"])) for t in raw or ())


def _build_rule(raw: Mapping) -> Rule:
    params = raw["params"]
    return Rule(
        kind=raw["kind"],
        input=params.get("input"),
        numerator=params.get("numerator"),
        denominator=params.get("denominator"),
        on_zero_denominator=params.get("on_zero_denominator"),
        threshold=_optional_decimal(params.get("threshold")),
        below=params.get("below"),
        tiers=_build_tiers(params.get("tiers")),
        steps=_build_tiers(params.get("steps")),
        else_points=_optional_decimal(params.get("else_points")),
        points_per_unit=_optional_decimal(params.get("points_per_unit")),
        max_deduction=_optional_decimal(params.get("max_deduction")),
        guidance=tuple(GuidanceLevel(decimal_of(g["points"]), _text(g, "label"))
                       for g in params.get("guidance", ())),
    )


def _build_criterion(raw: Mapping, group: str) -> Criterion:
    notes = raw.get("notes")
    return Criterion(
        code=raw["code"],
        group=group,
        name=_text(raw, "name"),
        max_points=decimal_of(raw["max_points"]),
        inputs=tuple(_build_input(f) for f in raw["inputs"]),
        evidence=Evidence(raw["evidence"]["required"], _text(raw["evidence"], "description")),
        rule=_build_rule(raw["rule"]),
        source=raw["source"],
        verifier=raw["verifier"],
        basis=raw["basis"],
        notes=Bilingual(**notes) if notes else None,
    )


def _build_unit_type(raw: Mapping, manifest: Mapping, catalog: CatalogIdentity,
                     classification: tuple[ClassificationTier, ...]) -> UnitTypeCatalog:
    period = raw["evaluation_period"]
    return UnitTypeCatalog(
        catalog=catalog,
        code=raw["unit_type"],
        name=_text(raw, "name"),
        evaluated_by=raw["evaluated_by"],
        ranking_scope=raw["ranking_scope"],
        period_start=PeriodBoundary(**period["start"]),
        period_end=PeriodBoundary(**period["end"]),
        excludes=tuple(_text(e, "name") for e in raw.get("excludes", ())),
        total_max_points=decimal_of(raw["total_max_points"]),
        groups=tuple(
            Group(g["code"], _text(g, "name"), decimal_of(g["max_points"]),
                  tuple(_build_criterion(c, g["code"]) for c in g["criteria"]))
            for g in raw["groups"]
        ),
        classification=classification,
        decimal_places=manifest["rounding"]["decimal_places"],
    )


def _optional_decimal(value: int | float | None) -> Decimal | None:
    return None if value is None else decimal_of(value)
