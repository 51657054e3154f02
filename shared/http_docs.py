"""A page to read each service's OpenAPI document: Swagger UI at `/docs`, its scripts served
from the `swagger-ui-bundle` package (no CDN: the province's network may not reach one) and
no inline script (the pages' Content-Security-Policy allows scripts from the service only);
the document's `servers` are relative to where it is served (`/` alone, `/submission/` embedded)."""
from __future__ import annotations

from html import escape

from flask import Flask, Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path

ASSETS_PATH = "swagger-ui"
# Relative URLs throughout, so that the page works under an embedded prefix too.
PAGE = """<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>{title} — tài liệu API (API documents)</title>
<link rel="stylesheet" href="swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="swagger-ui/swagger-ui-bundle.js"></script>
<script src="docs.js"></script>
</body>
</html>
"""
STARTER = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                               displayRequestDuration: true});
});
"""


def spec_kwargs() -> dict:
    return {
        "servers": [{"url": ".", "description": "dịch vụ này, nơi phục vụ tài liệu (this service)"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        "security": [{"bearer": []}],
    }


def register(app: Flask) -> None:
    title = escape(app.config["API_TITLE"])

    @app.get("/docs")
    def api_documents():
        return Response(PAGE.format(title=title), mimetype="text/html")

    @app.get("/docs.js")
    def api_documents_starter():
        return Response(STARTER, mimetype="text/javascript")

    @app.get(f"/{ASSETS_PATH}/<path:filename>")
    def swagger_ui_asset(filename: str):
        return send_from_directory(swagger_ui_path, filename, max_age=86400)
