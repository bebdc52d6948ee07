"""The API documents itself: /api/schema/ (OpenAPI 3) and an offline Swagger UI at /api/docs/."""

import re

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

HELP_OPERATIONS = {
    ("get", "/api/v1/help/categories/"),
    ("post", "/api/v1/help/categories/"),
    ("patch", "/api/v1/help/categories/{id}/"),
    ("delete", "/api/v1/help/categories/{id}/"),
    ("post", "/api/v1/help/categories/reorder/"),
    ("get", "/api/v1/help/articles/"),
    ("get", "/api/v1/help/articles/{id}/"),
    ("post", "/api/v1/help/articles/{id}/feedback/"),
    ("post", "/api/v1/help/questions/"),
    ("get", "/api/v1/help/questions/{token}/"),
    ("post", "/api/v1/help/questions/{token}/replies/"),
    ("get", "/api/v1/help/staff/questions/"),
    ("get", "/api/v1/help/staff/questions/{id}/"),
    ("post", "/api/v1/help/staff/questions/{id}/answer/"),
    ("post", "/api/v1/help/staff/questions/{id}/publish/"),
    ("post", "/api/v1/help/staff/questions/{id}/close/"),
    ("get", "/api/v1/help/staff/articles/"),
    ("post", "/api/v1/help/staff/articles/"),
    ("get", "/api/v1/help/staff/articles/{id}/"),
    ("patch", "/api/v1/help/staff/articles/{id}/"),
    ("delete", "/api/v1/help/staff/articles/{id}/"),
    ("post", "/api/v1/help/staff/articles/{id}/publish/"),
    ("post", "/api/v1/help/staff/articles/{id}/unpublish/"),
    ("get", "/api/v1/help/staff/synonyms/"),
    ("put", "/api/v1/help/staff/synonyms/"),
    ("get", "/api/v1/help/staff/similar-proposals/"),
    ("post", "/api/v1/help/staff/similar-proposals/{id}/accept/"),
    ("post", "/api/v1/help/staff/similar-proposals/{id}/reject/"),
    ("get", "/api/v1/help/staff/search-analytics/"),
    ("post", "/api/v1/help/staff/search-analytics/similar/"),
}


@pytest.fixture
def help_schema():
    """The help center's part of the schema, with whatever warnings generating it raised."""
    GENERATOR_STATS.reset()
    patterns = [path("api/v1/help/", include("kefu.helpcenter.api_urls"))]
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    problems = {"warnings": dict(GENERATOR_STATS._warn_cache), "errors": dict(GENERATOR_STATS._error_cache)}
    GENERATOR_STATS.reset()
    return schema, problems


def test_the_help_endpoints_generate_a_schema_without_warnings_or_errors(help_schema):
    schema, problems = help_schema

    assert problems == {"warnings": {}, "errors": {}}
    documented = {(method, p) for p, item in schema["paths"].items() for method in item}
    assert documented == HELP_OPERATIONS


def test_the_help_schema_is_valid_openapi(help_schema):
    pytest.importorskip("jsonschema")
    from drf_spectacular.validation import validate_schema

    validate_schema(help_schema[0])


def test_every_help_operation_has_a_unique_id_and_typed_responses(help_schema):
    schema, _ = help_schema
    operations = [op for item in schema["paths"].values() for op in item.values()]

    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    for op in operations:
        assert op["responses"], op["operationId"]
        assert op["summary"], op["operationId"]


def test_article_search_parameters_are_documented(help_schema):
    schema, _ = help_schema
    params = {p["name"]: p for p in schema["paths"]["/api/v1/help/articles/"]["get"]["parameters"]}

    assert {"q", "category", "page"} <= set(params)
    assert params["category"]["schema"]["type"] == "integer"


def test_the_api_description_is_for_the_team_only(client):
    assert client.get("/api/schema/").status_code == 403
    assert client.get("/api/docs/").status_code == 403


def test_schema_endpoint_serves_the_help_api(agent_client):
    client = agent_client
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/help/articles/" in schema["paths"]
    assert "/api/v1/help/staff/questions/{id}/publish/" in schema["paths"]


CDN = re.compile(r"(cdn|unpkg|jsdelivr|cdnjs|googleapis|cloudflare)", re.IGNORECASE)


def test_swagger_ui_is_served_without_any_cdn(agent_client):
    client = agent_client
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)
    assets = [r for r in references if r.endswith((".js", ".css", ".png"))]
    assert any("swagger-ui-bundle" in a for a in assets)
    assert not [r for r in references if r.startswith(("http://", "https://", "//"))]
    assert not CDN.search(page)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset


def test_the_whole_api_documents_itself_without_warnings():
    """Every app's endpoints together: no two components share a name, nothing is left untyped."""
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = {"warnings": dict(GENERATOR_STATS._warn_cache), "errors": dict(GENERATOR_STATS._error_cache)}
    GENERATOR_STATS.reset()
    assert problems == {"warnings": {}, "errors": {}}
    assert any(p.startswith("/api/v1/orders/") for p in schema["paths"])
