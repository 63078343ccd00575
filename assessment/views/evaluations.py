"""Democratic evaluation: organise it, issue the one-time tokens, vote (with the token, no
sign-in), close it, and confirm or dismiss the reminder a low satisfaction proposes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessment import selectors, services
from assessment.forms import BallotForm, EvaluationForm, IssueForm, ProposalForm
from assessment.models import Answer, Evaluation, EvaluationStatus, Proposal
from assessment.views import put_errors
from assessment.views.cycles import cycle_unit_or_404
from org.permissions import has_perm, require


@login_required
def evaluation_new(request, pk: int):
    cu = cycle_unit_or_404(request, pk)
    if not services.may_organise(request.user, cu.unit):
        raise PermissionDenied
    initial = {
        "title": _("%(year)s democratic evaluation of %(unit)s") % {"year": cu.cycle.year, "unit": cu.unit.name},
        "subject_kind": "unit",
        "closes_on": timezone.localdate(),
        "threshold": cu.cycle.satisfaction_threshold,
    }
    form = EvaluationForm(request.POST or None, unit=cu.unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_create(
                user=request.user, unit=cu.unit, cycle=cu.cycle, **form.cleaned_data
            )
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("The evaluation is prepared: choose the participants and issue the tokens."))
            return redirect("assessment:evaluation", pk=evaluation.pk)
    title = _("Organise a democratic evaluation (%(unit)s)") % {"unit": cu.unit.name}
    return render(request, "assessment/form.html", {"form": form, "title": title})


def _evaluation(request, pk: int) -> Evaluation:
    evaluation = get_object_or_404(Evaluation.objects.select_related("unit", "subject_person", "cycle", "info"), pk=pk)
    require(request.user, "assessment.view", evaluation)
    return evaluation


@login_required
def evaluation_detail(request, pk: int):
    evaluation = _evaluation(request, pk)
    organiser = services.may_organise(request.user, evaluation.unit)
    draft, open_ = evaluation.status == EvaluationStatus.DRAFT, evaluation.status == EvaluationStatus.OPEN
    return render(
        request,
        "assessment/evaluation.html",
        {
            "e": evaluation,
            "figures": selectors.evaluation_figures(evaluation),
            "answers": Answer.choices,
            "issue_form": IssueForm(unit=evaluation.unit) if organiser and draft else None,
            "may_close": organiser and open_,
            "proposal_form": ProposalForm()
            if evaluation.proposal == Proposal.PROPOSED and has_perm(request.user, "alert.manage", evaluation.unit)
            else None,
            "printed": request.session.pop(f"evaluation-codes-{evaluation.pk}", None),
        },
    )


@login_required
@require_POST
def evaluation_issue(request, pk: int):
    evaluation = _evaluation(request, pk)
    form = IssueForm(request.POST, unit=evaluation.unit)
    if not form.is_valid():
        messages.error(request, _("Choose the participants."))
        return redirect("assessment:evaluation", pk=pk)
    try:
        printed = services.evaluation_issue(
            user=request.user, evaluation=evaluation, participants=form.cleaned_data["participants"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment:evaluation", pk=pk)
    messages.success(request, _("The tokens are issued; participants with an account have their link."))
    if printed:
        # Shown once, on the next page, to print on slips: the codes of participants
        # without an account. Kept in the organiser's session only until then.
        request.session[f"evaluation-codes-{pk}"] = [code for _person, code in printed]
    return redirect("assessment:evaluation", pk=pk)


@login_required
@require_POST
def evaluation_close(request, pk: int):
    evaluation = _evaluation(request, pk)
    try:
        evaluation = services.evaluation_close(user=request.user, evaluation=evaluation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The evaluation is closed."))
        if evaluation.proposal == Proposal.PROPOSED:
            messages.warning(request, _("Satisfaction is below the threshold: a reminder is proposed to the office."))
    return redirect("assessment:evaluation", pk=pk)


@login_required
@require_POST
def evaluation_proposal(request, pk: int):
    evaluation = _evaluation(request, pk)
    form = ProposalForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_decide(user=request.user, evaluation=evaluation, **form.cleaned_data)
            messages.success(request, _("Your decision was recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose record or dismiss."))
    return redirect("assessment:evaluation", pk=pk)


@never_cache
def vote(request, code: str):
    """The ballot: whoever holds the code votes once. Nothing about the voter is kept —
    not the account (no sign-in is needed), not the time."""
    evaluation = services.evaluation_for_code(code)
    if evaluation is None:
        return render(request, "assessment/vote.html", {"invalid": True}, status=404)
    form = BallotForm(request.POST or None, questions=evaluation.questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_cast(code=code, answers=form.answers(), comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            put_errors(form, exc)
            if "token" in exc.message_dict:
                return render(
                    request, "assessment/vote.html", {"e": evaluation, "refused": exc.message_dict["token"]}, status=400
                )
        else:
            return render(request, "assessment/vote.html", {"e": evaluation, "done": True})
    status = 400 if form.errors else 200
    return render(request, "assessment/vote.html", {"e": evaluation, "form": form}, status=status)
