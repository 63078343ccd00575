from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PowersConfig(AppConfig):
    name = "powers"
    verbose_name = _("Power inventory")

    def ready(self) -> None:
        from core.menu import MenuEntry, register_many

        register_many([MenuEntry("powers.list", _("Power inventory"), "powers:list", "list-check", "power.view", 20)])
