"""The reporting chain (issue 13): report kinds and deadlines, manual indicators, period reports.

A ward's period report (``PeriodReport``) is one per ward and reporting period. It is drafted by
the ward (police or clerk), submitted by the ward police — which freezes a snapshot of every
figure and of the text and closes the period for the ward —, then accepted or returned by a
province reviewer; every change of state is a ``PeriodReportTransition``. Figures that no record
holds are ``ManualIndicatorValue`` rows of an administrator's catalogue (``ManualIndicator``);
they feed the statistics engine (``reporting/metrics.py``) like any metric. ``docs/reporting.md``
describes the chain.
"""

import datetime as dt
from typing import Any, ClassVar

import pgtrigger
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from households.models import Ward
from wardsecurity.history import tracked
from wardsecurity.models import ClosedPeriod, User, WardRecord, not_negative
from wardsecurity.period_spec import REPORTING, Period, parse_period

# The longest text of one narrative section (about ten pages of a report).
NARRATIVE_MAX_LENGTH = 20_000
# Annotated: reporting.consolidated_models imports these inside an import cycle, where mypy
# cannot always infer them first.
NARRATIVE_VALIDATORS: list[MaxLengthValidator] = [MaxLengthValidator(NARRATIVE_MAX_LENGTH)]
# A manual indicator's code is also the tail of its metric key (``manual.<code>``).
INDICATOR_CODE = RegexValidator(
    r"\A[a-z0-9_]{1,40}\Z",
    _("Use lower-case unaccented letters, the digits 0-9 and _ (at most 40)."),
    code="invalid_code",
)
# "12" of "Số: 12/BC-CAP" and the symbol after it: ASCII, as Decree 30/2020 writes them.
NUMBER_VALIDATOR: RegexValidator = RegexValidator(
    r"\A[0-9]{1,6}\Z", _("Write the number with the digits 0-9 only."), code="invalid_number"
)
SYMBOL_VALIDATOR: RegexValidator = RegexValidator(
    r"\A[0-9A-ZĐ][0-9A-ZĐ./-]{0,29}\Z",
    _("Write the symbol in capital letters, digits and - / . (e.g. BC-CAP)."),
    code="invalid_symbol",
)


class PeriodKind(models.TextChoices):
    """The reports a ward sends on the reporting calendar (Decree 09/2019)."""

    MONTH = "month", _("Monthly report")
    QUARTER = "quarter", _("Quarterly report")
    HALF = "half", _("Six-month report")
    NINE_MONTHS = "nine_months", _("Nine-month report")
    YEAR = "year", _("Annual report")


# How many periods of the kind a year has, and the period code of number ``n`` of year ``y``.
KIND_COUNTS = {"month": 12, "quarter": 4, "half": 2, "nine_months": 1, "year": 1}


def period_spec(kind: str, year: int, number: int | None = None) -> str:
    """The machine code of a reporting period: ``month:2025-08``, ``months:2025:9`` …"""
    if kind == PeriodKind.MONTH:
        return f"month:{year:04d}-{number or 1:02d}"
    if kind == PeriodKind.QUARTER:
        return f"quarter:{year:04d}-Q{number or 1}"
    if kind == PeriodKind.HALF:
        return f"half:{year:04d}-H{number or 1}"
    if kind == PeriodKind.NINE_MONTHS:
        return f"months:{year:04d}:9"
    return f"year:{year:04d}"


def kind_of(period: Period) -> str | None:
    """The report kind of a parsed period, or None when no report is made for it."""
    if period.kind in ("month", "quarter", "half", "year"):
        return period.kind
    if period.kind == "months" and period.number == 9:
        return PeriodKind.NINE_MONTHS.value
    return None


def reporting_period(spec: str) -> Period:
    """``spec`` read on the reporting calendar; a period no report is made for is refused."""
    period = parse_period(spec, calendar=REPORTING)
    if kind_of(period) is None:
        raise ValidationError(
            _(
                "Reports are made for a month, a quarter, 6 months, 9 months or a year of the "
                "reporting calendar."
            ),
            code="invalid_period",
        )
    return period


