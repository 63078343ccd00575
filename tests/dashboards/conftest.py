"""A known fixture for the dashboards: points, measures, warnings and petitions spread over
the `org` tree, built with the services (and a few dates moved back with UPDATE)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import Petition, RiskWarning
from org.models import Role
from risks.models import Measure, MeasureType, RiskCategory, RiskPoint, RiskScope
from tests.alerts.test_services import issue
from tests.factories import UserFactory, person_holding
from tests.risks.test_approval import approved_points, record


@dataclass
class Known:
    superuser: object
    commission: object


@pytest.fixture
def known(org, settings, tmp_path) -> Known:
    settings.MEDIA_ROOT = str(tmp_path)
    today = timezone.localdate()
    commission = org.users[Role.DISCIPLINE_COMMISSION]
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    other = RiskCategory.objects.exclude(name="岗位职责").order_by("sort_order").first()

    a1, a2 = approved_points(org, n=2)  # unit A, post A1, through the real approval
    b = [record(commission, post=org.post_b1, category=other, description=f"审批风险{i}") for i in range(3)]
    RiskPoint.objects.filter(pk__in=[b[0].pk, b[1].pk]).update(status="approved", grade=1, kind="efficiency")
    sub = record(commission, scope=RiskScope.UNIT, unit=org.sub_unit, description="派出室风险")
    RiskPoint.objects.filter(pk=sub.pk).update(status="approved", grade=2)
    c = record(superuser, post=org.post_c1, description="预算风险")
    RiskPoint.objects.filter(pk=c.pk).update(status="approved", grade=3)

    owner = person_holding(org.post_a1, username="owner")
    kind = MeasureType.objects.order_by("pk").first()

    def measure(point, days):
        return Measure.objects.create(
            point=point,
            type=kind,
            description="定期轮岗",
            check_method="纪检组每季度检查",
            owner=owner,
            deadline=today + dt.timedelta(days=days),
        )

    measure(a1, -3)
    measure(a2, 2)
    measure(b[0], -10)
    measure(sub, -1)
    Measure.objects.filter(pk=measure(b[1], -5).pk).update(status="done")  # done: not overdue

    w1 = issue(commission, org, level=2, target="post")
    w2 = issue(commission, org, level=3, target="department")
    w3 = alert_services.warning_issue(
        user=commission,
        level=1,
        target_kind="unit",
        unit=org.unit_b,
        title="环保审批超时",
        facts="多件审批超期",
        disposals=["talk"],
    )
    RiskWarning.objects.filter(pk=w1.pk).update(reply_due=today - dt.timedelta(days=2))
    RiskWarning.objects.filter(pk=w3.pk).update(issued_on=today - dt.timedelta(days=62))
    RiskWarning.objects.filter(pk=w2.pk).update(status="closed")

    for node, days in [(org.dept_a1, 20), (org.dept_b1, 0), (org.unit_b, 40), (org.dept_sub, 1)]:
        p = alert_services.petition_register(
            user=commission,
            channel="letter",
            kind="report",
            node=node,
            subject="反映问题",
            content="有人反映问题。",
            received_on=today - dt.timedelta(days=days),
        )
        Petition.objects.filter(pk=p.pk).update(due_on=today - dt.timedelta(days=days - 15))
    return Known(superuser=superuser, commission=commission)
