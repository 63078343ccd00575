from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Assessment: built by its own issue; the app exists so the layout and URLs are stable."""

    name = "assessment"
    verbose_name = _("Assessment")
