"""What the OpenAPI documents say about the API as a whole: the error bodies, the upload's
request body, where the service is, and the page that shows them."""
from __future__ import annotations

import pytest

from services.submission import bootstrap as submission

pytestmark = pytest.mark.integration


@pytest.fixture
def client(settings_for):
    runtime = submission.runtime(settings_for("submission"))
    runtime.migrate()
    yield submission.create_app(runtime).test_client()
    runtime.engine.dispose()


def test_the_document_describes_problems_servers_and_the_multipart_upload(client):
    spec = client.get("/openapi.json").json
    assert spec["servers"][0]["url"] == "."
    error = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(error) == ["application/problem+json"]
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "title_en", "status", "detail", "detail_en", "errors"} <= set(problem["properties"])
    upload = spec["paths"]["/reports/{report_id}/evidence"]["post"]
    assert "parameters" not in upload or all(p["in"] != "formData" for p in upload["parameters"])
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    form = spec["components"]["schemas"][form["$ref"].rsplit("/", 1)[1]] if "$ref" in form else form
    assert {"criterion", "file", "supersedes"} <= set(form["properties"]) and "criterion" in form["required"]
    listing = spec["paths"]["/reports"]["get"]
    assert {"page", "page_size"} <= {p["name"] for p in listing["parameters"]}
    assert "Link" in listing["responses"]["200"]["headers"]


def test_the_documents_page_is_served_without_a_cdn_or_inline_script(client):
    page = client.get("/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'src="swagger-ui/swagger-ui-bundle.js"' in html and 'src="docs.js"' in html
    assert "<script>" not in html and "http" not in html.replace("<!DOCTYPE html>", "").replace("<html", "")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    starter = client.get("/docs.js")
    assert starter.status_code == 200 and 'url: "openapi.json"' in starter.get_data(as_text=True)
    script = client.get("/swagger-ui/swagger-ui-bundle.js")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.get_data()
    assert client.get("/swagger-ui/swagger-ui.css").status_code == 200
