"""Pages of background exports: a job's progress, and its file for the requester."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from core.exports import kind_label, may_download
from core.models import ExportJob, ExportStatus


def _job(request, pk: int) -> ExportJob:
    job = get_object_or_404(ExportJob, pk=pk)
    if not may_download(request.user, job):
        raise PermissionDenied
    return job


@never_cache
@login_required
def export_job(request, pk: int):
    """The job's status; the page polls itself (htmx) every 2 s until the job finishes."""
    job = _job(request, pk)
    return render(request, "core/export_job.html", {"job": job, "label": kind_label(job.kind)})


@login_required
def export_download(request, pk: int):
    job = _job(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename or None)
