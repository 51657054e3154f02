"""The tables of the unit registry, the review models and the rounds, on the submission
service's metadata (same schema, same migrations).

They are read and written by explicit repositories (registry_repository, rounds_repository)
rather than mapped: units and review models are frozen values, and a round keeps its
windows, overrides and extensions as JSON documents. A round's scope (up to the whole
national tree, about 12,000 units) has a table of its own, so that a submission looks up
its one unit instead of reading the round's whole scope.
"""
from __future__ import annotations

import sqlalchemy as sa

from services.submission.adapters.orm import JSON, metadata

units = sa.Table(
    "units",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("name_vi", sa.String(255), nullable=False),
    sa.Column("name_en", sa.String(255), nullable=True),
    sa.Column("unit_type", sa.String(32), nullable=False),
    sa.Column("parent_code", sa.String(64), nullable=True),
    sa.Column("active_from", sa.Date, nullable=False),
    sa.Column("active_to", sa.Date, nullable=True),
    sa.Column("evaluated", sa.Boolean, nullable=False),
    sa.Column("merged_into", sa.String(64), nullable=True),
    sa.Column("note", sa.Text, nullable=True),
)

review_models = sa.Table(
    "review_models",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=True),
    sa.Column("reviewing_body", JSON, nullable=False),
    sa.Column("rules", JSON, nullable=False),
    sa.Column("basis", sa.Text, nullable=False),
)

rounds = sa.Table(
    "rounds",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("period_month", sa.Integer, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("catalog_versions", JSON, nullable=False),
    sa.Column("windows", JSON, nullable=False),
    # How many units the round evaluates: the size of its scope in `round_units`, kept with the round.
    sa.Column("unit_count", sa.Integer, nullable=False, server_default="0"),
    # The audit of administrative changes: who changed which window or deadline, when and why.
    sa.Column("window_overrides", JSON, nullable=False),
    sa.Column("extensions", JSON, nullable=False),
    sa.Column("reminders_sent", JSON, nullable=False),
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("commune_results_due", sa.DateTime(timezone=True), nullable=True),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_rounds_status", "status"),
)

round_units = sa.Table(
    "round_units",
    metadata,
    sa.Column("round_id", sa.String(64), sa.ForeignKey("rounds.id"), primary_key=True),
    sa.Column("unit_code", sa.String(64), primary_key=True),
    sa.Column("unit_type", sa.String(32), nullable=False),
)