@tracked(versioned=False)
class ReportSchedule(models.Model):
    """A kind of report the wards send, and its deadline: N days after the period ends."""

    kind = models.CharField(
        _("report kind"), max_length=12, choices=PeriodKind.choices, unique=True
    )
    due_days = models.PositiveSmallIntegerField(
        _("due (days after the period ends)"), validators=[MaxValueValidator(90)]
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_days__lte=90),
                name="report_schedule_due_days_at_most_90",
                violation_error_message=_("A report is due at most 90 days after its period."),
            ),
        ]

    def __str__(self):
        return str(self.get_kind_display())

    def due_on(self, period: Period) -> dt.date:
        return period.end + dt.timedelta(days=self.due_days)


class CatalogueQuerySet(models.QuerySet):
    """The catalogue is the same for everyone signed in: a value's link resolves among it."""

    def visible_to(self, user: User) -> "CatalogueQuerySet":
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self


@tracked(versioned=False)
class ManualIndicator(models.Model):
    """A figure no record holds (patrols held, leaflets handed out …), kept by administrators."""

    class Unit(models.TextChoices):
        # The noun the figure is counted in, as the report prints it.
        SESSION = "session", pgettext_lazy("indicator unit", "session")
        EVENT = "event", pgettext_lazy("indicator unit", "event")
        CLASS = "class", pgettext_lazy("indicator unit", "class")
        COPY = "copy", pgettext_lazy("indicator unit", "copy")
        ITEM = "item", pgettext_lazy("indicator unit", "item")
        POST = "post", pgettext_lazy("indicator unit", "news item")
        BROADCAST = "broadcast", pgettext_lazy("indicator unit", "broadcast")
        TURN = "turn", pgettext_lazy("indicator unit", "turn")
        PERSON = "person", pgettext_lazy("indicator unit", "person")

    class Section(models.TextChoices):
        SITUATION = "situation", _("I. Security and order situation")
        OUTREACH = "outreach", _("II. Outreach and mobilisation")
        PATROL = "patrol", _("II. Patrols and protection of the area")
        FORCES = "forces", _("II. Building the grassroots forces")
        EVENTS = "events", _("II. Movement events and conferences")

    code = models.CharField(
        _("code"), max_length=40, unique=True, validators=[INDICATOR_CODE], editable=True
    )
    label_vi = models.CharField(_("Vietnamese label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    section = models.CharField(_("report section"), max_length=10, choices=Section.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive indicators keep their figures.")
    )

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("manual indicator")
        verbose_name_plural = _("manual indicators")
        ordering = ["section", "order", "code"]

    def __str__(self):
        return self.label

    @property
    def metric_key(self) -> str:
        return f"manual.{self.code}"

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        return self.label_en if (get_language() or "vi").startswith("en") else self.label_vi


@tracked
class ManualIndicatorValue(WardRecord):
    """A ward's figure of one manual indicator for one reporting period.

    The value counts on the last day of its period (``period_end``), so the statistics engine
    sums it as a flow over any span that contains that day; the periods of one ward's values of
    one indicator never overlap (the service refuses it), so nothing is counted twice.
    """

    period_date_field = "period_end"

    ward = models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="manual_values"
    )
    indicator = models.ForeignKey(
        ManualIndicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="values",
    )
    # Copied from the indicator (whose code never changes): the rollup reads it in SQL.
    indicator_code = models.CharField(_("indicator code"), max_length=40, editable=False)
    period = models.CharField(_("period"), max_length=40)
    period_start = models.DateField(_("period start"), editable=False)
    period_end = models.DateField(_("period end"), editable=False)
    value = models.PositiveIntegerField(_("value"))

    class Meta:
        verbose_name = _("manual indicator value")
        verbose_name_plural = _("manual indicator values")
        ordering = ["ward", "-period_end", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "indicator", "period"],
                name="manual_value_one_per_period",
                violation_error_message=_("This indicator already has a value for the period."),
            ),
            not_negative("value", "manual_value_not_negative"),
        ]
        indexes = [
            models.Index(fields=["ward", "period_end"], name="manual_value_ward_end_idx"),
        ]

    def __str__(self):
        return f"{self.indicator_code} {self.period}: {self.value}"

    def derive_fields(self) -> None:
        if self.indicator_id is not None:
            self.indicator_code = self.indicator.code
        try:
            period = reporting_period(self.period)
        except ValidationError:
            return  # clean_fields names the period
        self.period = period.spec
        self.period_start, self.period_end = period.start, period.end

    def clean_fields(self, exclude: Any = None) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean_fields(exclude={*(exclude or ()), "period_start", "period_end"})
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "period" not in errors:
            try:
                reporting_period(self.period)
            except ValidationError as exc:
                errors["period"] = exc.error_list
        if errors:
            raise ValidationError(errors)


