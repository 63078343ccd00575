"""The organisation's menu entries and to-do items."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.menu import MenuEntry
from core.todo import TodoItem
from org.models import Post
from org.permissions import scope_queryset, user_perms

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
    qs = Post.objects.filter(is_key_post=True, is_active=True).exclude(holdings__end_date__isnull=True)
    count = scope_queryset(user, "org.manage", qs).count()
    return [TodoItem(_("Key posts without a holder"), count, reverse("org:post_list") + "?key=1&vacant=1", 1)]
