"""Incidents, tips and hotspots (SPEC §5). Incidents and tips are sensitive: police only."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from households.models import ResidentialGroup, Ward
from wardsecurity.fields import coordinates_paired, latitude_field, longitude_field
from wardsecurity.history import tracked
from wardsecurity.models import WardRecord, dates_ordered, not_negative
from wardsecurity.validators import validate_not_future


class Category(models.TextChoices):
    PUBLIC_ORDER_CRIME = "public_order_crime", _("Crime against public order")
    DRUGS = "drugs", _("Drugs")
    ECONOMIC = "economic", _("Economic crime")
    ENVIRONMENT_FOOD = "environment_food", _("Environment and food safety")
    CYBER_FRAUD = "cyber_fraud", _("Online fraud")
    SOCIAL_EVILS = "social_evils", _("Social evils (gambling, prostitution)")
    TRAFFIC_ACCIDENT = "traffic_accident", _("Traffic accident")
    TRAFFIC_VIOLATION = "traffic_violation", _("Traffic violation")
    URBAN_ORDER = "urban_order", _("Urban order violation")
    FIRE_EXPLOSION = "fire_explosion", _("Fire or explosion")
    CIVIL_DISPUTE = "civil_dispute", _("Civil dispute")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    WEAPONS_FIRECRACKERS = "weapons_firecrackers", _("Weapons and firecrackers")
    OTHER = "other", _("Other")


class CaseType(models.TextChoices):
    """How police statistics count a case (loại vụ việc): one line of the ward's report each."""

    CRIMINAL = "criminal", _("Criminal case")
    ADMINISTRATIVE = "administrative", _("Administrative violation")
    SOCIAL_EVILS = "social_evils", _("Social evils")
    TRAFFIC_ACCIDENT = "traffic_accident", _("Traffic accident")
    FIRE_EXPLOSION = "fire_explosion", _("Fire or explosion")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    """The class of a crime, Penal Code 2015 (Law 100/2015/QH13, amended 2017), article 9.

    ``UNCLASSIFIED`` is not a class of the Code: it marks a criminal case entered before the
    portal recorded severity, whose class nobody has given yet (migration 0009). No case is
    put in it by hand; an officer gives such a case its class."""

    LESS_SERIOUS = "less_serious", pgettext_lazy("crime severity", "Less serious")
    SERIOUS = "serious", pgettext_lazy("crime severity", "Serious")
    VERY_SERIOUS = "very_serious", pgettext_lazy("crime severity", "Very serious")
    PARTICULARLY_SERIOUS = (
        "particularly_serious",
        pgettext_lazy("crime severity", "Particularly serious"),
    )
    UNCLASSIFIED = "unclassified", pgettext_lazy("crime severity", "Not yet classified")


# The case type of an incident of each category, as the data migration
# (0006_incident_case_type_from_category) filled it for existing rows and as the demo and the
# factories set it. A default reading of the category, not a rule: an officer may classify an
# incident otherwise (a fight is an administrative violation until it is a crime).
CASE_TYPE_OF_CATEGORY = {
    Category.PUBLIC_ORDER_CRIME: CaseType.CRIMINAL,
    Category.DRUGS: CaseType.CRIMINAL,
    Category.ECONOMIC: CaseType.CRIMINAL,
    Category.CYBER_FRAUD: CaseType.CRIMINAL,
    Category.ENVIRONMENT_FOOD: CaseType.ADMINISTRATIVE,
    Category.TRAFFIC_VIOLATION: CaseType.ADMINISTRATIVE,
    Category.URBAN_ORDER: CaseType.ADMINISTRATIVE,
    Category.DOMESTIC_VIOLENCE: CaseType.ADMINISTRATIVE,
    Category.WEAPONS_FIRECRACKERS: CaseType.ADMINISTRATIVE,
    Category.SOCIAL_EVILS: CaseType.SOCIAL_EVILS,
    Category.TRAFFIC_ACCIDENT: CaseType.TRAFFIC_ACCIDENT,
    Category.FIRE_EXPLOSION: CaseType.FIRE_EXPLOSION,
    Category.CIVIL_DISPUTE: CaseType.OTHER,
    Category.OTHER: CaseType.OTHER,
}
# Case types that count deaths, injuries and damage (police statistics of accidents and fires).
CASUALTY_CASE_TYPES = (CaseType.TRAFFIC_ACCIDENT, CaseType.FIRE_EXPLOSION)
CASUALTY_FIELDS = ("deaths", "injuries", "damage_vnd")

