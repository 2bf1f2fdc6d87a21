"""An import batch: one uploaded file of one kind for one ward, from upload to commit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wardsecurity.scope import ScopedQuerySet


class ImportQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Imports of the user's wards that the user started (administrators: all of them).

        Incident-like kinds are police-only, like the records they carry. The stored file is
        left out (deferred): the pages and the API poll an import every few seconds and never need
        its up to 20 MB (or, for commands, hundreds of MB); the services read it on their own.
        """
        queryset = super().visible_to(user).defer("content")
        if not getattr(user, "is_authenticated", False):
            return queryset
        if not user.is_admin_role:
            queryset = queryset.filter(created_by=user)
        if not user.can_see_sensitive:
            queryset = queryset.filter(police_only=False)
        return queryset


class ImportBatch(models.Model):
    """An uploaded CSV/XLSX file, its validation report and, once committed, its result."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        VALIDATING = "validating", _("Checking")
        READY = "ready", _("Ready to import")
        INVALID = "invalid", _("Has errors")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    ward = models.ForeignKey(
        "households.Ward", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    police_only = models.BooleanField(default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    # Rows checked, or while a commit runs in the worker, rows written (of ``row_count``).
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    # The background runs (wardsecurity.jobs): starts by a worker, when the message was last
    # sent, when the current run started (None: waiting for a worker).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    sent_at = models.DateTimeField(_("sent to the worker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    # The file itself: validation and commit read it again, so the commit sees the same rows.
    content = models.BinaryField(editable=False)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    summary = models.JSONField(_("summary"), default=dict)
    errors = models.JSONField(_("errors"), default=list)  # the first ERRORS_KEPT
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    preview = models.JSONField(_("preview"), default=list)  # the first PREVIEW_ROWS rows
    # What a fast-path validation relied on besides the file (group names -> ids, the ward): a
    # commit that finds them unchanged writes the staged rows without checking the file again.
    resolved = models.JSONField(default=dict, editable=False)

    objects = ImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["ward", "created_by"], name="import_ward_user_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="import_progress_percent"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def working(self) -> bool:
        """Whether a worker has the batch (or will): its page shows progress."""
        return self.status in {self.Status.QUEUED, self.Status.VALIDATING, self.Status.COMMITTING}

    @classmethod
    def scope_q(cls, ward_ids):
        return Q(ward__in=ward_ids)
