from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    """Risk points: built by its own issue; the app exists so the layout and URLs are stable."""

    name = "risks"
    verbose_name = _("Risk points")