SEVERITY_REQUIRED_MESSAGE = _("Give the severity of a criminal case (Penal Code 2015, article 9).")
SEVERITY_UNCLASSIFIED_MESSAGE = _(
    "“Not yet classified” is kept only by cases entered before severity was recorded; give "
    "the class of the crime (Penal Code 2015, article 9)."
)
SEVERITY_NOT_CRIMINAL_MESSAGE = _(
    "Only a criminal case has a severity under the Penal Code; leave it empty for this type "
    "of case."
)
CLEARED_NOT_CRIMINAL_MESSAGE = _(
    "Only a criminal case is cleared by investigation; leave it empty for this type of case."
)
CLEARED_ON_REQUIRED_MESSAGE = _("Enter the date the case was cleared.")
CLEARED_ON_NOT_CLEARED_MESSAGE = _("Enter a clearance date only for a case that is cleared.")
CLEARED_BEFORE_MESSAGE = _("A case cannot be cleared before the day it occurred.")
HANDLED_MESSAGE = _("The suspects handled cannot be more than the suspects of the case.")
CASUALTIES_MESSAGE = _(
    "Deaths, injuries and damage are recorded only for traffic accidents and fires or explosions."
)


def _was_unclassified(incident: "Incident") -> bool:
    """Whether the stored case is one left unclassified (it may keep that while other fields
    change); a new case, or one that had a class, may not be put there."""
    if incident.pk is None:
        return False
    return (
        type(incident)
        .objects.filter(pk=incident.pk, severity=Severity.UNCLASSIFIED, case_type=CaseType.CRIMINAL)
        .exists()
    )


def case_rule_errors(incident: "Incident") -> dict[str, list[ValidationError]]:
    """What the incident breaks of the police-statistics rules, by field (empty: nothing).

    ``Incident.clean`` raises them, so every write path (the services, and through them the
    API, the portal, the admin and imports) refuses the record naming the field, before the
    database constraints that hold the same rules are checked.
    """
    errors: dict[str, list[ValidationError]] = {}

    def refuse(name: str, message, code: str) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    case_type = incident.case_type
    if case_type not in CaseType.values:
        return errors  # the field's own check says so
    criminal = case_type == CaseType.CRIMINAL
    if criminal and not incident.severity:
        refuse("severity", SEVERITY_REQUIRED_MESSAGE, "required")
    elif not criminal and incident.severity:
        refuse("severity", SEVERITY_NOT_CRIMINAL_MESSAGE, "not_criminal")
    elif incident.severity == Severity.UNCLASSIFIED and not _was_unclassified(incident):
        refuse("severity", SEVERITY_UNCLASSIFIED_MESSAGE, "unclassified")
    if not criminal and incident.cleared:
        refuse("cleared", CLEARED_NOT_CRIMINAL_MESSAGE, "not_criminal")
    cleared_on = incident.cleared_on
    if not criminal and cleared_on is not None:
        refuse("cleared_on", CLEARED_NOT_CRIMINAL_MESSAGE, "not_criminal")
    elif criminal and incident.cleared and cleared_on is None:
        refuse("cleared_on", CLEARED_ON_REQUIRED_MESSAGE, "required")
    elif criminal and not incident.cleared and cleared_on is not None:
        refuse("cleared_on", CLEARED_ON_NOT_CLEARED_MESSAGE, "not_cleared")
    occurred = incident.occurred_at
    if isinstance(cleared_on, dt.date) and isinstance(occurred, dt.datetime):
        if timezone.is_naive(occurred):
            occurred = timezone.make_aware(occurred)
        if cleared_on < timezone.localtime(occurred).date():
            refuse("cleared_on", CLEARED_BEFORE_MESSAGE, "before_occurred")
    handled, suspects = incident.suspects_handled, incident.suspects
    if isinstance(handled, int) and isinstance(suspects, int) and 0 <= suspects < handled:
        refuse("suspects_handled", HANDLED_MESSAGE, "more_than_suspects")
    if case_type not in CASUALTY_CASE_TYPES:
        for name in CASUALTY_FIELDS:
            if getattr(incident, name):
                refuse(name, CASUALTIES_MESSAGE, "not_accident")
    return errors


