"""The OpenAPI schema and its docs page: served locally, complete about errors, paging and auth."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders

from tests.api.clients import anonymous_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    response = anonymous_client().get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_schema_is_openapi_3_and_lists_every_resource(schema):
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/actors/",
        "/api/v1/actors/{slug}/",
        "/api/v1/factions/{slug}/",
        "/api/v1/offices/{slug}/",
        "/api/v1/events/{slug}/",
        "/api/v1/sources/{id}/",
        "/api/v1/tombstones/",
        "/api/v1/export/popolo.json",
    } <= schema["paths"].keys()


def test_every_operation_documents_its_error_answers_as_json(schema):
    for path, method, operation in operations(schema):
        expected = {"400", "401", "404", "429"}
        if method != "get":
            expected |= {"403"}
        if method in ("put", "patch", "delete"):
            expected |= {"412"}
        assert expected <= operation["responses"].keys(), (method, path)
        for code in expected:
            assert "application/json" in operation["responses"][code]["content"], (method, path, code)


def test_token_auth_is_documented_and_reads_are_open_to_anonymous_unless_closed(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    for path, method, operation in operations(schema):
        if method == "get" and "x-requires-permission" not in operation:
            assert {} in operation["security"], path
    leads = schema["paths"]["/api/v1/leads/"]["get"]
    assert leads["x-requires-permission"] == "leads.view_lead"
    assert {} not in leads["security"]
    assert {"401", "403"} <= leads["responses"].keys()


def test_lists_document_paging_and_filters(schema):
    events = schema["paths"]["/api/v1/events/"]["get"]
    names = {parameter["name"] for parameter in events["parameters"]}
    assert {"cursor", "page_size", "q", "type", "actor", "faction", "date_after", "date_before"} <= names
    assert {"updated_since", "ordering", "format"} <= names
    page = schema["components"]["schemas"]["PaginatedEventList"]
    assert page["required"] == ["next", "results"]
    for path in ("/api/v1/actors/", "/api/v1/factions/", "/api/v1/offices/", "/api/v1/sources/"):
        names = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
        assert {"cursor", "page_size", "updated_since"} <= names, path
    repeated = next(parameter for parameter in events["parameters"] if parameter["name"] == "type")
    assert (repeated["schema"]["type"], repeated["explode"]) == ("array", True)


def test_detail_answers_document_the_etag_and_writes_the_if_match(schema):
    detail = schema["paths"]["/api/v1/events/{slug}/"]
    assert "ETag" in detail["get"]["responses"]["200"]["headers"]
    for method in ("put", "patch", "delete"):
        assert any(parameter["name"] == "If-Match" for parameter in detail[method]["parameters"])


def test_docs_page_is_served_from_our_own_static_files():
    response = anonymous_client().get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert not [source for source in sources if source.startswith(("http:", "https:", "//"))]
    bundle = next(source for source in sources if source.endswith("swagger-ui-bundle.js"))
    assert finders.find(bundle.removeprefix("/static/"))
