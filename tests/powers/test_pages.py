"""Inventory pages and the public portal: scope, publication, bad input, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import Role
from powers import services
from powers.models import PowerVersion, VersionStatus

pytestmark = pytest.mark.django_db


def _form(org, licensing, **overrides):
    data = {
        "code": "P100",
        "name": "建设项目环评审批",
        "power_type": licensing.pk,
        "power_class": 1,
        "department": org.dept_a1.pk,
        "posts": [org.post_a1.pk],
        "time_limit_days": 15,
        "fees": "",
        "basis-TOTAL_FORMS": 2,
        "basis-INITIAL_FORMS": 0,
        "basis-0-law": "中华人民共和国环境影响评价法",
        "basis-0-articles": "第二十二条",
        "step-TOTAL_FORMS": 3,
        "step-INITIAL_FORMS": 0,
        "step-0-key": "S1",
        "step-0-name": "受理",
        "step-0-post": org.post_a1.pk,
        "step-0-next_keys": "S2、S3",
        "step-1-key": "S2",
        "step-1-name": "批准",
        "step-2-key": "S3",
        "step-2-name": "不批准",
    }
    data.update(overrides)
    return data


def test_staff_create_a_power_in_the_browser_form(org, client, licensing):
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    response = client.post(f"/powers/new/{org.unit_a.pk}/", _form(org, licensing))
    assert response.status_code == 302, response.content.decode()[:2000]
    version = PowerVersion.objects.get()
    assert set(version.steps.get(key="S1").next_steps.values_list("key", flat=True)) == {"S2", "S3"}
    page = client.get(f"/powers/v/{version.pk}/").content.decode()
    assert 'data-key="S3"' in page and "中华人民共和国环境影响评价法" in page


def test_a_cycle_in_the_form_is_shown_and_nothing_saved(org, client, licensing):
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    response = client.post(f"/powers/new/{org.unit_a.pk}/", _form(org, licensing, **{"step-1-next_keys": "S1"}))
    assert response.status_code == 200
    assert "流程出现循环" in response.content.decode()
    assert not PowerVersion.objects.exists()


def test_other_units_and_readers_cannot_edit(org, client, make_power, licensing):
    version = make_power()
    client.force_login(org.users[Role.UNIT_CHIEF])
    assert client.get(f"/powers/v/{version.pk}/").status_code == 200
    assert client.get(f"/powers/v/{version.pk}/edit/").status_code == 403
    assert client.post(f"/powers/v/{version.pk}/publish/").status_code == 403
    assert client.get(f"/powers/new/{org.unit_a.pk}/").status_code == 403
    client.force_login(org.users["outsider"])
    assert client.get(f"/powers/v/{version.pk}/").status_code == 403
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_public_sees_only_published_and_no_internal_names(org, client, make_power):
    staff = org.users[Role.DISCIPLINE_STAFF]
    published = make_power(code="P1")
    services.draft_publish(user=staff, version=published)
    draft = make_power(code="P2", name="内部草稿事项")
    revision = services.power_revise(user=staff, power=published.power)
    listing = client.get("/public/").content.decode()
    assert "排污许可证核发" in listing and "内部草稿事项" not in listing
    assert client.get(f"/public/powers/{published.pk}/").status_code == 200
    assert client.get(f"/public/powers/{draft.pk}/").status_code == 404
    svg = client.get(f"/public/powers/{published.pk}/flowchart.svg")
    assert svg["Content-Type"].startswith("image/svg+xml") and b'data-key="S4"' in svg.content
    assert client.get(f"/public/powers/{draft.pk}/flowchart.svg").status_code == 404
    assert client.get(f"/public/powers/{revision.pk}/").status_code == 404
    detail = client.get(f"/public/powers/{published.pk}/").content.decode()
    assert staff.username not in detail and "created_by" not in detail
    searched = client.get("/public/?q=排污").content.decode()
    assert "排污许可证核发" in searched
    assert "排污许可证核发" not in client.get("/public/?q=不存在").content.decode()
    assert "排污许可证核发" in client.get("/public/?unit_name=检察").content.decode()
    assert "排污许可证核发" not in client.get("/public/?unit_name=环保").content.decode()


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/powers/", "/public/"])
def test_inventory_lists_do_not_grow_with_rows(org, client, make_power, url):
    staff = org.users[Role.DISCIPLINE_STAFF]
    client.force_login(staff)
    services.draft_publish(user=staff, version=make_power(code="P0"))
    few = _count(client, url)
    for i in range(1, 12):
        services.draft_publish(user=staff, version=make_power(code=f"P{i}"))
    assert _count(client, url) == few


def test_detail_page_queries_do_not_grow_with_steps(org, client, make_power):
    from powers.services import StepInput

    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    short = make_power(code="S")
    long_steps = [
        StepInput(f"S{i}", f"步骤{i}", org.post_a1, 1, "", [f"S{i + 1}"] if i < 20 else []) for i in range(1, 21)
    ]
    long = make_power(code="L", steps=long_steps)
    assert _count(client, f"/powers/v/{short.pk}/") == _count(client, f"/powers/v/{long.pk}/")


def test_post_duty_catalogue_page_and_export(org, client, make_power):
    from io import BytesIO

    from openpyxl import load_workbook

    staff = org.users[Role.DISCIPLINE_STAFF]
    services.draft_publish(user=staff, version=make_power(code="P1"))
    make_power(code="P2", name="未公布事项")  # a draft names the post too, but is not in the catalogue
    client.force_login(staff)
    page = client.get(f"/powers/posts/{org.post_a1_head.pk}/catalogue/").content.decode()
    assert "排污许可证核发" in page and "S2 审查" in page and "未公布事项" not in page
    response = client.get(f"/powers/posts/{org.post_a1_head.pk}/catalogue/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 1 and rows[0][0] == "P1" and "S2 审查" in rows[0][6]
    assert "行政许可法" in rows[0][5]
    client.force_login(org.users["outsider"])
    assert client.get(f"/powers/posts/{org.post_a1_head.pk}/catalogue/").status_code == 403


def test_inventory_as_it_stood_on_a_date(org, client, make_power):
    import datetime as dt

    from django.utils import timezone

    staff = org.users[Role.DISCIPLINE_STAFF]
    version = make_power()
    services.draft_publish(user=staff, version=version)
    PowerVersion.objects.filter(pk=version.pk).update(published_at=timezone.make_aware(dt.datetime(2026, 3, 2, 10)))
    client.force_login(staff)
    before = client.get(f"/powers/?under={org.unit_a.pk}&on=2026-03-01").content.decode()
    after = client.get(f"/powers/?under={org.unit_a.pk}&on=2026-03-02").content.decode()
    assert "排污许可证核发" not in before and "排污许可证核发" in after
    assert "2026-03-01" in before


def test_api_scoped_and_public(org, client, make_power):
    staff = org.users[Role.DISCIPLINE_STAFF]
    published = make_power(code="P1")
    services.draft_publish(user=staff, version=published)
    draft = make_power(code="P2")
    # the public API: no login, published only, with the process
    listing = client.get("/api/v1/public/powers/").json()
    assert [r["code"] for r in listing["results"]] == ["P1"]
    detail = client.get(f"/api/v1/public/powers/{published.pk}/").json()
    assert {s["key"]: s["next_keys"] for s in detail["steps"]}["S2"] == ["S3", "S4"]
    assert client.get(f"/api/v1/public/powers/{draft.pk}/").status_code == 404
    # the staff API: scoped, drafts included
    client.force_login(staff)
    codes = {r["code"] for r in client.get("/api/v1/powers/").json()["results"]}
    assert codes == {"P1", "P2"}
    client.force_login(org.users["outsider"])
    assert client.get("/api/v1/powers/").status_code == 403
    client.force_login(org.users[Role.DEPARTMENT_HEAD])
    assert client.get(f"/api/v1/powers/?type={published.power_type_id}&q=排污").json()["results"]


def test_api_writes_go_through_the_same_checks(org, client, licensing):
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    body = {
        "unit": org.unit_a.pk,
        "code": "API-1",
        "name": "接口新增事项",
        "power_type": licensing.pk,
        "power_class": 1,
        "department": org.dept_a1.pk,
        "posts": [org.post_a1.pk],
        "time_limit_days": 10,
        "legal_bases": [{"law": "中华人民共和国行政许可法", "articles": "第三十条"}],
        "steps": [
            {"key": "S1", "name": "受理", "post": org.post_a1.pk, "next_keys": ["S2"]},
            {"key": "S2", "name": "决定", "time_limit_days": 5},
        ],
    }
    created = client.post("/api/v1/powers/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert [s["next_keys"] for s in created.json()["steps"]] == [["S2"], []]
    # a loop is a 400 with the process error, and the draft is unchanged
    looping = {**body, "steps": [{"key": "S1", "name": "受理", "next_keys": ["S1"]}]}
    response = client.put(f"/api/v1/powers/{pk}/", looping, content_type="application/json")
    assert response.status_code == 400 and "steps" in response.json()
    assert PowerVersion.objects.get(pk=pk).steps.count() == 2
    assert client.post(f"/api/v1/powers/{pk}/publish/").json()["status"] == "published"
    revised = client.post(f"/api/v1/powers/{pk}/revise/").json()
    assert revised["number"] == 2 and revised["status"] == "draft"
    assert client.post(f"/api/v1/powers/{pk}/retire/", {}, content_type="application/json").status_code == 400
    # outside the writer's scope: refused, nothing created
    client.force_login(org.users[Role.CADRE])
    denied = client.post("/api/v1/powers/", {**body, "code": "API-2"}, content_type="application/json")
    assert denied.status_code == 403
    assert not PowerVersion.objects.filter(power__code="API-2").exists()
