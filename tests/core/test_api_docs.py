from __future__ import annotations

import re

import pytest


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_any_cdn(org, client):
    client.force_login(org.users["discipline"])
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/org/posts/" in text and "/api/v1/org/roles/" in text
    for page in ("/api/docs/", "/api/redoc/"):
        html = client.get(page).content.decode()
        external = [u for u in re.findall(r'(?:src|href)="([^"]+)"', html) if u.startswith(("http:", "https:", "//"))]
        assert external == [], page
        assert "/static/drf_spectacular_sidecar/" in html


@pytest.mark.django_db
def test_base_page_uses_only_vendored_assets(org, client):
    client.force_login(org.users["cadre"])
    html = client.get("/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:css|js|svg))"', html)
    assert assets and all(a.startswith("/static/") for a in assets)
