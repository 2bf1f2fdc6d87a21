"""Community cameras, recorders, funding contributions and the footage access log (SPEC §5)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models import Household, Organisation, ResidentialGroup, Ward
from incidents.models import Incident
from movement.models import SelfManagementModel
from wardsecurity.fields import coordinates_paired, latitude_field, longitude_field
from wardsecurity.history import tracked
from wardsecurity.models import WardRecord, dates_ordered, not_negative
from wardsecurity.validators import validate_code, validate_not_future


@tracked
class Recorder(WardRecord):
    """A video recorder (đầu thu) that cameras feed."""

    period_date_field = "installed_on"

    ward = models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="recorders"
    )
    code = models.CharField(_("code"), max_length=30, validators=[validate_code])
    location = models.CharField(_("location"), max_length=255)
    channels = models.PositiveSmallIntegerField(_("channels"), default=0)
    installed_on = models.DateField(_("installed on"), validators=[validate_not_future])

    class Meta:
        # The rollup recomputes a (ward, day) bucket from these (reports/sql.py).
        indexes = [
            models.Index(fields=["ward", "installed_on"], name="recorder_installed_on_rollup"),
        ]
        verbose_name = _("recorder")
        verbose_name_plural = _("recorders")
        ordering = ["ward", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "code"],
                name="recorder_code_unique_in_ward",
                violation_error_message=_("This ward already has a recorder with that code."),
                violation_error_code="unique",
            ),
            not_negative("channels", "recorder_channels_not_negative"),
        ]

    def __str__(self):
        return self.code


@tracked
class Camera(WardRecord):
    """A security camera in the ward, whoever owns and funded it."""

    period_date_field = "installed_on"

    class OwnerKind(models.TextChoices):
        PUBLIC = "public", _("Public")
        COMMUNITY = "community", _("Community")
        AGENCY = "agency", _("Agency")
        BUSINESS = "business", _("Business")
        HOUSEHOLD = "household", _("Household")

    class Funding(models.TextChoices):
        CONTRIBUTION = "contribution", _("Residents' contributions")
        BUDGET = "budget", _("State budget")
        SPONSOR = "sponsor", _("Sponsor")
        OWNER = "owner", _("Owner")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FAULTY = "faulty", _("Faulty")
        REMOVED = "removed", _("Removed")

    ward = models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="cameras"
    )
    group = models.ForeignKey(
        ResidentialGroup,
        verbose_name=_("residential group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cameras",
    )
    code = models.CharField(_("code"), max_length=30, validators=[validate_code])
    location = models.CharField(_("location"), max_length=255)
    latitude = latitude_field()
    longitude = longitude_field()
    owner_kind = models.CharField(_("owner"), max_length=10, choices=OwnerKind.choices)
    funding = models.CharField(_("funding"), max_length=12, choices=Funding.choices)
    installed_on = models.DateField(_("installed on"), validators=[validate_not_future])
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    recorder = models.ForeignKey(
        Recorder,
        verbose_name=_("recorder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cameras",
    )
    model = models.ForeignKey(
        SelfManagementModel,
        verbose_name=_("self-management model"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cameras",
    )
    signage = models.BooleanField(_("warning sign posted"), default=False)
    retention_days = models.PositiveSmallIntegerField(_("retention (days)"), default=30)
    connected_to_police = models.BooleanField(_("connected to the police"), default=False)

    same_ward_fields = ("group", "recorder", "model")

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        ordering = ["ward", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "code"],
                name="camera_code_unique_in_ward",
                violation_error_message=_("This ward already has a camera with that code."),
                violation_error_code="unique",
            ),
            not_negative("retention_days", "camera_retention_not_negative"),
            dates_ordered(
                "installed_on",
                "removed_on",
                "camera_dates_ordered",
                _("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(status="removed", removed_on__isnull=False)
                | (~Q(status="removed") & Q(removed_on__isnull=True)),
                name="camera_removed_has_date",
                violation_error_message=_(
                    "Enter a removal date exactly when the camera is removed."
                ),
                violation_error_code="removed_on",
            ),
            coordinates_paired("camera_coordinates_paired"),
        ]
        indexes = [
            models.Index(fields=["ward", "removed_on"], name="camera_removed_on_rollup"),
            models.Index(fields=["ward", "status"], name="camera_ward_status_idx"),
            models.Index(fields=["ward", "owner_kind"], name="camera_ward_owner_idx"),
            models.Index(fields=["ward", "installed_on"], name="camera_ward_installed_idx"),
        ]

    def __str__(self):
        return self.code


@tracked
class Contribution(WardRecord):
    """Money given towards cameras and the movement (xã hội hóa), in whole đồng."""

    period_date_field = "contributed_on"

    ward = models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="contributions"
    )
    contributor_name = models.CharField(_("contributor"), max_length=200)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    amount_vnd = models.BigIntegerField(
        _("amount (VND)"),
        validators=[
            MinValueValidator(1, message=_("The amount must be a whole number of đồng above 0."))
        ],
    )
    contributed_on = models.DateField(_("contributed on"), validators=[validate_not_future])
    purpose = models.CharField(_("purpose"), max_length=255, blank=True)
    camera = models.ForeignKey(
        Camera,
        verbose_name=_("camera"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )

    same_ward_fields = ("household", "organisation", "camera")

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["ward", "-contributed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_vnd__gt=0),
                name="contribution_amount_positive",
                violation_error_message=_("The amount must be a whole number of đồng above 0."),
                violation_error_code="amount",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=True) | Q(organisation__isnull=True),
                name="contribution_one_contributor",
                violation_error_message=_(
                    "A contribution comes from a household or an organisation, not both."
                ),
                violation_error_code="contributor",
            ),
        ]
        indexes = [
            models.Index(fields=["ward", "contributed_on"], name="contrib_ward_date_idx"),
        ]

    def __str__(self):
        return f"{self.contributor_name}: {self.amount_vnd:,} ₫"


@tracked
class VideoExtraction(WardRecord):
    """A request to extract camera footage; police-only, it doubles as the footage access log."""

    period_date_field = "requested_at"

    sensitive = True
    ward_path = "camera__ward"

    camera = models.ForeignKey(
        Camera, verbose_name=_("camera"), on_delete=models.PROTECT, related_name="extractions"
    )
    requested_at = models.DateTimeField(_("requested at"), validators=[validate_not_future])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=255)
    incident = models.ForeignKey(
        Incident,
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="extractions",
    )
    useful = models.BooleanField(_("useful"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    same_ward_fields = ("incident",)

    class Meta:
        verbose_name = _("video extraction")
        verbose_name_plural = _("video extractions")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["camera", "requested_at"], name="extract_camera_requested_idx"),
        ]

    def __str__(self):
        return f"{self.camera} ({self.requested_at:%d/%m/%Y})"
