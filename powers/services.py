"""Every write to the power inventory: drafts, publication, revision, retirement.

A draft's legal bases and process steps are replaced as a whole on each save, inside one
transaction, after the whole process has been checked: keys unique, every "next" step
known, no cycle, every step reachable from the first, every post in the power's unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import NodeKind, OrgNode, Post
from org.permissions import require
from powers.models import LegalBasis, Power, PowerVersion, ProcessStep, VersionStatus

VERSION_FIELDS = ("name", "power_type", "power_class", "department", "time_limit_days", "time_limit_note", "fees")


@dataclass
class StepInput:
    key: str
    name: str
    post: Post | None = None
    time_limit_days: int | None = None
    checks: str = ""
    next_keys: list[str] = field(default_factory=list)


@dataclass
class BasisInput:
    law: str
    articles: str = ""


def check_process(steps: list[StepInput], unit: OrgNode) -> list[str]:
    """What is wrong with a process, in words a user can act on (empty when sound)."""
    errors: list[str] = []
    keys = [s.key for s in steps]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        errors.append(_("Step keys must be unique: %(keys)s.") % {"keys": ", ".join(duplicates)})
    known = set(keys)
    for step in steps:
        unknown = [k for k in step.next_keys if k not in known]
        if unknown:
            errors.append(
                _("Step %(key)s leads to unknown steps: %(keys)s.") % {"key": step.key, "keys": ", ".join(unknown)}
            )
        if step.post is not None and not step.post.department.path.startswith(unit.path):
            errors.append(
                _("Step %(key)s: the post %(post)s is not in this unit.") % {"key": step.key, "post": step.post}
            )
    if errors or not steps:
        return errors
    graph = {s.key: list(s.next_keys) for s in steps}
    cycle = _find_cycle(graph)
    if cycle:
        errors.append(_("The process loops back: %(path)s.") % {"path": " → ".join(cycle)})
    reachable = _reachable(graph, steps[0].key)
    unreachable = [k for k in keys if k not in reachable]
    if unreachable:
        errors.append(
            _("These steps cannot be reached from the first step %(first)s: %(keys)s.")
            % {"first": steps[0].key, "keys": ", ".join(unreachable)}
        )
    return errors


def _find_cycle(graph: dict[str, list[str]]) -> list[str]:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(key: str) -> list[str]:
        state[key] = 1
        path.append(key)
        for nxt in graph[key]:
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[key] = 2
        return []

    for key in graph:
        if key not in state and (found := visit(key)):
            return found
    return []


def _reachable(graph: dict[str, list[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _check_department(user, department: OrgNode, unit: OrgNode) -> None:
    require(user, "power.manage", department)
    if department.kind != NodeKind.DEPARTMENT or not department.path.startswith(unit.path):
        raise ValidationError({"department": _("Choose a department of %(unit)s.") % {"unit": unit}})


def _write_content(version: PowerVersion, *, posts, legal_bases: list[BasisInput], steps: list[StepInput]) -> None:
    unit = version.power.unit
    bad_posts = [p for p in posts if not p.department.path.startswith(unit.path)]
    if bad_posts:
        raise ValidationError({"posts": _("Posts must belong to %(unit)s.") % {"unit": unit}})
    missing_law = [i + 1 for i, b in enumerate(legal_bases) if not b.law.strip()]
    if missing_law:
        raise ValidationError(
            {"legal_bases": _("Legal basis %(rows)s has no law name.") % {"rows": ", ".join(map(str, missing_law))}}
        )
    problems = check_process(steps, unit)
    if problems:
        raise ValidationError({"steps": problems})
    version.posts.set(posts)
    version.legal_bases.all().delete()
    LegalBasis.objects.bulk_create(
        [
            LegalBasis(version=version, law=b.law.strip(), articles=b.articles.strip(), order=i)
            for i, b in enumerate(legal_bases)
        ]
    )
    version.steps.all().delete()
    created = {
        s.key: ProcessStep.objects.create(
            version=version,
            key=s.key,
            name=s.name,
            order=i,
            post=s.post,
            time_limit_days=s.time_limit_days,
            checks=s.checks,
        )
        for i, s in enumerate(steps)
    }
    through = ProcessStep.next_steps.through
    through.objects.bulk_create(
        [through(from_processstep=created[s.key], to_processstep=created[k]) for s in steps for k in s.next_keys]
    )


@transaction.atomic
def power_create(
    *,
    user,
    unit: OrgNode,
    code: str,
    posts=(),
    legal_bases: list[BasisInput] = (),
    steps: list[StepInput] = (),
    **fields,
) -> PowerVersion:
    """A new power with its first draft."""
    _check_department(user, fields["department"], unit)
    if Power.objects.filter(unit=unit, code=code).exists():
        raise ValidationError(
            {"code": _("The code %(code)s is already used in %(unit)s.") % {"code": code, "unit": unit}}
        )
    try:
        with transaction.atomic():
            power = Power.objects.create(unit=unit, code=code)
    except IntegrityError as exc:  # a concurrent create took the code
        raise ValidationError(
            {"code": _("The code %(code)s is already used in %(unit)s.") % {"code": code, "unit": unit}}
        ) from exc
    version = PowerVersion(power=power, number=1, created_by=user, **fields)
    version.full_clean()
    version.save()
    _write_content(version, posts=list(posts), legal_bases=list(legal_bases), steps=list(steps))
    return version


@transaction.atomic
def draft_update(
    *,
    user,
    version: PowerVersion,
    posts,
    legal_bases: list[BasisInput],
    steps: list[StepInput],
    reason: str = "",
    **fields,
) -> PowerVersion:
    version = PowerVersion.objects.select_for_update().select_related("power__unit").get(pk=version.pk)
    require(user, "power.manage", version)
    if not version.is_draft:
        raise ValidationError(_("Only a draft can be changed; start a revision of a published power."))
    if "department" in fields:
        _check_department(user, fields["department"], version.power.unit)
    for name, value in fields.items():
        setattr(version, name, value)
    version.full_clean()
    if reason:
        version._change_reason = reason
    version.save()
    _write_content(version, posts=list(posts), legal_bases=list(legal_bases), steps=list(steps))
    return version


@transaction.atomic
def draft_publish(*, user, version: PowerVersion) -> PowerVersion:
    """Publish a draft; the version in force until now is superseded at the same instant."""
    version = PowerVersion.objects.select_for_update().get(pk=version.pk)
    require(user, "power.manage", version)
    if not version.is_draft:
        raise ValidationError(_("This version is not a draft."))
    if not version.legal_bases.exists():
        raise ValidationError({"legal_bases": _("A power is published with its legal basis.")})
    if not version.steps.exists():
        raise ValidationError({"steps": _("A power is published with its business process.")})
    now = timezone.now()
    PowerVersion.objects.filter(power_id=version.power_id, status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.SUPERSEDED, ended_at=now
    )
    version.status, version.published_at = VersionStatus.PUBLISHED, now
    version._change_reason = _("Published")
    version.save()
    return version


@transaction.atomic
def power_revise(*, user, power: Power) -> PowerVersion:
    """The draft of the next version: the existing draft, or a copy of the published one."""
    power = Power.objects.select_for_update().get(pk=power.pk)
    draft = power.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        require(user, "power.manage", draft)
        return draft
    current = power.versions.filter(status=VersionStatus.PUBLISHED).first()
    if current is None:
        raise ValidationError(_("Only a published power can be revised."))
    require(user, "power.manage", current)
    steps = list(current.steps.prefetch_related("next_steps").select_related("post__department"))
    draft = PowerVersion.objects.get(pk=current.pk)
    draft.pk = None
    draft.id = None
    draft._state.adding = True
    draft.number = power.versions.count() + 1
    draft.status, draft.published_at, draft.ended_at, draft.created_by = VersionStatus.DRAFT, None, None, user
    draft.save()
    _write_content(
        draft,
        posts=list(current.posts.all()),
        legal_bases=[BasisInput(b.law, b.articles) for b in current.legal_bases.all()],
        steps=[
            StepInput(s.key, s.name, s.post, s.time_limit_days, s.checks, [n.key for n in s.next_steps.all()])
            for s in steps
        ],
    )
    return draft


@transaction.atomic
def power_retire(*, user, power: Power, reason: str) -> PowerVersion:
    current = PowerVersion.objects.select_for_update().filter(power=power, status=VersionStatus.PUBLISHED).first()
    if current is None:
        raise ValidationError(_("Only a published power can be retired."))
    require(user, "power.manage", current)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the power is retired.")})
    current.status, current.ended_at = VersionStatus.RETIRED, timezone.now()
    current._change_reason = reason
    current.save()
    return current


def draft_discard(*, user, version: PowerVersion) -> None:
    require(user, "power.manage", version)
    if not version.is_draft:
        raise PermissionDenied
    with transaction.atomic():
        power = version.power
        version.delete()
        if not power.versions.exists():
            power.delete()
