"""The public portal's report pages: file a report (anonymously or named) and check its
progress with the receipt code. No account, no session, nothing about the reporter kept.

Guessing receipt codes is rate-limited per client for an hour; the limiter keeps only a
salted hash of the address, in the cache, never in the database or the logs.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from alerts import services
from alerts.forms import PublicReportForm, ReceiptForm
from org.models import NodeKind, OrgNode
from org.views import form_errors

GUESSES_PER_HOUR = 10


def _units():
    return OrgNode.objects.filter(kind=NodeKind.UNIT, is_active=True).order_by("path").only("pk", "name")


@never_cache
def report(request):
    form = PublicReportForm(request.POST or None, units=_units())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        node = OrgNode.objects.filter(pk=data["unit"], kind=NodeKind.UNIT).first()
        try:
            if node is None:
                raise ValidationError({"unit": _("Choose the unit the report concerns.")})
            petition, code = services.public_report(
                node=node,
                kind=data["kind"],
                subject=data["subject"],
                content=data["content"],
                name=data["name"],
                contact=data["contact"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            # The code is shown once, on this response only; it is not stored anywhere.
            return render(
                request,
                "public/report_done.html",
                {"code": code, "anonymous": petition.is_anonymous, "due_on": petition.due_on},
            )
    return render(request, "public/report.html", {"form": form})


def _client_key(request) -> str:
    day = timezone.localdate().isoformat()
    raw = f"{settings.SECRET_KEY}:{day}:{request.META.get('REMOTE_ADDR', '')}"
    return "receipt-guesses:" + hashlib.sha256(raw.encode()).hexdigest()


@never_cache
def check(request):
    form = ReceiptForm(request.POST or None)
    petition, limited, missing = None, False, False
    if request.method == "POST" and form.is_valid():
        key = _client_key(request)
        cache.add(key, 0, timeout=3600)
        if cache.incr(key) > GUESSES_PER_HOUR:
            limited = True
        else:
            petition = services.petition_by_receipt(form.cleaned_data["code"])
            missing = petition is None
    status = 429 if limited else 200
    return render(
        request,
        "public/report_check.html",
        {"form": form, "petition": petition, "limited": limited, "missing": missing},
        status=status,
    )
