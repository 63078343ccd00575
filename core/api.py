"""The API's one error shape for service calls."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework.exceptions import ValidationError as DRFValidationError


def call_service(fn, **kwargs):
    """Run a service; its Django ValidationError becomes a 400 with field errors
    (`non_field_errors` when the error names no field)."""
    try:
        return fn(**kwargs)
    except ValidationError as exc:
        raise DRFValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        ) from exc
