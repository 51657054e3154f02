"""Use cases of the unit registry and the review models: load their files, list the units."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from services.rounds.adapters.seed_files import load_review_models, load_unit_registry
from services.rounds.domain.units import Unit, UnitType
from services.rounds.service_layer.unit_of_work import RoundsUnitOfWork


def load_units(uow: RoundsUnitOfWork, paths: Iterable[Path]) -> int:
    """Load unit files (applied in order, as seed_files reads them) into the registry; returns
    how many units they declare. Loading the same files again changes nothing."""
    registry = load_unit_registry(list(paths))
    with uow:
        uow.units.save_all(registry)
        uow.commit()
    return len(registry)


def load_review_models_file(uow: RoundsUnitOfWork, path: Path) -> int:
    models = load_review_models(path)
    with uow:
        uow.review_models.replace_all(models)
        uow.commit()
    return len(models.models)


def list_units(uow: RoundsUnitOfWork, on: dt.date | None, unit_type: UnitType | None) -> list[Unit]:
    """The registry, parents before children; `on` keeps the units active that day."""
    with uow:
        registry = uow.units.registry()
    found = registry.active_on(on) if on else registry.units
    order = list(UnitType)
    return sorted((u for u in found if unit_type is None or u.unit_type is unit_type),
                  key=lambda u: (order.index(u.unit_type), u.code))