@tracked
class Tip(WardRecord):
    """A tip or denunciation (tin báo, tố giác); the reporter's identity is police-only."""

    period_date_field = "received_at"

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        HOTLINE = "hotline", _("Hotline")
        APP = "app", _("App")
        SECURITY_TEAM = "security_team", _("Security team")
        ANONYMOUS = "anonymous", _("Anonymous")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        VERIFIED = "verified", _("Verified")
        UNFOUNDED = "unfounded", _("Unfounded")

    sensitive = True

    ward = models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="tips"
    )
    received_at = models.DateTimeField(_("received at"), validators=[validate_not_future])
    channel = models.CharField(_("channel"), max_length=14, choices=Channel.choices)
    reporter = models.CharField(_("reporter"), max_length=200, blank=True)
    content = models.TextField(_("content"))
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="new")

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["ward", "-received_at"]
        indexes = [
            # The default order (newest first, then id): a page's ids from the index alone
            # (issue 18, item 3); also every range of a ward's dates.
            models.Index(fields=["ward", "received_at", "id"], name="tip_ward_received_id_idx"),
            # A ward's list in id order reads its first page from the index (bench/, SPEC §12).
            models.Index(fields=["ward", "id"], name="tip_ward_id_idx"),
            models.Index(fields=["ward", "status"], name="tip_ward_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} ({self.received_at:%d/%m/%Y})"


@tracked
class Incident(WardRecord):
    """An incident, crime or violation in the ward (sensitive, police only).

    The tip that led to it is ``tip``; a tip's incidents are its reverse relation ``incidents``.
    """

    period_date_field = "occurred_at"

    Category = Category
    CaseType = CaseType
    Severity = Severity

    class Source(models.TextChoices):
        TIP = "tip", _("Tip")
        PATROL = "patrol", _("Patrol")
        CAMERA = "camera", _("Camera")
        VICTIM = "victim", _("Victim report")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        VERIFYING = "verifying", _("Being verified")
        RESOLVED = "resolved", _("Resolved")
        TRANSFERRED = "transferred", _("Transferred")

    sensitive = True

    ward = models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="incidents"
    )
    group = models.ForeignKey(
        ResidentialGroup,
        verbose_name=_("residential group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    occurred_at = models.DateTimeField(_("occurred at"), validators=[validate_not_future])
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    subcategory = models.CharField(_("subcategory"), max_length=100, blank=True)
    # Police statistics (docs/domain.md): the type of case, a crime's severity (Penal Code art.
    # 9), whether a crime is cleared, and the toll of an accident or a fire.
    case_type = models.CharField(_("case type"), max_length=16, choices=CaseType.choices)
    severity = models.CharField(
        _("severity"),
        max_length=20,
        choices=Severity.choices,
        blank=True,
        default="",
        help_text=_("Penal Code 2015, article 9; criminal cases only."),
    )
    cleared = models.BooleanField(
        _("cleared"),
        default=False,
        help_text=_("Investigated and cleared up; criminal cases only."),
    )
    cleared_on = models.DateField(
        _("cleared on"), null=True, blank=True, validators=[validate_not_future]
    )
    suspects_handled = models.PositiveIntegerField(_("suspects handled"), default=0)
    deaths = models.PositiveIntegerField(
        _("deaths"), default=0, help_text=_("Traffic accidents and fires or explosions only.")
    )
    injuries = models.PositiveIntegerField(
        _("injuries"), default=0, help_text=_("Traffic accidents and fires or explosions only.")
    )
    damage_vnd = models.PositiveBigIntegerField(
        _("damage (VND)"),
        default=0,
        help_text=_("Whole đồng; traffic accidents and fires or explosions only."),
    )
    summary = models.TextField(_("summary"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    tip = models.ForeignKey(
        Tip,
        verbose_name=_("tip"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
    )
    suspects = models.PositiveIntegerField(_("suspects"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    latitude = latitude_field()
    longitude = longitude_field()

    same_ward_fields = ("group", "tip")

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["ward", "-occurred_at"]
        constraints = [
            not_negative("suspects", "incident_suspects_not_negative"),
            coordinates_paired("incident_coordinates_paired"),
            # The police-statistics rules (case_rule_errors says them field by field first).
            models.CheckConstraint(
                condition=Q(case_type__in=CaseType.values),
                name="incident_case_type_valid",
                violation_error_message=_("Choose the type of case."),
                violation_error_code="case_type",
            ),
            models.CheckConstraint(
                condition=Q(case_type=CaseType.CRIMINAL, severity__in=Severity.values)
                | (~Q(case_type=CaseType.CRIMINAL) & Q(severity="")),
                name="incident_severity_for_crimes",
                violation_error_message=SEVERITY_REQUIRED_MESSAGE,
                violation_error_code="severity",
            ),
            models.CheckConstraint(
                condition=Q(cleared=False, cleared_on__isnull=True)
                | Q(case_type=CaseType.CRIMINAL, cleared=True, cleared_on__isnull=False),
                name="incident_cleared_for_crimes",
                violation_error_message=CLEARED_NOT_CRIMINAL_MESSAGE,
                violation_error_code="cleared",
            ),
            models.CheckConstraint(
                condition=Q(case_type__in=CASUALTY_CASE_TYPES)
                | Q(deaths=0, injuries=0, damage_vnd=0),
                name="incident_casualties_for_accidents",
                violation_error_message=CASUALTIES_MESSAGE,
                violation_error_code="casualties",
            ),
            not_negative("suspects_handled", "incident_handled_not_negative"),
            models.CheckConstraint(
                condition=Q(suspects_handled__lte=F("suspects")),
                name="incident_handled_within_suspects",
                violation_error_message=HANDLED_MESSAGE,
                violation_error_code="suspects_handled",
            ),
            not_negative("deaths", "incident_deaths_not_negative"),
            not_negative("injuries", "incident_injuries_not_negative"),
            not_negative("damage_vnd", "incident_damage_not_negative"),
        ]
        indexes = [
            # The default order (newest first, then id): a page's ids from the index alone
            # (issue 18, item 3); also every range of a ward's dates.
            models.Index(
                fields=["ward", "occurred_at", "id"], name="incident_ward_occurred_id_idx"
            ),
            # A ward's list in id order reads its first page from the index (bench/, SPEC §12).
            models.Index(fields=["ward", "id"], name="incident_ward_id_idx"),
            models.Index(fields=["ward", "category"], name="incident_ward_category_idx"),
            models.Index(fields=["ward", "status"], name="incident_ward_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} ({self.occurred_at:%d/%m/%Y})"

    def clean(self):
        errors = case_rule_errors(self)
        try:
            super().clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


@tracked
class Hotspot(WardRecord):
    """A complex or key area on security and order (địa bàn trọng điểm) and its transformation."""

    period_date_field = "designated_on"

    class Status(models.TextChoices):
        DESIGNATED = "designated", _("Designated")
        TRANSFORMING = "transforming", _("Being transformed")
        TRANSFORMED = "transformed", _("Transformed")

    ward = models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="hotspots"
    )
    group = models.ForeignKey(
        ResidentialGroup,
        verbose_name=_("residential group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotspots",
    )
    name = models.CharField(_("name"), max_length=200)
    reasons = models.TextField(_("reasons"), blank=True)
    designated_on = models.DateField(_("designated on"), validators=[validate_not_future])
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DESIGNATED
    )
    transformed_on = models.DateField(_("transformed on"), null=True, blank=True)

    same_ward_fields = ("group",)

    class Meta:
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        ordering = ["ward", "-designated_on"]
        constraints = [
            dates_ordered(
                "designated_on",
                "transformed_on",
                "hotspot_dates_ordered",
                _("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="transformed", transformed_on__isnull=False)
                | (~models.Q(status="transformed") & models.Q(transformed_on__isnull=True)),
                name="hotspot_transformed_has_date",
                violation_error_message=_(
                    "Enter a transformation date exactly when the hotspot is transformed."
                ),
                violation_error_code="transformed_on",
            ),
        ]
        indexes = [
            models.Index(fields=["ward", "status"], name="hotspot_ward_status_idx"),
            models.Index(fields=["ward", "designated_on"], name="hotspot_designated_o_rollup"),
            models.Index(fields=["ward", "transformed_on"], name="hotspot_transformed__rollup"),
        ]

    def __str__(self):
        return self.name
