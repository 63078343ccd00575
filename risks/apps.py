from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = _("Risk points")

    def ready(self) -> None:
        from core.menu import MenuEntry, register_many
        from powers import risk_nodes
        from risks.selectors import step_grades

        register_many(
            [
                MenuEntry("risks.mine", _("My post's risks"), "risks:mine", "person-exclamation", "risk.view", 5),
                MenuEntry("risks.list", _("Risk register"), "risks:list", "exclamation-triangle", "risk.view", 21),
            ]
        )
        risk_nodes.register(step_grades)
