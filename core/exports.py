"""Background exports: documents too big to build within a request.

An area registers a builder for a kind of document (`register("risks.system_table", ...)`
at import time of a module its AppConfig.ready() imports, so the web process and the worker
both know it). `export_request` records an ExportJob and enqueues the worker on commit;
`export_run` claims the job once, builds it with progress reports, and stores the file for
the requester to download.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import ExportJob, ExportStatus
from core.services import notify

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Builder = Callable[[ExportJob, Progress], tuple[str, bytes]]

# The worker's limits for one export (seconds). A job still "running" after the hard limit
# lost its worker (killed, or the machine restarted): a redelivered task may claim it again.
SOFT_TIME_LIMIT = 25 * 60
TIME_LIMIT = 30 * 60
STALE_AFTER = timedelta(seconds=TIME_LIMIT + 60)
PROGRESS_STEP = 5  # save progress every this many percent


@dataclass(frozen=True)
class ExportKind:
    builder: Builder
    label: str


_KINDS: dict[str, ExportKind] = {}


def register(kind: str, builder: Builder, *, label: str = "") -> None:
    """Make `kind` buildable: builder(job, progress) -> (file name, bytes)."""
    _KINDS[kind] = ExportKind(builder, label or kind)


def kind_label(kind: str) -> str:
    found = _KINDS.get(kind)
    return str(found.label) if found else kind


def export_request(*, user, kind: str, params: dict) -> ExportJob:
    """Record an export for `user` and have a worker build it once this transaction commits."""
    from core.tasks import run_export

    if kind not in _KINDS:
        raise ValidationError({"kind": _("Unknown kind of export: %(kind)s.") % {"kind": kind}})
    job = ExportJob(kind=kind, params=params, requested_by=user)
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: run_export.delay(job.pk))
    return job


class _Reporter:
    """progress(done, total) for a builder: writes the job's row every PROGRESS_STEP %."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.saved = -PROGRESS_STEP
        self.total = None

    def __call__(self, done: int, total: int) -> None:
        percent = min(99, done * 100 // total) if total else 0  # 100 only once the file is stored
        if percent - self.saved < PROGRESS_STEP and total == self.total:
            return
        self.saved, self.total = percent, total
        ExportJob.objects.filter(id=self.job_id, status=ExportStatus.RUNNING).update(progress=percent, total=total)


def _claim(job_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    return bool(
        ExportJob.objects.filter(claimable, id=job_id).update(status=ExportStatus.RUNNING, started_at=now, progress=0)
    )


def _tell(job: ExportJob, title: str, outcome: str) -> None:
    """An in-app notification with a link to the job's page (no e-mail: the file is here)."""
    notify(
        recipient=job.requested_by,
        key=f"export:{job.pk}:{outcome}",
        title=title % {"label": kind_label(job.kind)},
        url=reverse("core:export_job", args=[job.pk]),
        email=False,
    )


def _fail(job: ExportJob, message: str) -> None:
    failed = ExportJob.objects.filter(id=job.pk, status=ExportStatus.RUNNING).update(
        status=ExportStatus.FAILED, error=message[:2000], finished_at=timezone.now()
    )
    if failed:
        _tell(job, _("Export failed: %(label)s"), ExportStatus.FAILED)


def export_run(job_id: int) -> bool:
    """Build a queued export; True when this call built it.

    The conditional UPDATE claims the job, so a doubled or redelivered task does nothing
    while another run holds it (or after it finished). Any failure of the builder marks
    the job failed with its message, for the requester to see.
    """
    if not _claim(job_id):
        return False
    job = ExportJob.objects.get(id=job_id)
    kind = _KINDS.get(job.kind)
    if kind is None:
        _fail(job, _("Unknown kind of export: %(kind)s.") % {"kind": job.kind})
        return False
    try:
        filename, data = kind.builder(job, _Reporter(job_id))
        job.file.save(filename, ContentFile(data), save=False)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong is the job's outcome
        logger.exception("export %s (%s) failed", job_id, job.kind)
        _fail(job, str(exc) or exc.__class__.__name__)
        return False
    done = ExportJob.objects.filter(id=job_id, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE,
        progress=100,
        file=job.file.name,
        filename=filename,
        error="",
        finished_at=timezone.now(),
    )
    if done:
        _tell(job, _("Ready to download: %(label)s"), ExportStatus.DONE)
    return bool(done)


def may_download(user, job: ExportJob) -> bool:
    """Only the requester (or a superuser) sees an export: it holds what they may read."""
    return user.is_authenticated and (user.is_superuser or job.requested_by_id == user.pk)
