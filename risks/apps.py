from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = _("Risk points")

    def ready(self) -> None:
        from core import todo
        from core.menu import register_many
        from powers import risk_nodes
        from risks import todos
        from risks.selectors import public_points, step_grades

        register_many(todos.MENU)
        todo.register(todos.risk_todos)
        risk_nodes.register(step_grades)
        risk_nodes.register_public(public_points)
        from risks import output_views  # noqa: F401 - registers the "risks.system_table" background export
