"""The public portal's public-comment pages (公示): no login, nothing kept about the reader
beyond what they write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.paging import keyset_page
from org.views import form_errors
from risks import approval
from risks.forms import PublicCommentForm
from risks.models import CommentPeriod, CommentPeriodStatus


def comment_periods(request):
    qs = CommentPeriod.objects.filter(status=CommentPeriodStatus.OPEN, closes_on__gte=timezone.localdate())
    qs = qs.select_related("unit")
    rows, next_url, prev_url = keyset_page(request, qs, page_size=30)
    return render(request, "public/comment_periods.html", {"rows": rows, "next_url": next_url, "prev_url": prev_url})


def comment_period(request, pk: int):
    period = get_object_or_404(CommentPeriod.objects.select_related("unit"), pk=pk)
    points = list(period.points.select_related("category", "node", "post").prefetch_related("measures__type"))
    is_open = period.status == CommentPeriodStatus.OPEN and period.closes_on >= timezone.localdate()
    form = PublicCommentForm(request.POST or None, points=points)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            approval.comment_add(period=period, body=data["body"], contact=data["contact"], point_id=data["point"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Thank you. Your comment was received."))
            return redirect("public:comment_period", pk=pk)
    return render(
        request, "public/comment_period.html", {"period": period, "points": points, "form": form, "is_open": is_open}
    )
