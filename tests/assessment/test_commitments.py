"""Public commitments: the leader in charge approves, approval locks, 践诺 and 评诺, and
the public portal shows only what a unit chose to publish."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment import authority, presets, services
from assessment.models import Commitment, CommitmentItem, CommitmentStatus, Rating
from core.models import Notification
from org.models import Role
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db


def file(person, cycle, own=("办案不吃请、不收礼",), submit=True) -> Commitment:
    return services.commitment_save(user=person.user, cycle=cycle, own_items=list(own), submit=submit)


def test_a_commitment_is_the_five_standard_items_plus_the_cadres_own(people, cycle):
    c = file(people.cadre, cycle, own=["办案不吃请、不收礼", "  ", "每季度向分管领导报告思想"], submit=False)
    texts = list(c.items.values_list("text", "standard_key"))
    assert [t for t, _k in texts[:5]] == [t for _k, t in presets.COMMITMENT_ITEMS]
    assert texts[5:] == [("办案不吃请、不收礼", ""), ("每季度向分管领导报告思想", "")]
    assert c.status == CommitmentStatus.DRAFT and c.post.name == "检察官"


@pytest.mark.parametrize(
    ("who", "approver"),
    [
        ("cadre", Role.DEPUTY_IN_CHARGE),  # 公诉科 has a deputy in charge
        ("head", Role.DEPUTY_IN_CHARGE),  # its head too
        ("clerk", Role.UNIT_CHIEF),  # 办公室 has none: the chief
        ("deputy", Role.UNIT_CHIEF),  # a deputy's own: the chief
        ("chief", Role.DISCIPLINE_COMMISSION),  # the chief's: the district commission
    ],
)
def test_the_leader_in_charge_approves(org, people, cycle, who, approver):
    person = getattr(people, who)
    c = file(person, cycle)
    expected = org.users[approver]
    assert list(authority.approvers(c)) == [expected]
    # the queue (approval_q) and the notification (approvers) follow the same rule
    for name, user in org.users.items():
        assert authority.may_approve(user, c) == (name == approver), name
    assert Notification.objects.filter(recipient=expected, key__startswith=f"commitment-submitted:{c.pk}").exists()


def test_approval_locks_the_commitment(org, people, cycle):
    c = file(people.cadre, cycle)
    deputy = org.users[Role.DEPUTY_IN_CHARGE]
    with pytest.raises(ValidationError):  # returning says why
        services.commitment_decide(user=deputy, commitment=c, approve=False)
    with pytest.raises(PermissionDenied):
        services.commitment_decide(user=org.users[Role.UNIT_CHIEF], commitment=c, approve=True)
    services.commitment_decide(user=deputy, commitment=c, approve=True, note="同意")
    items = list(CommitmentItem.objects.filter(commitment=c).values_list("pk", "text"))
    with pytest.raises(ValidationError) as exc:
        file(people.cadre, cycle, own=["改过的承诺"])
    assert "locked" in exc.value.messages[0]
    assert list(CommitmentItem.objects.filter(commitment=c).values_list("pk", "text")) == items
    with pytest.raises(ValidationError):  # decided once
        services.commitment_decide(user=deputy, commitment=c, approve=True)


def test_a_returned_commitment_is_changed_and_submitted_again(org, people, cycle):
    c = file(people.clerk, cycle)
    services.commitment_decide(user=org.users[Role.UNIT_CHIEF], commitment=c, approve=False, note="请结合岗位细化")
    c = file(people.clerk, cycle, own=["公文处理限时办结"])
    assert c.status == CommitmentStatus.SUBMITTED and c.items.count() == 6


def test_report_and_rating(org, people, cycle):
    deputy = org.users[Role.DEPUTY_IN_CHARGE]
    c = file(people.cadre, cycle)
    with pytest.raises(ValidationError):  # not approved yet
        services.commitment_report(user=people.cadre.user, commitment=c, report="全年未收受礼品")
    services.commitment_decide(user=deputy, commitment=c, approve=True)
    with pytest.raises(PermissionDenied):
        services.commitment_report(user=deputy, commitment=c, report="代写")
    services.commitment_report(user=people.cadre.user, commitment=c, report="全年未收受礼品，按期办结案件。")
    with pytest.raises(ValidationError) as exc:  # "not kept" needs a reason
        services.commitment_rate(user=deputy, commitment=c, rating=Rating.POOR)
    assert "note" in exc.value.message_dict
    c = services.commitment_rate(user=deputy, commitment=c, rating=Rating.EXCELLENT)
    assert (c.status, c.rating, c.rated_by) == (CommitmentStatus.RATED, Rating.EXCELLENT, deputy)


def test_someone_outside_the_cycle_cannot_file(org, cycle):
    outsider = UserFactory(username="c_cadre")
    from org.models import Person

    Person.objects.create(user=outsider, name="乙县干部", unit=org.unit_c)
    with pytest.raises(ValidationError) as exc:
        services.commitment_save(user=outsider, cycle=cycle, own_items=[])
    assert "cycle" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # no cadre record at all
        services.commitment_save(user=org.users["outsider"], cycle=cycle, own_items=[])


def test_public_portal_shows_approved_commitments_of_units_that_publish(org, people, cycle, cu_a, client):
    approved = file(people.cadre, cycle, own=["公开承诺甲"])
    services.commitment_decide(user=org.users[Role.DEPUTY_IN_CHARGE], commitment=approved, approve=True)
    file(people.clerk, cycle, own=["尚未审批的承诺"])
    assert "公开承诺甲" not in client.get("/public/commitments/").content.decode()  # not published yet
    with pytest.raises(PermissionDenied):
        services.commitments_publish(user=org.users[Role.CADRE], cycle_unit=cu_a, public=True)
    services.commitments_publish(user=org.users[Role.LEADING_GROUP_OFFICE], cycle_unit=cu_a, public=True)
    page = client.get("/public/commitments/").content.decode()
    assert "公开承诺甲" in page and people.cadre.name in page
    assert "尚未审批的承诺" not in page


def test_unit_members_see_approved_commitments_only(org, people, cycle, cu_a, client):
    approved = file(people.cadre, cycle, own=["已公开的承诺"])
    services.commitment_decide(user=org.users[Role.DEPUTY_IN_CHARGE], commitment=approved, approve=True)
    file(people.clerk, cycle, own=["草稿承诺"])
    colleague = UserFactory(username="colleague")
    role(colleague, Role.CADRE, org.unit_a)
    client.force_login(colleague)
    page = client.get(f"/assessment/units/{cu_a.pk}/commitments/").content.decode()
    assert "已公开的承诺" in page and "草稿承诺" not in page
    client.force_login(org.users["outsider"])
    assert client.get(f"/assessment/units/{cu_a.pk}/commitments/").status_code == 403


def test_commitment_pages(org, people, cycle, client):
    client.force_login(people.cadre.user)
    page = client.get(f"/assessment/commitments/file/{cycle.pk}/").content.decode()
    assert presets.COMMITMENT_ITEMS[3][1] in page
    response = client.post(f"/assessment/commitments/file/{cycle.pk}/", {"own_items": "不收礼\n不吃请", "submit": "1"})
    c = Commitment.objects.get(person=people.cadre)
    assert response.status_code == 302 and c.status == CommitmentStatus.SUBMITTED
    client.force_login(org.users[Role.DEPUTY_IN_CHARGE])
    assert people.cadre.name in client.get("/assessment/commitments/approve/").content.decode()
    client.post(f"/assessment/commitments/{c.pk}/decide/", {"approve": "1", "note": ""})
    c.refresh_from_db()
    assert c.status == CommitmentStatus.APPROVED
    client.force_login(people.cadre.user)
    response = client.post(f"/assessment/commitments/file/{cycle.pk}/", {"own_items": "改", "submit": "1"})
    assert response.status_code == 200 and 'data-testid="locked"' in response.content.decode()
    assert c.items.count() == 7
