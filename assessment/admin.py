"""The assessment area's configuration and records for the office's admins. Ballots and
tokens are not here: nobody browses them one by one."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessment.models import Checkpoint, Cycle, CycleUnit, Indicator


class CheckpointInline(admin.TabularInline):
    model = Checkpoint
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Cycle)
class CycleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "area", "year", "status", "commitment_due"]
    list_filter = ["status", "year"]
    autocomplete_fields = ["area"]
    inlines = [CheckpointInline, IndicatorInline]


@admin.register(CycleUnit)
class CycleUnitAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "cycle", "stage", "score_total", "score_rank"]
    list_filter = ["stage", "cycle"]
    search_fields = ["unit__name"]
    raw_id_fields = ["unit", "previous"]
    readonly_fields = ["stage", "stage_since", "score_total", "score_rank", "scored_at"]
