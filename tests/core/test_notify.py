from __future__ import annotations

import pytest
from django.core import mail

from core.models import Notification
from core.services import notification_email_send, notifications_mark_read, notify
from core.tasks import email_notification
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_notify_is_idempotent_by_key_and_emails_once(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from lianzheng.celery import app

    app.conf.task_always_eager = True
    try:
        user = UserFactory(username="n1")
        # when the same reminder is sent twice (a retried task)
        first = notify(recipient=user, key="reminder:1", title="请提交自查报告", url="/")
        second = notify(recipient=user, key="reminder:1", title="请提交自查报告", url="/")
    finally:
        app.conf.task_always_eager = False
    # then one notification exists and one e-mail went out
    assert first is not None and second is None
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "请提交自查报告"
    # and a duplicated e-mail task sends nothing more
    assert email_notification(first.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_email_claim_sends_once():
    user = UserFactory(username="n2")
    note = Notification.objects.create(recipient=user, key="k", title="t")
    assert notification_email_send(notification_id=note.pk) is True
    assert notification_email_send(notification_id=note.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_other_keys_and_other_people_are_separate():
    a, b = UserFactory(username="na"), UserFactory(username="nb")
    assert notify(recipient=a, key="k1", title="x", email=False)
    assert notify(recipient=a, key="k2", title="y", email=False)
    assert notify(recipient=b, key="k1", title="x", email=False)
    assert Notification.objects.count() == 3


@pytest.mark.django_db
def test_bell_and_mark_read(client):
    user = UserFactory(username="nc")
    notify(recipient=user, key="k", title="新的预警", email=False)
    client.force_login(user)
    home = client.get("/").content.decode()
    assert "新的预警" in home
    assert 'rounded-pill bg-danger">1<' in home
    client.post("/notifications/read/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert notifications_mark_read(user=user) == 0


@pytest.mark.django_db
def test_nobody_opens_anothers_notification(client):
    a, b = UserFactory(username="nd"), UserFactory(username="ne")
    note = notify(recipient=a, key="k", title="x", email=False)
    client.force_login(b)
    assert client.get(f"/notifications/{note.pk}/").status_code == 404


@pytest.mark.django_db
def test_one_menu_entry_is_active(org, client):
    client.force_login(org.users["discipline"])
    page = client.get(f"/org/posts/{org.post_a1.pk}/").content.decode()
    assert page.count("nav-link active") == 1
    assert 'nav-link active" href="/org/posts/"' in page
