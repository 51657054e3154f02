"""The unit registry and the review models as stored rows ⇄ the domain's frozen values."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.rounds.adapters.orm import review_models, units
from services.rounds.domain.review_models import ReviewingBody, ReviewModel, ReviewModels
from services.rounds.domain.units import Unit, UnitRegistry


class UnitRepository:
    def __init__(self, session: Session):
        self.session = session

    def registry(self) -> UnitRegistry:
        """Every unit ever registered, validated as one tree."""
        return UnitRegistry(self._all())

    def get(self, code: str) -> Unit | None:
        row = self.session.execute(sa.select(units).where(units.c.code == code)).mappings().first()
        return _unit(row) if row else None

    def save_all(self, registry: UnitRegistry) -> None:
        """Insert new units and update known ones. Units missing from `registry` stay: units are
        never deleted, so the merged tree is validated before anything is written."""
        stored = {unit.code: unit for unit in self._all()}
        UnitRegistry({**stored, **{unit.code: unit for unit in registry.units}}.values())
        added = [_row(unit) for unit in registry.units if unit.code not in stored]
        changed = [_row(unit) for unit in registry.units if unit.code in stored and stored[unit.code] != unit]
        # One statement each, run over all their rows (a national registry is 12,000 units).
        if added:
            self.session.execute(units.insert(), added)
        if changed:
            self.session.execute(
                units.update().where(units.c.code == sa.bindparam("unit_code")).values(
                    {column: sa.bindparam(column) for column in changed[0] if column != "code"}),
                [{**row, "unit_code": row["code"]} for row in changed])

    def _all(self) -> list[Unit]:
        return [_unit(row) for row in self.session.execute(sa.select(units).order_by(units.c.code)).mappings()]


class ReviewModelRepository:
    def __init__(self, session: Session):
        self.session = session

    def models(self) -> ReviewModels:
        rows = self.session.execute(sa.select(review_models)).mappings()
        return ReviewModels(
            ReviewModel(id=row["id"], valid_from=row["valid_from"], valid_to=row["valid_to"],
                        reviewing_body=ReviewingBody(**row["reviewing_body"]), rules=row["rules"],
                        basis=row["basis"])
            for row in rows
        )

    def replace_all(self, models: ReviewModels) -> None:
        """The models file is the whole history of who reviews whom; it replaces the stored one.
        Reports keep the reviewer they were assigned when their round opened."""
        self.session.execute(review_models.delete())
        rows = [_model_row(model) for model in models.models]
        if rows:
            self.session.execute(review_models.insert(), rows)


def _unit(row) -> Unit:
    return Unit(**row)


def _row(unit: Unit) -> dict:
    return {
        "code": unit.code, "name_vi": unit.name_vi, "name_en": unit.name_en, "unit_type": unit.unit_type.value,
        "parent_code": unit.parent_code, "active_from": unit.active_from, "active_to": unit.active_to,
        "evaluated": unit.evaluated, "merged_into": unit.merged_into, "note": unit.note,
    }


def _model_row(model: ReviewModel) -> dict:
    body = model.reviewing_body
    return {
        "id": model.id, "valid_from": model.valid_from, "valid_to": model.valid_to,
        "reviewing_body": {"code": body.code, "name_vi": body.name_vi, "name_en": body.name_en},
        "rules": {unit_type.value: rule.value for unit_type, rule in model.rules.items()},
        "basis": model.basis,
    }
