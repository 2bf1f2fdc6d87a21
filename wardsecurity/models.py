"""What every app shares: the ward-owned record base, and the user with a role and a scope."""

from collections.abc import Collection, Iterable
from typing import Any, ClassVar

import pgtrigger
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from wardsecurity.history import tracked
from wardsecurity.scope import ScopedQuerySet
from wardsecurity.validators import normalise_text, validate_clean_text

SAME_WARD_MESSAGE = _("Choose a record of the same ward.")


class WardRecord(models.Model):
    """Base of every ward-owned record: timestamps, version, scope and text hygiene."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    # The documented path from the record to its ward (SPEC §5).
    ward_path: ClassVar[str] = "ward"
    # Police-only records (SPEC §1): incidents, tips, reintegration cases, video extractions.
    sensitive: ClassVar[bool] = False
    # Foreign keys that must point at a record of the same ward (GUARANTEES G3).
    same_ward_fields: ClassVar[tuple[str, ...]] = ()
    # The date that places the record in a reporting period (closed periods, statistics).
    period_date_field: ClassVar[str | None] = None

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive_fields()
        if not self._state.adding:
            # The bump_version trigger computes the real value; assigning an expression makes
            # Django read it back with RETURNING, so the instance stays current.
            self.version = F("version") + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version", "updated_at"}
        super().save(*args, **kwargs)

    @classmethod
    def scope_q(cls, ward_ids: Iterable[int]) -> Q:
        return Q(**{f"{cls.ward_path}__in": ward_ids})

    @property
    def owner_ward_id(self) -> int | None:
        """The id of the ward this record belongs to, following ``ward_path``."""
        obj = self
        *hops, last = self.ward_path.split("__")
        for hop in hops:
            if getattr(obj, f"{hop}_id", None) is None:
                return None
            obj = getattr(obj, hop)
        return getattr(obj, f"{last}_id", None)

    def normalise_text_fields(self) -> None:
        for field in self._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                setattr(self, field.attname, normalise_text(getattr(self, field.attname)))

    def derive_fields(self) -> None:
        """Fill fields that follow from others (e.g. a household's ward from its group)."""

    def full_clean(
        self,
        exclude: Iterable[str] | None = None,
        validate_unique: bool = True,
        validate_constraints: bool = True,
    ) -> None:
        self.normalise_text_fields()
        self.derive_fields()
        super().full_clean(exclude, validate_unique, validate_constraints)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            if (exclude and field.name in exclude) or field.name in errors:
                continue
            try:
                validate_clean_text(getattr(self, field.attname))
            except ValidationError as exc:
                errors[field.name] = exc.error_list
        if errors:
            raise ValidationError(errors)

    def clean(self) -> None:
        super().clean()
        ward_id = self.owner_ward_id
        errors = {}
        for name in self.same_ward_fields:
            if getattr(self, f"{name}_id", None) is None:
                continue
            related = getattr(self, name)
            if ward_id is not None and related.owner_ward_id != ward_id:
                errors[name] = ValidationError(SAME_WARD_MESSAGE, code="other_ward")
        if errors:
            raise ValidationError(errors)


def dates_ordered(start: str, end: str, name: str, message):
    """A check constraint: ``end`` is empty or not before ``start``."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=message,
        violation_error_code="dates_order",
    )


def not_negative(field: str, name: str):
    """A check constraint: ``field`` ≥ 0, with a clear message."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}),
        name=name,
        violation_error_message=_("Counts and quantities cannot be negative."),
        violation_error_code="negative",
    )


class WardUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", User.Role.ADMIN)
        extra_fields.setdefault("scope_kind", User.ScopeKind.ALL)
        return super().create_superuser(username, email, password, **extra_fields)


