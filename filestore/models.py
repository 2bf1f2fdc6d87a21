"""A stored file and its chunks (``filestore.storage.DatabaseStorage``)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """One file of a storage: its name, its size, when it was written. The bytes are its chunks.

    Not a record anyone edits: written once by ``DatabaseStorage.save`` (in one transaction, so
    a file is whole or absent), deleted by the job that owns it (retention).
    """

    name = models.CharField(_("name"), max_length=255, unique=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gte=0),
                name="stored_file_size_not_negative",
                violation_error_message=_("A file's size cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name


class StoredChunk(models.Model):
    """``seq``-th piece of a file, at most ``CHUNK_SIZE`` bytes."""

    file = models.ForeignKey(
        StoredFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="chunks"
    )
    seq = models.PositiveIntegerField(_("position"))
    data = models.BinaryField(_("bytes"))

    class Meta:
        verbose_name = _("stored file chunk")
        verbose_name_plural = _("stored file chunks")
        constraints = [
            models.UniqueConstraint(fields=["file", "seq"], name="stored_chunk_file_seq_unique"),
        ]

    def __str__(self):
        return f"{self.file_id}:{self.seq}"
