from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.conf import settings

from org.models import NodeKind, OrgNode, Post, PostRank, Role
from powers.models import PowerClass, PowerType
from powers.services import BasisInput, StepInput, power_create
from tests.factories import PostFactory, UserFactory, node, person_holding, role

# Playwright's sync API runs an event loop in the test thread; Django's ORM guard would
# otherwise refuse the (synchronous) database calls the tests make around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Production hashing costs ~0.3 s a password by design; tests create hundreds of users.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The live server serves static files from the finders, which know no hashed names;
# the manifest itself is built by collectstatic in scripts/test.sh.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The embedded default cache is a folder shared with `make run` and earlier test runs; the
# tests get a cache of their own in memory (Redis, when configured, stays: CI tests it).
if "filebased" in settings.CACHES["default"]["BACKEND"]:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: ids are reused after a rolled-back test, and
    cached dashboards and grant versions must not outlive the rows they were built from."""
    from django.core.cache import cache

    cache.clear()
    yield


@dataclass
class Org:
    province: OrgNode
    county: OrgNode
    other_county: OrgNode
    unit_a: OrgNode
    dept_a1: OrgNode
    dept_a2: OrgNode
    sub_unit: OrgNode
    dept_sub: OrgNode
    unit_b: OrgNode
    dept_b1: OrgNode
    unit_c: OrgNode
    dept_c1: OrgNode
    post_a1_head: Post
    post_a1: Post
    post_a2: Post
    post_sub: Post
    post_b1: Post
    post_c1: Post
    users: dict


@pytest.fixture
def org(db) -> Org:
    """Province > county (units A with sub-unit, B) and another county (unit C);
    one user per role over unit A / county, and an outsider."""
    province = node(None, "测试省", NodeKind.PROVINCE)
    county = node(province, "甲县", NodeKind.COUNTY)
    other_county = node(province, "乙县", NodeKind.COUNTY)
    unit_a = node(county, "甲县检察院", NodeKind.UNIT)
    dept_a1 = node(unit_a, "公诉科", NodeKind.DEPARTMENT)
    dept_a2 = node(unit_a, "办公室", NodeKind.DEPARTMENT)
    sub_unit = node(unit_a, "派出检察室", NodeKind.UNIT)
    dept_sub = node(sub_unit, "综合组", NodeKind.DEPARTMENT)
    unit_b = node(county, "甲县环保局", NodeKind.UNIT)
    dept_b1 = node(unit_b, "审批科", NodeKind.DEPARTMENT)
    unit_c = node(other_county, "乙县财政局", NodeKind.UNIT)
    dept_c1 = node(unit_c, "预算科", NodeKind.DEPARTMENT)
    posts = {
        "post_a1_head": PostFactory(department=dept_a1, name="科长", rank=PostRank.SECTION, is_key_post=True),
        "post_a1": PostFactory(department=dept_a1, name="检察官", rank=PostRank.SECTION_MEMBER),
        "post_a2": PostFactory(department=dept_a2, name="文秘"),
        "post_sub": PostFactory(department=dept_sub, name="组员"),
        "post_b1": PostFactory(department=dept_b1, name="审批员"),
        "post_c1": PostFactory(department=dept_c1, name="预算员"),
    }
    users = {
        Role.DISCIPLINE_COMMISSION: (county, True, ()),
        Role.LEADING_GROUP_READER: (county, True, ()),
        Role.DISCIPLINE_STAFF: (unit_a, False, ()),
        Role.LEADING_GROUP_OFFICE: (unit_a, False, ()),
        Role.UNIT_CHIEF: (unit_a, False, ()),
        Role.DEPUTY_IN_CHARGE: (unit_a, False, (dept_a1,)),
        Role.LEADERSHIP_MEMBER: (unit_a, False, ()),
        Role.DEPARTMENT_HEAD: (dept_a1, False, ()),
        Role.CADRE: (unit_a, False, ()),
    }
    made = {}
    for role_name, (over, below, depts) in users.items():
        user = UserFactory(username=f"r_{role_name}")
        role(user, role_name, over, below=below, departments=depts)
        made[role_name] = user
    made["outsider"] = UserFactory(username="outsider")
    return Org(
        province,
        county,
        other_county,
        unit_a,
        dept_a1,
        dept_a2,
        sub_unit,
        dept_sub,
        unit_b,
        dept_b1,
        unit_c,
        dept_c1,
        users=made,
        **posts,
    )


@pytest.fixture
def holder(org):
    """A cadre holding post_a1 (with a login)."""
    return person_holding(org.post_a1, username="holder")


@pytest.fixture
def licensing(db) -> PowerType:
    return PowerType.objects.get(name="行政许可")


@pytest.fixture
def make_power(org, licensing):
    """A draft power of unit A's 公诉科 with a three-step process (S2 branches to S3, S4)."""

    def make(code="P001", *, user=None, steps=None, **fields):
        steps = steps or [
            StepInput("S1", "受理", org.post_a1, 1, "材料是否齐全", ["S2"]),
            StepInput("S2", "审查", org.post_a1_head, 5, "是否符合法定条件", ["S3", "S4"]),
            StepInput("S3", "准予许可", org.post_a1_head, 2),
            StepInput("S4", "不予许可", org.post_a1_head, 2),
        ]
        values = {
            "name": "排污许可证核发",
            "power_type": licensing,
            "power_class": PowerClass.EXTERNAL,
            "department": org.dept_a1,
            "time_limit_days": 20,
            **fields,
        }
        return power_create(
            user=user or org.users["discipline"],
            unit=org.unit_a,
            code=code,
            posts=[org.post_a1],
            legal_bases=[BasisInput("中华人民共和国行政许可法", "第四十二条")],
            steps=steps,
            **values,
        )

    return make
