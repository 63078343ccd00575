from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared mechanisms")

    def ready(self) -> None:
        from core.menu import MenuEntry, register_many

        register_many(
            [
                MenuEntry("core.home", _("My to-do"), "core:home", "inbox", None, 0),
                MenuEntry("core.notifications", _("Notifications"), "core:notifications", "bell", None, 1),
                MenuEntry(
                    "core.calendar", _("Working-day calendar"), "core:calendar", "calendar3", "calendar.manage", 80
                ),
                MenuEntry("core.api", _("API documentation"), "swagger-ui", "code-slash", "org.manage", 90),
            ]
        )
