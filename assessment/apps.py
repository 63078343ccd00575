from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Assessment (考核): PDCA cycles, public commitments, self-inspections and spot checks,
    the education ledger and talks, democratic evaluation, scoring."""

    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from assessment import todos
        from core import todo
        from core.menu import register_many

        register_many(todos.MENU)
        todo.register(todos.assessment_todos)
