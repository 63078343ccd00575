from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Leading-group dashboards (领导小组驾驶舱) and the discipline office's workbench, read
    from summary tables a scheduled job keeps current."""

    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from core.menu import MenuEntry, register_many
        from dashboards import report  # noqa: F401 - registers the report's background export

        register_many(
            [
                MenuEntry(
                    "dashboards.dashboard",
                    _("Leading-group dashboard"),
                    "dashboards:dashboard",
                    "speedometer2",
                    "dashboard.view",
                    2,
                ),
                MenuEntry(
                    "dashboards.workbench",
                    _("Discipline workbench"),
                    "dashboards:workbench",
                    "clipboard-pulse",
                    "petition.manage",
                    4,
                ),
            ]
        )
