"""The organisation's menu entries and to-do items."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.menu import MenuEntry
from core.todo import TodoItem
from org.permissions import user_perms
from org.selectors import post_list

MENU = [
    MenuEntry("org.tree", _("Organisation"), "org:tree", "diagram-3", "org.view", 10),
    MenuEntry("org.posts", _("Posts"), "org:post_list", "briefcase", "org.view", 11),
    MenuEntry("org.people", _("Cadres"), "org:person_list", "people", "org.view", 12),
    MenuEntry("org.roles", _("Roles"), "org:role_list", "person-badge", "org.assign_roles", 13),
]


def vacant_key_posts(user) -> list[TodoItem]:
    """Key posts (重点岗位) nobody holds, in the user's management scope: one COUNT."""
    if "org.manage" not in user_perms(user):
        return []
    count = post_list(user=user, key_only=True, vacant_only=True, perm="org.manage").count()
    return [TodoItem(_("Key posts without a holder"), count, reverse("org:post_list") + "?key=1&vacant=1", 1)]
