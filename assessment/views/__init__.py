"""Assessment pages: thin views over assessment.selectors and assessment.services."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from org.views import form_errors


def put_errors(form, exc: ValidationError) -> None:
    """A service's error on the form: field by field (org.views.form_errors), or on the
    form as a whole when it names no field."""
    if hasattr(exc, "error_dict"):
        form_errors(form, exc)
    else:
        form.add_error(None, exc.messages)
