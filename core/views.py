"""Shared pages: my to-do, notifications, the working-day calendar, audit history, /healthz."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from chinese_calendar.constants import Holiday
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import workdays
from core.forms import StyledFormMixin
from core.models import CalendarDay, Heartbeat, Notification
from core.paging import keyset_page
from core.services import notifications_mark_read
from core.todo import todos_for
from org.permissions import require, user_perms

# Models whose audit trail can be read in the app: "app_label.model" -> label.
AUDITED_MODELS = {
    "org.orgnode",
    "org.post",
    "org.person",
    "org.postholding",
    "org.roleassignment",
    "core.calendarday",
    "powers.powerversion",
    "powers.powertype",
    "risks.riskpoint",
}


@login_required
def home(request):
    """我的待办: what waits for the user, and their latest notifications."""
    latest = Notification.objects.filter(recipient=request.user).order_by("-id")[:10]
    return render(request, "core/home.html", {"todos": todos_for(request.user), "latest": latest})


@login_required
def notifications(request):
    qs = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    rows, next_url, prev_url = keyset_page(request, qs)
    return render(request, "core/notifications.html", {"rows": rows, "next_url": next_url, "prev_url": prev_url})


@login_required
@require_POST
def notifications_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    notifications_mark_read(user=request.user, ids=ids)
    return redirect(request.POST.get("next") or "core:notifications")


@login_required
def notification_open(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(user=request.user, ids=[note.pk])
    return redirect(note.url or "core:notifications")


class CalendarDayForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_workday", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
        labels = {"is_workday": gettext_lazy("Working day (untick for a holiday)")}


def _holiday_name(english: str) -> str:
    """chinesecalendar names holidays in English and knows their Chinese names."""
    if not get_language().startswith("zh"):
        return english
    return next((h.chinese for h in Holiday if h.value == english), english)


def _calendar_year(year: int) -> list[dict]:
    """The year's statutory holidays and adjusted working days, overrides applied."""
    days: dict[dt.date, dict] = {}
    for day, name in chinese_calendar.holidays.items():
        if day.year == year and day.weekday() < 5:
            days[day] = {"date": day, "is_workday": False, "name": _holiday_name(name), "source": "package"}
    for day, name in chinese_calendar.workdays.items():
        if day.year == year and day.weekday() >= 5:
            days[day] = {"date": day, "is_workday": True, "name": _holiday_name(name), "source": "package"}
    for o in CalendarDay.objects.filter(date__year=year):
        days[o.date] = {"date": o.date, "is_workday": o.is_workday, "name": o.name, "source": "override", "id": o.pk}
    return [days[d] for d in sorted(days)]


@login_required
def calendar(request):
    if "calendar.manage" not in user_perms(request.user):
        raise PermissionDenied
    year = int(request.GET.get("year") or timezone.localdate().year)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            CalendarDay.objects.update_or_create(
                date=form.cleaned_data["date"],
                defaults={"is_workday": form.cleaned_data["is_workday"], "name": form.cleaned_data["name"]},
            )
        messages.success(request, _("Saved."))
        return redirect(f"{request.path}?year={form.cleaned_data['date'].year}")
    first, last = workdays.covered_years()
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "days": _calendar_year(year),
            "form": form,
            "first": first,
            "last": last,
            "warning": workdays.coverage_warning(dt.date(year, 1, 1)),
            "years": range(first, max(last, timezone.localdate().year) + 2),
        },
    )


@login_required
@require_POST
def calendar_delete(request, pk: int):
    if "calendar.manage" not in user_perms(request.user):
        raise PermissionDenied
    day = get_object_or_404(CalendarDay, pk=pk)
    day.delete()
    messages.success(request, _("Override removed."))
    return redirect(reverse("core:calendar") + f"?year={day.date.year}")


@login_required
def history(request, model: str, pk: int):
    """The audit trail of one record: who changed what, when and why."""
    if model not in AUDITED_MODELS:
        raise Http404
    model_cls = apps.get_model(model)
    obj = get_object_or_404(model_cls, pk=pk)
    if model_cls is CalendarDay:
        if "calendar.manage" not in user_perms(request.user):
            raise PermissionDenied
    else:
        require(request.user, "audit.view", obj)
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:201])
    entries = []
    for i, rec in enumerate(records[:200]):
        prev = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if prev is not None and rec.history_type == "~":
            for change in rec.diff_against(prev).changes:
                field = model_cls._meta.get_field(change.field)
                changes.append({"field": field.verbose_name, "old": change.old, "new": change.new})
        entries.append({"rec": rec, "changes": changes})
    return render(
        request,
        "core/history.html",
        {"obj": obj, "entries": entries, "truncated": len(records) > 200, "model_name": model_cls._meta.verbose_name},
    )


@never_cache
def healthz(request):
    """Database, broker and the last worker/beat heartbeat. 503 if the database or the
    broker is unreachable; a stale worker or beat is reported but keeps 200 (the web
    process itself is healthy)."""
    result: dict = {}
    ok = True
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        result["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure is the report
        ok = False
        result["database"] = {"ok": False, "error": str(exc)[:200]}
    result["broker"] = _broker_status()
    ok = ok and result["broker"]["ok"]
    if result["database"]["ok"]:
        seen = dict(Heartbeat.objects.values_list("component", "last_seen"))
        result["worker"] = _age(seen.get("worker"))
        result["beat"] = _age(seen.get("beat"))
    result["status"] = "ok" if ok else "error"
    return JsonResponse(result, status=200 if ok else 503)


def _age(moment: dt.datetime | None) -> dict:
    if moment is None:
        return {"ok": False, "last_seen": None}
    age = (timezone.now() - moment).total_seconds()
    return {"ok": age <= settings.HEARTBEAT_STALE_SECONDS, "last_seen": moment.isoformat(), "age_seconds": round(age)}


def _broker_connection():
    from lianzheng.celery import app

    return app.connection_for_write()


def _broker_status() -> dict:
    try:
        with _broker_connection() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            client = getattr(conn.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()  # Redis connects lazily: ask it something
            return {"ok": True, "transport": conn.transport.driver_type}
    except Exception as exc:  # noqa: BLE001 - any failure is the report
        return {"ok": False, "error": str(exc)[:200]}