@tracked(exclude=["password", "last_login"], versioned=False)
class User(AbstractUser):
    """A person or service account with one role (SPEC §1) and one scope (SPEC §4)."""

    class Role(models.TextChoices):
        WARD_POLICE = "ward_police", _("Ward police officer")
        WARD_STAFF = "ward_staff", _("Ward clerk")
        STEERING_VIEWER = "steering_viewer", _("Steering committee viewer")
        # Reads what a steering viewer reads; accepts or returns the ward reports in scope.
        PROVINCE_REVIEWER = "province_reviewer", _("Province reviewer")
        ADMIN = "admin", _("System administrator")

    class ScopeKind(models.TextChoices):
        ALL = "all", _("All wards")
        PROVINCE = "province", _("Province")
        CLUSTER = "cluster", _("Ward cluster")
        WARD = "ward", _("Ward")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    scope_kind = models.CharField(_("scope"), max_length=10, choices=ScopeKind.choices)
    scope_province = models.ForeignKey(
        "households.Province",
        verbose_name=_("province in scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_cluster = models.ForeignKey(
        "households.WardCluster",
        verbose_name=_("ward cluster in scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_ward = models.ForeignKey(
        "households.Ward",
        verbose_name=_("ward in scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = WardUserManager()  # type: ignore[misc]  # the stubs declare it a ClassVar

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        scope_kind="all",
                        scope_province__isnull=True,
                        scope_cluster__isnull=True,
                        scope_ward__isnull=True,
                    )
                    | Q(
                        scope_kind="province",
                        scope_province__isnull=False,
                        scope_cluster__isnull=True,
                        scope_ward__isnull=True,
                    )
                    | Q(
                        scope_kind="cluster",
                        scope_province__isnull=True,
                        scope_cluster__isnull=False,
                        scope_ward__isnull=True,
                    )
                    | Q(
                        scope_kind="ward",
                        scope_province__isnull=True,
                        scope_cluster__isnull=True,
                        scope_ward__isnull=False,
                    )
                ),
                name="user_scope_consistent",
                violation_error_message=_(
                    "Choose exactly the province, cluster or ward that the scope names."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "ward_police",
                        "ward_staff",
                        "steering_viewer",
                        "province_reviewer",
                        "admin",
                    ]
                ),
                name="user_role_known",
                violation_error_message=_("Choose one of the five roles."),
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["ward_police", "ward_staff"]) | Q(scope_kind="ward"),
                name="user_ward_roles_have_ward_scope",
                violation_error_message=_("Ward police officers and clerks work in one ward."),
            ),
            models.CheckConstraint(
                condition=~Q(role="province_reviewer") | Q(scope_kind__in=["province", "cluster"]),
                name="user_reviewer_has_province_or_cluster",
                violation_error_message=_("A province reviewer reviews a province or a cluster."),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        """Vietnamese order: family and middle names (``last_name``) before the given name."""
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def is_admin_role(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN

    @property
    def can_see_sensitive(self) -> bool:
        return self.is_admin_role or self.role == self.Role.WARD_POLICE

    @property
    def can_see_personal(self) -> bool:
        """Whether the user sees personal data (PDPL, Law 91/2025/QH15): names, addresses,
        phones, birth years of residents and members (``wardsecurity.personal``).

        An allow-list: the roles that work with the residents themselves. Steering viewers,
        and any role added later until someone decides otherwise, see figures and
        non-personal fields only."""
        return self.is_admin_role or self.role in {self.Role.WARD_POLICE, self.Role.WARD_STAFF}

    @property
    def is_reader_role(self) -> bool:
        """Steering viewers and province reviewers: they read, and write no record."""
        return self.role in {self.Role.STEERING_VIEWER, self.Role.PROVINCE_REVIEWER}

    @property
    def can_review_reports(self) -> bool:
        """May accept, return and reopen the ward reports in scope (issue 13)."""
        return self.is_admin_role or self.role == self.Role.PROVINCE_REVIEWER

    @property
    def can_write(self) -> bool:
        return self.is_admin_role or self.role in {self.Role.WARD_POLICE, self.Role.WARD_STAFF}


@tracked(exclude=["key_hash"], versioned=False)
class ApiToken(models.Model):
    """A per-client API token: only its SHA-256 is stored; it expires and can be revoked."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("client name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("token prefix"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"


@tracked
class ClosedPeriod(WardRecord):
    """A closed reporting period of a ward: records dated inside it are read-only (SPEC §6)."""

    ward = models.ForeignKey(
        "households.Ward",
        verbose_name=_("ward"),
        on_delete=models.PROTECT,
        related_name="closed_periods",
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    closed_by = models.ForeignKey(
        User, verbose_name=_("closed by"), on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        User,
        verbose_name=_("reopened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["ward", "-start"]
        constraints = [
            dates_ordered(
                "start",
                "end",
                "closed_period_dates_ordered",
                _("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="closed_period_reopen_has_reason",
                violation_error_message=_("Give the reason for reopening the period."),
                violation_error_code="reason",
            ),
        ]
        indexes = [models.Index(fields=["ward", "start", "end"], name="closed_period_ward_idx")]

    def __str__(self):
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


@pgtrigger.register(
    pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
)
class SensitiveRead(models.Model):
    """One row per read of sensitive records (incidents, tips, reintegration, extractions; G4)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    model = models.CharField(_("record type"), max_length=100)
    object_ids = ArrayField(models.BigIntegerField(), verbose_name=_("records"))
    path = models.CharField(_("path"), max_length=255)

    class Meta:
        verbose_name = _("sensitive record read")
        verbose_name_plural = _("sensitive record reads")
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"], name="sensitive_read_user_idx")]

    def __str__(self):
        return f"{self.user} {self.model} {self.at:%d/%m/%Y %H:%M}"


class JobStatus(models.TextChoices):
    """Where a background job (a report, an export) stands."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportJob(models.Model):
    """A period report built in the background for a large scope; only its owner may fetch it.

    The file is kept in the database, not under a media URL: it is only ever served through an
    authenticated view that checks the owner (SPEC §10, GUARANTEES G2).
    """

    Status = JobStatus

    owner = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="report_jobs"
    )
    scope = models.CharField(_("scope"), max_length=40)
    period = models.CharField(_("period"), max_length=40)
    calendar = models.CharField(_("calendar"), max_length=10)
    format = models.CharField(_("format"), max_length=4)
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress in percent"), default=0)
    # Starts by a worker, and when the message was last sent (wardsecurity.jobs.jobs_requeue).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    sent_at = models.DateTimeField(_("sent to the worker at"), null=True, blank=True)
    filename = models.CharField(_("file name"), max_length=120, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    content = models.BinaryField(_("content"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="report_job_owner_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="report_job_progress_at_most_100",
                violation_error_message=_("Progress is a percentage between 0 and 100."),
            ),
        ]

    def __str__(self):
        return f"{self.scope} {self.period} {self.format}"


class ExportJob(models.Model):
    """A list export too large for one request, written to a private file by a worker.

    The list's query string may hold searched names: it stays in this row, never in a URL or a
    log. The worker re-applies the owner's scope and role when it runs, so a right taken away
    since the request gives no rows (GUARANTEES G2, G14).
    """

    Status = JobStatus

    owner = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    entity = models.CharField(_("record type"), max_length=100)
    query = models.TextField(_("filters"), blank=True)
    format = models.CharField(_("format"), max_length=4)
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress in percent"), default=0)
    # Starts by a worker, and when the message was last sent (wardsecurity.jobs.jobs_requeue).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    sent_at = models.DateTimeField(_("sent to the worker at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    file_path = models.CharField(_("file"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_job_owner_idx"),
            models.Index(fields=["created_at"], name="export_job_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="export_job_progress_at_most_100",
                violation_error_message=_("Progress is a percentage between 0 and 100."),
            ),
        ]

    def __str__(self):
        return f"{self.entity} {self.format} #{self.pk}"


class FormSubmission(models.Model):
    """A create form's one-time token, claimed by the first submission that used it.

    The unique nonce is the guard: two posts of one form (twice in a row, from two tabs, or at
    the same instant) insert the same nonce, and only the first insert can commit; the others
    find this row and lead to the record it created (``wardsecurity.submissions``). An API
    create with an ``Idempotency-Key`` header claims a nonce derived from the user and the key.
    Rows older than a token's lifetime are deleted nightly (``wardsecurity.cleanup_jobs``).
    """

    nonce = models.CharField(_("token"), max_length=64)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    model = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.BigIntegerField(_("record"), null=True, blank=True)
    result_url = models.CharField(_("page of the record"), max_length=255, blank=True)
    # An API request's path and body (SHA-256): a key sent again with another request is refused.
    fingerprint = models.CharField(_("request fingerprint"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            models.UniqueConstraint(fields=["nonce"], name="form_submission_unique_nonce"),
        ]
        indexes = [models.Index(fields=["created_at"], name="form_submission_created_idx")]

    def __str__(self):
        return f"{self.model} #{self.object_id}"
