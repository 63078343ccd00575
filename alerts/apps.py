from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Warnings: built by its own issue; the app exists so the layout and URLs are stable."""

    name = "alerts"
    verbose_name = _("Warnings")
