from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Warnings (预警). The app is `alerts`: a package named `warnings` could never be
    imported, Python's own `warnings` module is loaded first."""

    name = "alerts"
    verbose_name = _("Warnings")

    def ready(self) -> None:
        from alerts import todos
        from alerts.selectors import warned_steps
        from core import todo
        from core.menu import register_many
        from powers import risk_nodes

        register_many(todos.MENU)
        todo.register(todos.alert_todos)
        risk_nodes.register_warned(warned_steps)
