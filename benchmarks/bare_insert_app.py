"""The baseline of the draft-save benchmark: a bare Flask app that answers `PATCH /reports/<id>`
by inserting the JSON body as one row, under the same gunicorn settings as the services
(deploy/gunicorn.conf.py) and the same driver and pool (SQLAlchemy + psycopg).

    BARE_DATABASE_URL=postgresql+psycopg://... \
        gunicorn -c deploy/gunicorn.conf.py 'benchmarks.bare_insert_app:create_app()'
"""
from __future__ import annotations

import json
import os

import sqlalchemy as sa
from flask import Flask, request

metadata = sa.MetaData()
drafts = sa.Table("bare_drafts", metadata,
                  sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
                  sa.Column("report_id", sa.String(36), nullable=False),
                  sa.Column("answers", sa.Text, nullable=False))


def create_app() -> Flask:
    engine = sa.create_engine(os.environ["BARE_DATABASE_URL"], pool_pre_ping=True)  # the table exists already
    app = Flask("bare")

    @app.patch("/reports/<report_id>")
    def save(report_id: str):
        body = request.get_json()
        with engine.begin() as connection:
            connection.execute(drafts.insert().values(report_id=report_id, answers=json.dumps(body["answers"])))
        return {"report_id": report_id}

    return app
