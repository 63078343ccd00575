"""Every write of the assessment area. Each runs in one transaction and validates first;
jobs are idempotent (conditional UPDATEs, unique guard rows, notification keys)."""

from assessment.services.commitments import (
    commitment_decide,
    commitment_rate,
    commitment_report,
    commitment_save,
    commitment_submit,
    commitments_publish,
)
from assessment.services.cycles import (
    act_decide,
    cycle_add_units,
    cycle_open,
    may_advance,
    rules_file,
    stage_advance,
    talk_duties_refresh,
)
from assessment.services.evaluations import (
    ballot_cast,
    evaluation_close,
    evaluation_create,
    evaluation_for_code,
    evaluation_issue,
    evaluations_close_due,
    may_organise,
    proposal_decide,
)
from assessment.services.inspections import (
    inspection_review,
    inspection_save,
    inspection_start,
    spotcheck_record,
    spotcheck_rectified,
)
from assessment.services.ledger import education_record, may_record_talk, talk_record
from assessment.services.reminders import reminders_dispatch, reminders_run, reminders_send_chunk
from assessment.services.scoring import indicators_configure, mark_record, scores_compute

__all__ = [
    "act_decide",
    "ballot_cast",
    "commitment_decide",
    "commitment_rate",
    "commitment_report",
    "commitment_save",
    "commitment_submit",
    "commitments_publish",
    "cycle_add_units",
    "cycle_open",
    "education_record",
    "evaluation_close",
    "evaluation_create",
    "evaluation_for_code",
    "evaluation_issue",
    "evaluations_close_due",
    "indicators_configure",
    "inspection_review",
    "inspection_save",
    "inspection_start",
    "mark_record",
    "may_advance",
    "may_organise",
    "may_record_talk",
    "proposal_decide",
    "reminders_dispatch",
    "reminders_run",
    "reminders_send_chunk",
    "rules_file",
    "scores_compute",
    "spotcheck_record",
    "spotcheck_rectified",
    "stage_advance",
    "talk_duties_refresh",
    "talk_record",
]
