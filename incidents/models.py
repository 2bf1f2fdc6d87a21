"""Incidents, tips and hotspots (SPEC §5). Incidents and tips are sensitive: police only."""

from django.db import models
from django.utils.translation import gettext_lazy as _

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
            models.Index(fields=["ward", "received_at"], name="tip_ward_received_idx"),
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
        ]
        indexes = [
            models.Index(fields=["ward", "occurred_at"], name="incident_ward_occurred_idx"),
            # A ward's list in id order reads its first page from the index (bench/, SPEC §12).
            models.Index(fields=["ward", "id"], name="incident_ward_id_idx"),
            models.Index(fields=["ward", "category"], name="incident_ward_category_idx"),
            models.Index(fields=["ward", "status"], name="incident_ward_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} ({self.occurred_at:%d/%m/%Y})"


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
