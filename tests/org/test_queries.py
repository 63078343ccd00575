"""A page's query count does not grow with its rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import Person, Post, PostHolding, PostRank


def _fill(department, unit, n):
    posts = Post.objects.bulk_create(
        [Post(department=department, name=f"批量岗位{i}", rank=PostRank.STAFF) for i in range(n)]
    )
    people = Person.objects.bulk_create([Person(name=f"批量干部{i}", unit=unit) for i in range(n)])
    PostHolding.objects.bulk_create(
        [PostHolding(person=pe, post=po, start_date=dt.date(2024, 1, 1)) for pe, po in zip(people, posts, strict=True)]
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = [
    "/",
    "/org/posts/",
    "/org/people/",
    "/org/roles/",
    "/api/v1/org/posts/",
    "/api/v1/org/people/",
    "/api/v1/org/nodes/",
    "/api/v1/org/holdings/",
]


@pytest.mark.parametrize("url", PAGES)
def test_list_queries_do_not_grow_with_rows(org, client, url):
    client.force_login(org.users["discipline"])
    _fill(org.dept_a2, org.unit_a, 1)
    client.get(url)  # warm the process-wide caches (content types) first
    few = _count(client, url)
    _fill(org.dept_a2, org.unit_a, 49)
    many = _count(client, url)
    assert many == few
    # The home page runs every area's to-do provider: one or two aggregates each.
    assert few <= (18 if url == "/" else 14)


@pytest.mark.parametrize("name", ["node_detail_dept", "node_detail_unit", "post_detail", "person_detail"])
def test_detail_pages_are_bounded(org, client, name):
    client.force_login(org.users["discipline"])
    _fill(org.dept_a2, org.unit_a, 1)
    urls = {
        "node_detail_dept": f"/org/nodes/{org.dept_a2.pk}/",
        "node_detail_unit": f"/org/nodes/{org.unit_a.pk}/",
        "post_detail": f"/org/posts/{Post.objects.filter(department=org.dept_a2).first().pk}/",
        "person_detail": f"/org/people/{Person.objects.first().pk}/",
    }
    client.get(urls[name])  # warm the process-wide caches (content types) first
    few = _count(client, urls[name])
    _fill(org.dept_a2, org.unit_a, 49)
    assert _count(client, urls[name]) == few
    assert few <= 18


def test_lists_page_by_keyset(org, client):
    client.force_login(org.users["discipline"])
    _fill(org.dept_a2, org.unit_a, 120)
    first = client.get("/api/v1/org/posts/").json()
    assert len(first["results"]) == 50 and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    page = client.get("/org/posts/").content.decode()
    assert 'data-testid="next-page"' in page
