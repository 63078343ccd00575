"""Democratic evaluation: one-time tokens, anonymous ballots, one token one ballot,
response rate and satisfaction, the reminder a low satisfaction proposes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from alerts.models import RiskInfo
from assessment import services
from assessment.models import Ballot, BallotAnswer, Evaluation, EvaluationStatus, EvaluationToken, Proposal
from core.models import Notification
from org.models import Person, Role

pytestmark = pytest.mark.django_db

ALL_SATISFIED = dict.fromkeys(range(5), 1)


def test_no_column_of_a_ballot_leads_back_to_the_voter():
    """Neither the ballot nor its answers point at a user, a person or a token, and
    neither keeps a time."""
    forbidden = {get_user_model(), Person, EvaluationToken}
    for model in (Ballot, BallotAnswer):
        for field in model._meta.concrete_fields:
            assert not (field.is_relation and field.related_model in forbidden), (model, field.name)
            assert not isinstance(field, models.DateField), (model, field.name)  # (DateTimeField too)
        assert {f.name for f in model._meta.concrete_fields} <= {
            "id",
            "evaluation",
            "comment",
            "ballot",
            "question",
            "answer",
        }
    assert not hasattr(Ballot, "history") and not hasattr(EvaluationToken, "history")


@pytest.fixture
def evaluation(org, people, cu_a):
    return services.evaluation_create(
        user=org.users[Role.LEADING_GROUP_OFFICE],
        unit=org.unit_a,
        cycle=cu_a.cycle,
        subject_kind="leader",
        subject_person=people.head,
        title="2026年度公诉科科长民主测评",
        closes_on=dt.date.today() + dt.timedelta(days=7),
    )


def issue(org, evaluation, people):
    cadres = [people.cadre, people.clerk, people.deputy, people.chief]
    nobody = Person.objects.create(name="无账号干部", unit=org.unit_a)
    printed = services.evaluation_issue(
        user=org.users[Role.LEADING_GROUP_OFFICE], evaluation=evaluation, participants=[*cadres, nobody]
    )
    links = {
        n.recipient_id: n.url.rsplit("/", 2)[-2]
        for n in Notification.objects.filter(key__startswith="evaluation-token")
    }
    codes = [links[p.user_id] for p in cadres] + [code for _person, code in printed]
    assert [p for p, _code in printed] == [nobody]
    return codes


def test_one_token_one_ballot(org, people, evaluation):
    codes = issue(org, evaluation, people)
    assert len(set(codes)) == 5
    assert not EvaluationToken.objects.filter(token_hash__in=codes).exists()  # only hashes are kept
    services.ballot_cast(code=codes[0], answers=ALL_SATISFIED, comment="")
    with pytest.raises(ValidationError) as exc:
        services.ballot_cast(code=codes[0].lower(), answers=ALL_SATISFIED)
    assert "token" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # an unanswered question: nothing used up
        services.ballot_cast(code=codes[1], answers={0: 1})
    assert "answers" in exc.value.message_dict
    assert Ballot.objects.count() == 1 and EvaluationToken.objects.filter(used=True).count() == 1
    with pytest.raises(ValidationError):
        services.ballot_cast(code="AAAA-AAAA-AAAA-AAAA", answers=ALL_SATISFIED)


def test_results_and_the_low_satisfaction_proposal(org, people, evaluation):
    codes = issue(org, evaluation, people)
    services.ballot_cast(code=codes[0], answers=ALL_SATISFIED)
    services.ballot_cast(code=codes[1], answers={0: 2, 1: 3, 2: 3, 3: 3, 4: 2})
    services.ballot_cast(code=codes[2], answers={0: 3, 1: 3, 2: 1, 3: 2, 4: 3})
    with pytest.raises(PermissionDenied):
        services.evaluation_close(user=org.users[Role.CADRE], evaluation=evaluation)
    closed = services.evaluation_close(user=org.users[Role.LEADING_GROUP_OFFICE], evaluation=evaluation)
    # 3 of 5 tokens used; 9 of 15 answers satisfied or basically satisfied
    assert closed.response_rate == Decimal("60.0") and closed.satisfaction == Decimal("60.0")
    assert closed.proposal == Proposal.PROPOSED and not EvaluationToken.objects.filter(sealed=False).exists()
    with pytest.raises(ValidationError):  # closed: the rest cannot vote
        services.ballot_cast(code=codes[3], answers=ALL_SATISFIED)
    with pytest.raises(PermissionDenied):  # the unit chief does not record risk information
        services.proposal_decide(user=org.users[Role.UNIT_CHIEF], evaluation=closed, confirm=True)
    services.proposal_decide(user=org.users[Role.DISCIPLINE_STAFF], evaluation=closed, confirm=True)
    closed.refresh_from_db()
    info = RiskInfo.objects.get(pk=closed.info_id)
    assert (info.kind, info.source, info.node) == ("reminder", "evaluation", org.dept_a1)
    assert list(info.people.all()) == [people.head]
    assert closed.proposal == Proposal.CONFIRMED


def test_a_satisfied_unit_proposes_nothing(org, people, evaluation):
    codes = issue(org, evaluation, people)
    for code in codes[:4]:
        services.ballot_cast(code=code, answers=ALL_SATISFIED)
    closed = services.evaluation_close(evaluation=evaluation)
    assert (closed.satisfaction, closed.proposal) == (Decimal("100.0"), Proposal.NONE)


def test_the_ballot_page_takes_one_ballot_per_token(org, people, evaluation, client):
    codes = issue(org, evaluation, people)
    page = client.get(f"/assessment/vote/{codes[4]}/")  # no sign-in needed
    assert page.status_code == 200 and "落实廉政风险防范措施情况" in page.content.decode()
    answers = {f"q{i}": "1" for i in range(5)}
    assert client.post(f"/assessment/vote/{codes[4]}/", {**answers, "q4": ""}).status_code == 400
    done = client.post(f"/assessment/vote/{codes[4]}/", {**answers, "comment": "很好"})
    assert 'data-testid="vote-done"' in done.content.decode()
    again = client.post(f"/assessment/vote/{codes[4]}/", answers)
    assert again.status_code == 400 and 'data-testid="vote-refused"' in again.content.decode()
    assert Ballot.objects.count() == 1
    assert client.get("/assessment/vote/NOPE-NOPE/").status_code == 404


def test_evaluations_close_when_their_day_has_passed(org, people, evaluation):
    issue(org, evaluation, people)
    assert services.evaluations_close_due(today=evaluation.closes_on) == 0
    assert services.evaluations_close_due(today=evaluation.closes_on + dt.timedelta(days=1)) == 1
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.CLOSED


def test_evaluation_pages_organise_issue_and_close(org, people, cu_a, client):
    client.force_login(org.users[Role.LEADING_GROUP_OFFICE])
    closes = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = client.post(
        f"/assessment/units/{cu_a.pk}/evaluations/new/",
        {"title": "班子民主测评", "subject_kind": "unit", "closes_on": closes, "threshold": "85"},
    )
    evaluation = Evaluation.objects.get(title="班子民主测评")
    assert response.status_code == 302 and evaluation.threshold == 85
    nobody = Person.objects.create(name="无账号干部", unit=org.unit_a)
    client.post(f"/assessment/evaluations/{evaluation.pk}/issue/", {"participants": [people.cadre.pk, nobody.pk]})
    page = client.get(f"/assessment/evaluations/{evaluation.pk}/").content.decode()
    assert 'data-testid="printed-codes"' in page  # the slip codes, once
    assert 'data-testid="printed-codes"' not in client.get(f"/assessment/evaluations/{evaluation.pk}/").content.decode()
    client.post(f"/assessment/evaluations/{evaluation.pk}/close/")
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.CLOSED
