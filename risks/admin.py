"""Configuration of the risk register, kept as data: categories, the grading matrix, the
approval routing and the measure types (the office's admins edit them here)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from risks.models import ApprovalStage, GradingRule, MeasureType, RiskCategory


@admin.register(RiskCategory)
class RiskCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(MeasureType)
class MeasureTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(GradingRule)
class GradingRuleAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "likelihood", "consequence", "grade"]
    list_filter = ["likelihood", "consequence", "grade"]
    autocomplete_fields = ["unit"]


@admin.register(ApprovalStage)
class ApprovalStageAdmin(SimpleHistoryAdmin):
    """A unit with rows of its own for a kind of point uses only those; rows without a unit
    are the default route (seed 001)."""

    list_display = ["unit", "case", "order", "role", "action"]
    list_filter = ["case", "role", "action"]
    autocomplete_fields = ["unit"]
