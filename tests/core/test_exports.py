"""Background exports: requested on commit, claimed once, progress, failure, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import exports
from core.models import ExportJob, ExportStatus, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

calls: list[tuple[int, int]] = []


def counting_builder(job, progress):
    """Reports progress over job.params["n"] items and returns a small text file."""
    n = job.params["n"]
    for done in range(1, n + 1):
        progress(done, n)
        calls.append((done, n))
    return f"列表-{n}.txt", "\n".join(str(i) for i in range(n)).encode()


def failing_builder(job, progress):
    progress(1, 10)
    raise RuntimeError("磁盘已满")


exports.register("test.count", counting_builder, label="计数")
exports.register("test.fail", failing_builder)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def user(db):
    return UserFactory(username="asker")


def test_a_request_is_queued_and_sent_to_the_worker_on_commit(user, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("core.tasks.run_export.delay", sent.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = exports.export_request(user=user, kind="test.count", params={"n": 3})
        assert sent == []  # nothing is sent before the transaction commits
    assert (job.status, job.requested_by, job.params) == (ExportStatus.QUEUED, user, {"n": 3})
    for callback in callbacks:
        callback()
    assert sent == [job.pk]


def test_an_unknown_kind_is_refused(user):
    with pytest.raises(ValidationError):
        exports.export_request(user=user, kind="test.nothing", params={})
    assert not ExportJob.objects.exists()


def test_a_run_builds_the_file_once_with_progress(user, media, monkeypatch):
    saved = []
    original = exports._Reporter.__call__

    def spy(self, done, total):
        before = ExportJob.objects.values_list("progress", flat=True).get(pk=self.job_id)
        original(self, done, total)
        after = ExportJob.objects.values_list("progress", flat=True).get(pk=self.job_id)
        if after != before:
            saved.append(after)

    monkeypatch.setattr(exports._Reporter, "__call__", spy)
    job = ExportJob.objects.create(kind="test.count", params={"n": 200}, requested_by=user)
    assert exports.export_run(job.pk) is True
    job.refresh_from_db()
    assert (job.status, job.progress, job.total, job.filename) == (ExportStatus.DONE, 100, 200, "列表-200.txt")
    assert job.file.name.startswith(f"exports/{timezone.now():%Y/%m}/")
    assert job.file.read().decode().splitlines()[-1] == "199"
    assert job.finished_at is not None and job.started_at <= job.finished_at
    # progress is written every few percent, not for each of the 200 items, and never 100 before the end
    assert 10 <= len(saved) <= 25 and saved == sorted(saved) and 90 <= max(saved) < 100
    note = Notification.objects.get(recipient=user)
    assert note.url == reverse("core:export_job", args=[job.pk])

    calls.clear()
    assert exports.export_run(job.pk) is False  # a doubled task builds nothing
    assert calls == []


def test_a_job_is_claimed_by_one_run(user):
    job = ExportJob.objects.create(kind="test.count", params={"n": 1}, requested_by=user)
    assert exports._claim(job.pk) is True
    assert exports._claim(job.pk) is False  # another worker holds it
    # a run that lost its worker (past the hard time limit) may be taken over
    ExportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - exports.STALE_AFTER - dt.timedelta(1))
    assert exports._claim(job.pk) is True


def test_a_failing_builder_fails_the_job_with_its_message(user, media):
    job = ExportJob.objects.create(kind="test.fail", params={}, requested_by=user)
    assert exports.export_run(job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.error, bool(job.file)) == (ExportStatus.FAILED, "磁盘已满", False)
    assert exports.export_run(job.pk) is False  # a failed job stays failed


def test_a_kind_no_longer_registered_fails(user):
    job = ExportJob.objects.create(kind="test.gone", params={}, requested_by=user)
    assert exports.export_run(job.pk) is False
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "test.gone" in job.error


def test_the_page_polls_until_done_and_only_the_requester_sees_it(client, user, media):
    job = ExportJob.objects.create(kind="test.count", params={"n": 2}, requested_by=user)
    page, download = reverse("core:export_job", args=[job.pk]), reverse("core:export_download", args=[job.pk])
    client.force_login(user)
    response = client.get(page)
    assert response.status_code == 200
    assert b'hx-trigger="every 2s"' in response.content and "计数" in response.content.decode()
    assert client.get(download).status_code == 404  # nothing to download yet

    exports.export_run(job.pk)
    response = client.get(page)
    assert b"hx-trigger" not in response.content and b'data-testid="export-download"' in response.content
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"0\n1"

    client.force_login(UserFactory(username="someone_else"))
    assert client.get(page).status_code == 403
    assert client.get(download).status_code == 403
    client.logout()
    assert client.get(download).status_code == 302  # to the login page


def test_a_failed_job_shows_its_error(client, user, media):
    job = ExportJob.objects.create(kind="test.fail", params={}, requested_by=user)
    exports.export_run(job.pk)
    client.force_login(user)
    response = client.get(reverse("core:export_job", args=[job.pk]))
    assert b'data-testid="export-error"' in response.content and "磁盘已满" in response.content.decode()
    assert b"hx-trigger" not in response.content
