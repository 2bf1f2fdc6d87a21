"""The consolidated report of a province or a cluster (issue 13, item 6).

A province reviewer (or an administrator) writes it for a reporting period from the ward
reports the province ACCEPTED: each figure is the sum of those reports' snapshots, a ratio is
recomputed from the summed numerator and denominator, and the same period is the sum of the
snapshots' own same-period values (``reporting.consolidation``). While it is a draft its figures
are computed afresh from the accepted snapshots each time it is read; issuing it freezes them in
``figures`` with the wards it covers and the wards that were missing. It is imported by
``reporting.models`` so that Django finds it.
"""

from typing import Any, ClassVar, Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from households.models import Province, Ward, WardCluster
from reporting.models import (
    NARRATIVE_VALIDATORS,
    NUMBER_VALIDATOR,
    SYMBOL_VALIDATOR,
    PeriodKind,
    PeriodReport,
    kind_of,
    reporting_period,
)
from wardsecurity.history import tracked
from wardsecurity.models import User
from wardsecurity.scope import ALL_WARDS, scope_ward_ids
from wardsecurity.validators import normalise_text, validate_clean_text


class ConsolidatedQuerySet(models.QuerySet["ConsolidatedReport"]):
    def visible_to(self, user: User) -> Self:
        """The reports of a province or cluster every ward of which the user sees, for the
        roles that see completeness (steering viewers, reviewers, administrators)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not (user.is_admin_role or user.is_reader_role):
            return self.none()
        ids = scope_ward_ids(user)
        if ids is ALL_WARDS:
            return self
        outside = Ward.objects.exclude(id__in=ids)
        province_outside = outside.filter(province_id=OuterRef("province_id"))
        cluster_outside = outside.filter(clusters=OuterRef("cluster_id"))
        return self.filter(
            Q(province__isnull=False, cluster__isnull=True) & ~Exists(province_outside)
            | Q(cluster__isnull=False, province__isnull=True) & ~Exists(cluster_outside)
        )


@tracked
class ConsolidatedReport(models.Model):
    """A province's or cluster's report for a period, summed from its accepted ward reports."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    class ScopeKind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CLUSTER = "cluster", _("Ward cluster")

    scope_kind = models.CharField(_("scope"), max_length=10, choices=ScopeKind.choices)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consolidated_reports",
    )
    cluster = models.ForeignKey(
        WardCluster,
        verbose_name=_("ward cluster"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consolidated_reports",
    )
    period = models.CharField(_("period"), max_length=40)
    kind = models.CharField(
        _("report kind"), max_length=12, choices=PeriodKind.choices, editable=False
    )
    period_start = models.DateField(_("period start"), editable=False)
    period_end = models.DateField(_("period end"), editable=False)

    number = models.CharField(_("number"), max_length=6, blank=True, validators=[NUMBER_VALIDATOR])
    symbol = models.CharField(_("symbol"), max_length=30, blank=True, validators=[SYMBOL_VALIDATOR])
    issued_on = models.DateField(_("date of the document"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    signer_form = models.CharField(
        _("form of signature"),
        max_length=2,
        choices=PeriodReport.SignerForm.choices,
        blank=True,
        default="",
    )
    signer_for_title = models.CharField(
        _("signing for (title)"),
        max_length=150,
        blank=True,
        help_text=_("The title of the head the signer signs for (with KT. or TL.)."),
    )
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    signer_name = models.CharField(_("signer's full name"), max_length=100, blank=True)
    recipients = models.TextField(
        _("recipients"),
        blank=True,
        validators=[MaxLengthValidator(2000)],
        help_text=_("One recipient a line, as “Nơi nhận” lists them."),
    )
    assessment = models.TextField(
        _("general assessment"), blank=True, validators=NARRATIVE_VALIDATORS
    )
    shortcomings = models.TextField(
        _("III. shortcomings and causes"), blank=True, validators=NARRATIVE_VALIDATORS
    )
    directions = models.TextField(
        _("IV. directions and tasks for the next period"),
        blank=True,
        validators=NARRATIVE_VALIDATORS,
    )
    proposals = models.TextField(_("V. proposals"), blank=True, validators=NARRATIVE_VALIDATORS)

    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    # Frozen when issued: the summed figures, the wards summed and the wards missing.
    figures = models.JSONField(_("figures"), null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        User,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        User,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ConsolidatedQuerySet.as_manager()

    NARRATIVE_FIELDS: ClassVar[tuple[str, ...]] = (
        "assessment",
        "shortcomings",
        "directions",
        "proposals",
    )

    class Meta:
        verbose_name = _("consolidated report")
        verbose_name_plural = _("consolidated reports")
        ordering = ["-period_end", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope_kind="province", province__isnull=False, cluster__isnull=True)
                | Q(scope_kind="cluster", province__isnull=True, cluster__isnull=False),
                name="consolidated_scope_consistent",
                violation_error_message=_("Choose the province or the cluster the report covers."),
            ),
            models.UniqueConstraint(
                fields=["province", "period"],
                condition=Q(province__isnull=False),
                name="consolidated_one_per_province_period",
                violation_error_message=_("The province already has a report for this period."),
            ),
            models.UniqueConstraint(
                fields=["cluster", "period"],
                condition=Q(cluster__isnull=False),
                name="consolidated_one_per_cluster_period",
                violation_error_message=_("The cluster already has a report for this period."),
            ),
            models.CheckConstraint(
                condition=Q(signer_form="") | ~Q(signer_for_title=""),
                name="consolidated_signing_for_has_title",
                violation_error_message=_(
                    "With KT. or TL., give the title of the head the signer signs for."
                ),
                violation_error_code="signer_for_title",
            ),
            models.CheckConstraint(
                condition=Q(state="draft", figures__isnull=True)
                | Q(
                    state="issued",
                    figures__isnull=False,
                    issued_at__isnull=False,
                    issued_by__isnull=False,
                ),
                name="consolidated_issued_has_figures",
                violation_error_message=_("An issued report keeps its figures, who and when."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_name} — {self.period_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive_fields()
        if not self._state.adding:
            # The bump_version trigger computes the value; RETURNING reads it back.
            self.version = models.F("version") + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version", "updated_at"}
        super().save(*args, **kwargs)

    @property
    def scope_name(self) -> str:
        target = self.province if self.province_id else self.cluster
        return str(target) if target is not None else ""

    @property
    def scope_spec(self) -> str:
        if self.province_id:
            assert self.province is not None
            return f"province:{self.province.code}"
        return f"cluster:{self.cluster_id}"

    @property
    def period_label(self) -> str:
        try:
            return str(reporting_period(self.period).label)
        except ValidationError:  # an unsaved report with a bad period
            return self.period

    @property
    def number_symbol(self) -> str:
        if not self.number:
            return ""
        return f"{self.number}/{self.symbol}" if self.symbol else self.number

    @property
    def signature_lines(self) -> list[str]:
        lines = []
        if self.signer_form:
            lines.append(f"{self.signer_form}. {self.signer_for_title}".upper())
        if self.signer_title:
            lines.append(self.signer_title.upper())
        return lines

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]

    def derive_fields(self) -> None:
        if self.province_id and not self.cluster_id:
            self.scope_kind = self.ScopeKind.PROVINCE
        elif self.cluster_id and not self.province_id:
            self.scope_kind = self.ScopeKind.CLUSTER
        try:
            period = reporting_period(self.period)
        except ValidationError:  # clean_fields names the period
            return
        self.period = period.spec
        self.kind = kind_of(period) or ""
        self.period_start, self.period_end = period.start, period.end

    def full_clean(self, *args: Any, **kwargs: Any) -> None:
        for name in (f.attname for f in self._meta.concrete_fields):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, normalise_text(value))
        self.derive_fields()
        super().full_clean(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.signer_form and not self.signer_for_title:
            message = _("With KT. or TL., give the title of the head the signer signs for.")
            raise ValidationError({"signer_for_title": [message]}, code="signer_for_title")

    def clean_fields(self, exclude: Any = None) -> None:
        errors: dict[str, list[ValidationError]] = {}
        derived = {"kind", "period_start", "period_end"}
        try:
            super().clean_fields(exclude={*(exclude or ()), *derived})
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            if field.name in errors or (exclude and field.name in exclude):
                continue
            try:
                validate_clean_text(getattr(self, field.attname))
            except ValidationError as exc:
                errors[field.name] = exc.error_list
        if "period" not in errors:
            try:
                reporting_period(self.period)
            except ValidationError as exc:
                errors["period"] = exc.error_list
        if errors:
            raise ValidationError(errors)
