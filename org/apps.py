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
        self._watch_grants()

    def _watch_grants(self) -> None:
        """Whatever may change who sees what bumps the grants version (org.permissions)."""
        from django.contrib.auth import get_user_model
        from django.db.models import signals
        from guardian.models import GroupObjectPermission, UserObjectPermission

        from org.models import OrgNode, PostHolding, RoleAssignment
        from org.permissions import grants_changed

        for model in (RoleAssignment, PostHolding, OrgNode, UserObjectPermission, GroupObjectPermission):
            signals.post_save.connect(grants_changed, sender=model, dispatch_uid=f"grants-{model.__name__}-save")
            signals.post_delete.connect(grants_changed, sender=model, dispatch_uid=f"grants-{model.__name__}-del")
        signals.m2m_changed.connect(
            grants_changed, sender=RoleAssignment.departments.through, dispatch_uid="grants-deputy-departments"
        )
        # a user put in or taken out of a group gains or loses the group's supervision grants
        signals.m2m_changed.connect(
            grants_changed, sender=get_user_model().groups.through, dispatch_uid="grants-user-groups"
        )
        signals.post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="grants-user-save")


def _user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    # A login only stamps last_login: that changes nobody's grants.
    if update_fields is None or set(update_fields) - {"last_login"}:
        from org.permissions import grants_changed

        grants_changed()
