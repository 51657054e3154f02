"""A multipart form read as one schema, its fields and its files together, so that OpenAPI 3
documents it as one `multipart/form-data` request body (two webargs locations would leave the
fields as OpenAPI 2 `formData` parameters)."""
from __future__ import annotations

from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict


class MultipartParser(FlaskParser):
    """`location="files"` reads the form's fields too."""

    def load_files(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


def read_multipart(blueprint: Blueprint) -> Blueprint:
    """Make `blueprint`'s `location="files"` arguments read whole multipart forms."""
    blueprint.ARGUMENTS_PARSER = MultipartParser()
    return blueprint
