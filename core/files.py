"""
Store a file in media storage whole, or not at all.

A disk that fills up while a file is written (ENOSPC) leaves the file cut short, and Django's
storage leaves that part on disk. Every upload and generated file that a record will point to
is stored through store_whole: it removes what was written and raises a ValidationError whose
message tells the user (code storage_full), so no record points to a missing or partial file
and no partial file stays behind.
"""

import errno
import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

STORAGE_FULL = _(
    "The server's storage is full, so the file was not saved and nothing was changed. Ask the "
    "administrator to free space on the server, then try again."
)
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def store_whole(instance, field_name: str, filename: str, content) -> str:
    """Store content as the file of instance's FileField field_name (the row is not saved).

    Return the stored name, which the field now holds. If storing fails part-way, remove what
    was written; a full disk raises ValidationError (code storage_full), other errors go on.
    """
    field = instance._meta.get_field(field_name)
    storage = field.storage
    # The name is chosen here, where it is free, so that a failed write can be found again. (Two
    # writers racing for one name at the same instant, on a full disk, are not told apart: the
    # names used are random or per certificate version, and a lost PDF is made again.)
    name = storage.get_available_name(
        field.generate_filename(instance, filename), max_length=field.max_length
    )
    try:
        name = storage.save(name, content, max_length=field.max_length)
    except OSError as error:
        if storage.exists(name):
            storage.delete(name)
        if error.errno not in FULL_ERRNOS:
            raise
        logger.error("Media storage full: %s was not stored (%s)", name, error)
        raise ValidationError(STORAGE_FULL, code="storage_full") from error
    setattr(instance, field_name, name)
    return name
