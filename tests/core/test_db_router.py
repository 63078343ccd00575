"""The read-replica router, with two database aliases: safe requests read from `replica`,
writes and everything after them (and tasks, commands) stay on `default`."""

from __future__ import annotations

import pytest
from django.db import connections, router
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from lianzheng.db_router import PIN_COOKIE, PrimaryReplicaRouter, ReplicaReadsMiddleware
from org.models import Post

ROUTERS = ["lianzheng.db_router.PrimaryReplicaRouter"]


def _through_middleware(request, view):
    return ReplicaReadsMiddleware(view)(request)


@override_settings(DATABASE_ROUTERS=ROUTERS)
def test_safe_requests_read_from_the_replica_until_they_write():
    seen = []

    def view(request):
        seen.append(router.db_for_read(Post))
        if request.GET.get("write"):
            seen.append(router.db_for_write(Post))
            seen.append(router.db_for_read(Post))
        return HttpResponse()

    rf = RequestFactory()
    response = _through_middleware(rf.get("/"), view)
    assert seen == ["replica"] and PIN_COOKIE not in response.cookies
    seen.clear()
    response = _through_middleware(rf.get("/?write=1"), view)
    assert seen == ["replica", "default", "default"] and response.cookies[PIN_COOKIE].value == "1"
    seen.clear()
    response = _through_middleware(rf.post("/"), view)
    assert seen == ["default"] and response.cookies[PIN_COOKIE].value == "1"
    seen.clear()
    pinned = rf.get("/")
    pinned.COOKIES[PIN_COOKIE] = "1"  # the page after "save" reads what was saved
    _through_middleware(pinned, view)
    assert seen == ["default"]
    # outside a request (Celery tasks, commands) every read is on the primary
    assert PrimaryReplicaRouter().db_for_read(Post) == "default"
    assert PrimaryReplicaRouter().allow_migrate("replica", "org") is False


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_pages_read_through_the_replica_alias(org, client, settings):
    """Two aliases for real: `replica` mirrors the test database, as a streaming replica
    mirrors the primary."""
    settings.DATABASE_ROUTERS = ROUTERS
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "lianzheng.db_router.ReplicaReadsMiddleware"]
    client.force_login(org.users["discipline"])
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        page = client.get("/org/posts/")
    assert page.status_code == 200 and org.post_a1.name in page.content.decode()
    assert any("org_post" in q["sql"] for q in on_replica.captured_queries)
    assert not any("org_post" in q["sql"] for q in on_primary.captured_queries)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.post(
            f"/org/nodes/{org.dept_a2.pk}/posts/add/",
            {"name": "新岗位", "rank": 1, "max_holders": 1, "duties": "", "reason": "测试"},
        )
    assert response.status_code in (200, 302)
    assert not on_replica.captured_queries  # a POST never touches the replica
    assert Post.objects.using("default").filter(name="新岗位").exists()