@tracked
class PeriodReport(WardRecord):
    """A ward's report for one reporting period (Decree 30/2020 form), and where it stands."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    class SignerForm(models.TextChoices):
        NONE = "", _("Signs in own name")
        KT = "KT", "KT. (ký thay)"
        TL = "TL", "TL. (thừa lệnh)"

    ward = models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="period_reports"
    )
    period = models.CharField(_("period"), max_length=40)
    kind = models.CharField(
        _("report kind"), max_length=12, choices=PeriodKind.choices, editable=False
    )
    period_start = models.DateField(_("period start"), editable=False)
    period_end = models.DateField(_("period end"), editable=False)
    due_on = models.DateField(_("due on"), editable=False)

    # The heading of the document (Decree 30/2020): "Số: 12/BC-CAP", "Ninh Bình, ngày …".
    number = models.CharField(_("number"), max_length=6, blank=True, validators=[NUMBER_VALIDATOR])
    symbol = models.CharField(_("symbol"), max_length=30, blank=True, validators=[SYMBOL_VALIDATOR])
    issued_on = models.DateField(_("date of the document"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    # The signature block: "KT. TRƯỞNG CÔNG AN PHƯỜNG / PHÓ TRƯỞNG CÔNG AN PHƯỜNG / Full name".
    signer_form = models.CharField(
        _("form of signature"), max_length=2, choices=SignerForm.choices, blank=True, default=""
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

    # The body: I and II are generated from the figures; the officer writes the rest.
    situation_text = models.TextField(
        _("I. situation: remarks"), blank=True, validators=NARRATIVE_VALIDATORS
    )
    results_text = models.TextField(
        _("II. movement results: remarks"), blank=True, validators=NARRATIVE_VALIDATORS
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
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        User,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # The first submission: timeliness is judged on it (a resubmission after a return is not late).
    first_submitted_at = models.DateTimeField(
        _("first submitted at"), null=True, blank=True, editable=False
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        User,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    return_comment = models.TextField(
        _("reviewer's comment"), blank=True, editable=False, validators=NARRATIVE_VALIDATORS
    )
    # Every figure (with the same period) and the text as submitted; never recomputed.
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True, editable=False)
    snapshot_digest = models.CharField(
        _("snapshot digest"), max_length=64, blank=True, editable=False
    )
    # The closed periods the submission created (reopened when the report is returned).
    closed_periods = models.ManyToManyField(
        ClosedPeriod, verbose_name=_("closed periods"), blank=True, editable=False, related_name="+"
    )

    NARRATIVE_FIELDS: ClassVar[tuple[str, ...]] = (
        "situation_text",
        "results_text",
        "assessment",
        "shortcomings",
        "directions",
        "proposals",
    )

    class Meta:
        verbose_name = _("period report")
        verbose_name_plural = _("period reports")
        ordering = ["-period_end", "ward"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "period"],
                name="period_report_one_per_ward_period",
                violation_error_message=_("The ward already has a report for this period."),
            ),
            models.CheckConstraint(
                condition=Q(signer_form="") | ~Q(signer_for_title=""),
                name="period_report_signing_for_has_title",
                violation_error_message=_(
                    "With KT. or TL., give the title of the head the signer signs for."
                ),
                violation_error_code="signer_for_title",
            ),
            models.CheckConstraint(
                condition=Q(state="draft")
                | Q(
                    submitted_at__isnull=False,
                    submitted_by__isnull=False,
                    snapshot__isnull=False,
                ),
                name="period_report_submitted_has_snapshot",
                violation_error_message=_("A submitted report keeps who submitted it and when."),
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_comment=""),
                name="period_report_returned_has_comment",
                violation_error_message=_("Say why the report is returned."),
                violation_error_code="comment",
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted")
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="period_report_accepted_has_reviewer",
                violation_error_message=_("An accepted report keeps who accepted it and when."),
            ),
        ]
        indexes = [
            models.Index(fields=["period", "state"], name="period_report_period_idx"),
            models.Index(fields=["ward", "-period_end"], name="period_report_ward_idx"),
        ]

    def __str__(self):
        return f"{self.ward} — {self.period_label}"

    @property
    def reporting_period(self) -> Period:
        return reporting_period(self.period)

    @property
    def period_label(self) -> str:
        try:
            return str(self.reporting_period.label)
        except ValidationError:
            return self.period

    @property
    def submitted_on_time(self) -> bool | None:
        """Whether the first submission came by the end of the due date, local time (None while
        never submitted). A resubmission after a return does not make a report late."""
        if self.first_submitted_at is None:
            return None
        return timezone.localdate(self.first_submitted_at) <= self.due_on

    @property
    def number_symbol(self) -> str:
        """``12/BC-CAP`` as the document prints it after "Số:"."""
        if not self.number:
            return ""
        return f"{self.number}/{self.symbol}" if self.symbol else self.number

    @property
    def signature_lines(self) -> list[str]:
        """The signature block above the name: ``["KT. TRƯỞNG CÔNG AN PHƯỜNG", "PHÓ …"]``."""
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
        try:
            period = reporting_period(self.period)
        except ValidationError:
            return  # clean_fields names the period
        self.period = period.spec
        self.kind = kind_of(period) or ""
        self.period_start, self.period_end = period.start, period.end
        if self._state.adding or not self.due_on:
            schedule = ReportSchedule.objects.filter(kind=self.kind).first()
            days = schedule.due_days if schedule else 0
            self.due_on = period.end + dt.timedelta(days=days)

    def clean_fields(self, exclude: Any = None) -> None:
        errors: dict[str, list[ValidationError]] = {}
        derived = {"kind", "period_start", "period_end", "due_on"}
        try:
            super().clean_fields(exclude={*(exclude or ()), *derived})
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "period" not in errors:
            try:
                reporting_period(self.period)
            except ValidationError as exc:
                errors["period"] = exc.error_list
        if errors:
            raise ValidationError(errors)


@pgtrigger.register(
    pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
)
class PeriodReportTransition(models.Model):
    """One change of a report's state: who, when, why, and the snapshot it froze (if any).

    It is itself the report's history: append-only (a trigger refuses UPDATE and DELETE), like
    the sensitive-read log, so it is not tracked again.
    """

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        RESUBMIT = "resubmit", _("Submitted again")
        RETURN = "return", _("Returned")
        ACCEPT = "accept", _("Accepted")
        REOPEN = "reopen", _("Reopened")

    report = models.ForeignKey(
        PeriodReport,
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        related_name="transitions",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_state = models.CharField(
        _("from state"), max_length=10, choices=PeriodReport.State.choices
    )
    to_state = models.CharField(_("to state"), max_length=10, choices=PeriodReport.State.choices)
    actor = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True, validators=NARRATIVE_VALIDATORS)
    # A submission keeps the snapshot it froze, so every submitted version stays readable.
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True)
    snapshot_digest = models.CharField(_("snapshot digest"), max_length=64, blank=True)
    report_version = models.PositiveIntegerField(_("report version"))

    class Meta:
        verbose_name = _("report transition")
        verbose_name_plural = _("report transitions")
        ordering = ["report", "at", "pk"]
        indexes = [models.Index(fields=["report", "at"], name="report_transition_idx")]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"


# The consolidated report lives in its own module (issue 13, item 6); imported so Django finds it.
from reporting.consolidated_models import ConsolidatedReport  # noqa: E402, F401
