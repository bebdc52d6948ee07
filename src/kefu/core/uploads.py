"""Every upload has a ceiling: a form's file field names its own, the message says it in MB."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _


@deconstructible
class MaxUploadSize:
    """A file field's validator; ``kind`` names the setting (``KEFU_MAX_UPLOAD_MB[kind]``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    @property
    def megabytes(self) -> int:
        return int(settings.KEFU_MAX_UPLOAD_MB[self.kind])

    def __call__(self, upload) -> None:
        if upload is not None and upload.size > self.megabytes * 1024 * 1024:
            raise ValidationError(
                _("文件太大（%(size).1f MB），最大 %(max)d MB。")
                % {"size": upload.size / 1024 / 1024, "max": self.megabytes},
                code="file_too_large",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxUploadSize) and other.kind == self.kind
