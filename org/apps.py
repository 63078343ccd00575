from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from core import menu, todo
        from org import todos

        menu.register_many(todos.MENU)
        todo.register(todos.vacant_key_posts)
