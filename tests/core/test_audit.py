from __future__ import annotations

import pytest

from org import services
from org.models import Post


@pytest.mark.django_db
def test_every_change_keeps_who_when_what_and_why(org, client):
    staff = org.users["discipline"]
    # when discipline staff rename a post, giving a reason
    services.post_update(user=staff, post=org.post_a1, name="员额检察官", reason="机构改革更名")
    # then the history has the change, by whom, with old and new values and the reason
    latest, previous = Post.history.filter(id=org.post_a1.pk).order_by("-history_id")[:2]
    assert latest.history_change_reason == "机构改革更名"
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", "检察官", "员额检察官")]
    # and the app shows it to those allowed to read the audit trail
    client.force_login(staff)
    page = client.get(f"/history/org.post/{org.post_a1.pk}/").content.decode()
    assert "机构改革更名" in page and "员额检察官" in page and "检察官" in page


@pytest.mark.django_db
def test_history_recorded_for_web_edits_with_the_user(org, client):
    staff = org.users["discipline"]
    client.force_login(staff)
    client.post(
        f"/org/posts/{org.post_a2.pk}/edit/", {"name": "机要秘书", "rank": 1, "max_holders": 1, "reason": "调整"}
    )
    record = Post.history.filter(id=org.post_a2.pk).latest("history_id")
    assert record.history_user == staff
    assert record.history_change_reason == "调整"


@pytest.mark.django_db
def test_history_is_scoped(org, client):
    client.force_login(org.users["cadre"])
    assert client.get(f"/history/org.post/{org.post_a1.pk}/").status_code == 403
    client.force_login(org.users["discipline"])
    assert client.get(f"/history/org.post/{org.post_b1.pk}/").status_code == 403
    assert client.get("/history/auth.user/1/").status_code == 404


@pytest.mark.django_db
def test_node_move_is_in_the_trail(org):
    commission = org.users["commission"]
    services.node_move(user=commission, node=org.dept_a2, new_parent=org.unit_b, reason="职能划转")
    record = org.dept_a2.history.latest("history_id")
    assert record.history_change_reason == "职能划转"
    assert record.path.startswith(org.unit_b.path)
