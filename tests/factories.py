from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from org.models import NodeKind, OrgNode, Person, Post, PostHolding, PostRank, RoleAssignment

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.cn")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def node(parent: OrgNode | None, name: str, kind: str, **extra) -> OrgNode:
    obj = OrgNode(name=name, kind=kind, **extra)
    return OrgNode.objects.add_child(parent, instance=obj) if parent else OrgNode.objects.add_root(instance=obj)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    name = factory.Sequence(lambda n: f"岗位{n}")
    rank = PostRank.STAFF


def person_holding(post: Post, *, username: str | None = None, start=dt.date(2024, 1, 1)) -> Person:
    """A cadre (with a login) who holds `post` from `start`."""
    user = UserFactory(username=username) if username else UserFactory()
    unit = post.department.owning_unit()
    person = Person.objects.create(user=user, name=f"干部{user.username}", unit=unit)
    PostHolding.objects.create(person=person, post=post, start_date=start)
    return person


def role(user, role_name: str, over: OrgNode, *, below: bool = False, departments=()) -> RoleAssignment:
    assignment = RoleAssignment.objects.create(user=user, role=role_name, node=over, include_descendants=below)
    if departments:
        assignment.departments.set(departments)
    return assignment


__all__ = ["NodeKind", "PASSWORD", "PostFactory", "UserFactory", "node", "person_holding", "role"]
