"""What every upload and spreadsheet import shares: the accepted evidence files, and the
row-by-row error report of an all-or-nothing import."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext as _

ATTACHMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "ofd", "zip"]
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def check_attachment(upload, field: str = "attachment") -> None:
    """An evidence file or attachment: a document or image type, at most 20 MB, or a field
    error naming `field`."""
    if upload is None:
        return
    try:
        FileExtensionValidator(ATTACHMENT_EXTENSIONS)(upload)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({field: _("The file is larger than 20 MB.")})


@dataclass
class RowError:
    """One problem of an import: where it is (sheet, row, column) and what is wrong."""

    sheet: str
    row: int
    column: str
    message: str


class ImportFailed(Exception):
    """An import wrote nothing; `errors` lists every bad row."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors
