from django.contrib import admin
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from org.models import OrgNode, Person, Post, PostHolding, RoleAssignment


@admin.register(OrgNode)
class OrgNodeAdmin(GuardedModelAdminMixin, TreeAdmin):
    form = movenodeform_factory(OrgNode)
    list_display = ["name", "kind", "code", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ["name", "department", "rank", "is_key_post", "max_holders"]
    search_fields = ["name", "code"]
    raw_id_fields = ["department"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "unit", "title", "user"]
    search_fields = ["name"]
    raw_id_fields = ["unit", "user"]


@admin.register(PostHolding)
class PostHoldingAdmin(SimpleHistoryAdmin):
    list_display = ["person", "post", "start_date", "end_date"]
    raw_id_fields = ["person", "post"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "node", "include_descendants"]
    list_filter = ["role"]
    raw_id_fields = ["user", "node"]
    filter_horizontal = ["departments"]
