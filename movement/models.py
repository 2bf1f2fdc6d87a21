"""The movement's records: models, teams, commitments, mediation, outreach and more (SPEC §5)."""

import calendar
import datetime as dt
from datetime import date
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from households.models import Household, Organisation, Province, ResidentialGroup, Ward
from wardsecurity.history import track_links, tracked
from wardsecurity.models import WardRecord, dates_ordered, not_negative
from wardsecurity.validators import validate_birth_year, validate_not_future, validate_year

DATES_ORDER = _("The end date cannot be before the start date.")
# Law 30/2023/QH15 on the forces taking part in protecting security and order at the grassroots
# took effect on this day (docs/domain.md).
LAW_30_IN_FORCE = date(2024, 7, 1)
SECURITY_TEAM_DECISION = _(
    "A grassroots security and order team is founded by a decision of the chairman of the ward "
    "People's Committee: enter the decision's number and date."
)
DECISION_AFTER_FOUNDING = _("The founding decision cannot be dated after the team was founded.")
PATROL_BEFORE_TEAM = _("The team was not founded yet on that day.")
PATROL_AFTER_TEAM = _("The team had been dissolved by that day: it cannot be on duty.")
PATROL_TOO_MANY = _("More members on duty than the team has (%(headcount)s).")
APPRAISAL_NOT_SECURITY_TEAM = _(
    "Only grassroots security and order teams are appraised this way; the movement's grading "
    "of other teams is an appraisal of the movement."
)
APPRAISAL_FUTURE = _("This appraisal year has not started yet.")
APPRAISAL_TEAM_GONE = _("The team was dissolved before this appraisal year began.")
APPRAISAL_TOO_NEW = _(
    "A team is appraised once it has worked for at least %(months)s months by the end of the "
    "appraisal year (%(end)s)."
)
LEGACY_FOUNDED_TOO_LATE = _(
    "“%(kind)s” is a force replaced by Law 30/2023/QH15 from 1 July 2024: none can be founded "
    "on or after that day. Found a grassroots security and order team instead."
)


def ward_fk(related_name):
    return models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name=related_name
    )


def group_fk(related_name):
    return models.ForeignKey(
        ResidentialGroup,
        verbose_name=_("residential group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def is_date(value) -> bool:
    return isinstance(value, date)


def past_date(verbose_name, **kwargs):
    return models.DateField(verbose_name, validators=[validate_not_future], **kwargs)


@tracked
class SelfManagementModel(WardRecord):
    """A self-management model on security and order (mô hình tự quản về ANTT)."""

    period_date_field = "founded_on"

    class Kind(models.TextChoices):
        CAMERA = "camera", _("Security cameras")
        MARKET_GATE = "market_gate", _("Civilised market gate")
        TRAFFIC_URBAN_ORDER = "traffic_urban_order", _("Traffic and urban order")
        FIRE_SAFETY_CLUSTER = "fire_safety_cluster", _("Fire safety household cluster")
        ANTI_DRUG = "anti_drug", _("Drug prevention")
        TEMPORARY_RESIDENCE = "temporary_residence", _("Temporary residence management")
        COVID_SELF_MANAGEMENT = "covid_self_management", _("COVID-19 self-management")
        BRIGHT_CLEAN_SAFE = "bright_clean_safe", _("Bright, clean and safe")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        DISSOLVED = "dissolved", _("Dissolved")

    ward = ward_fk("self_management_models")
    groups = models.ManyToManyField(
        ResidentialGroup, verbose_name=_("residential groups"), blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    founded_on = past_date(_("founded on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    exemplary = models.BooleanField(_("exemplary"), default=False)
    lead_org = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    same_ward_fields = ("lead_org",)

    class Meta:
        verbose_name = _("self-management model")
        verbose_name_plural = _("self-management models")
        ordering = ["ward", "name"]
        indexes = [
            models.Index(fields=["ward", "kind"], name="smm_ward_kind_idx"),
            models.Index(fields=["ward", "founded_on"], name="smm_ward_founded_idx"),
        ]

    def __str__(self):
        return self.name


@tracked
class Team(WardRecord):
    """A security team or volunteer group; headcount is the roster size when a roster is kept."""

    period_date_field = "established_on"

    class Kind(models.TextChoices):
        SECURITY_TEAM = "security_team", _("Grassroots security and order team")
        SELF_MANAGED_GROUP = "self_managed_group", _("Self-managed group")
        SOCIAL_SECURITY_GROUP = "social_security_group", _("Social security group")
        FIRE_SAFETY_CLUSTER = "fire_safety_cluster", _("Fire safety household cluster")
        TRAFFIC_URBAN_ORDER = "traffic_urban_order", _("Traffic and urban order team")
        ANTI_DRUG = "anti_drug", _("Drug prevention team")
        COVID_COMMUNITY = "covid_community", _("Community COVID-19 team")
        EID_GUIDANCE = "eid_guidance", _("Electronic ID guidance team")
        NEIGHBOURHOOD_GUARD = "neighbourhood_guard", _("Neighbourhood guard (before July 2024)")
        MEDIATION_TEAM = "mediation_team", _("Mediation team")
        PART_TIME_COMMUNE_POLICE = (
            "part_time_commune_police",
            _("Part-time commune police (before July 2024)"),
        )
        CIVIL_DEFENCE_CAPTAINS = (
            "civil_defence_captains",
            _("Civil defence team captains and deputies (before July 2024)"),
        )

    # The forces Law 30/2023/QH15 replaced on 1 July 2024 (docs/domain.md): none is founded
    # from that day, and `manage.py end_legacy_forces` ends the ones still open.
    LEGACY_KINDS = frozenset(
        {
            Kind.NEIGHBOURHOOD_GUARD,
            Kind.PART_TIME_COMMUNE_POLICE,
            Kind.CIVIL_DEFENCE_CAPTAINS,
        }
    )

    ward = ward_fk("teams")
    groups = models.ManyToManyField(
        ResidentialGroup, verbose_name=_("residential groups"), blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    model = models.ForeignKey(
        SelfManagementModel,
        verbose_name=_("self-management model"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
    )
    established_on = past_date(_("established on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    decision_no = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_on = past_date(_("decision date"), null=True, blank=True)
    roster_kept = models.BooleanField(
        _("roster kept"),
        default=False,
        help_text=_("When the members are entered one by one, the headcount is their number."),
    )
    headcount = models.PositiveIntegerField(_("headcount"), default=0)

    same_ward_fields = ("model",)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["ward", "kind", "name"]
        constraints = [
            dates_ordered("established_on", "dissolved_on", "team_dates_ordered", DATES_ORDER),
            not_negative("headcount", "team_headcount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["ward", "dissolved_on"], name="team_dissolved_on_rollup"),
            models.Index(fields=["ward", "kind"], name="team_ward_kind_idx"),
            models.Index(fields=["ward", "established_on"], name="team_ward_established_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_legacy(self) -> bool:
        return self.kind in self.LEGACY_KINDS

    def clean(self):
        # Rules of the record alone; those that read other rows (groups, the size norm, the
        # roster) are in the services (movement/services.py).
        super().clean()
        errors = {}
        # A date that failed its own field check is still the text typed: compare dates only.
        founded, decided = self.established_on, self.decision_on
        if self.kind == self.Kind.SECURITY_TEAM:
            if not self.decision_no:
                errors["decision_no"] = ValidationError(SECURITY_TEAM_DECISION, code="required")
            if not decided:
                errors["decision_on"] = ValidationError(SECURITY_TEAM_DECISION, code="required")
            elif is_date(founded) and is_date(decided) and decided > founded:
                errors["decision_on"] = ValidationError(DECISION_AFTER_FOUNDING, code="order")
        if self.is_legacy and is_date(founded) and founded >= LAW_30_IN_FORCE:
            errors["established_on"] = ValidationError(
                LEGACY_FOUNDED_TOO_LATE,
                code="legacy_force",
                params={"kind": self.get_kind_display()},
            )
        if errors:
            raise ValidationError(errors)


@tracked
class TeamMember(WardRecord):
    """A member of a team's roster."""

    period_date_field = "joined_on"

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPUTY = "deputy", _("Deputy")
        MEMBER = "member", _("Member")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[validate_birth_year]
    )
    joined_on = past_date(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    ward_path = "team__ward"

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "role", "full_name"]
        constraints = [
            dates_ordered("joined_on", "left_on", "member_dates_ordered", DATES_ORDER),
        ]

    def __str__(self):
        return self.full_name


@tracked(versioned=False)
class TeamSizeNorm(models.Model):
    """Configuration: how many members a grassroots security team has, per province.

    The row without a province is the national default; a province's row replaces it there.
    """

    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the national default, used where a province has no norm of its own."),
    )
    min_members = models.PositiveSmallIntegerField(
        _("minimum members"), validators=[MinValueValidator(1)]
    )
    max_members = models.PositiveSmallIntegerField(
        _("maximum members"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    source = models.TextField(_("legal source"))

    class Meta:
        verbose_name = _("team size norm")
        verbose_name_plural = _("team size norms")
        ordering = ["province__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["province"],
                nulls_distinct=False,
                name="team_size_norm_one_per_province",
                violation_error_message=_("This province already has a team size norm."),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(max_members__isnull=True) | Q(max_members__gte=F("min_members")),
                name="team_size_norm_ordered",
                violation_error_message=_("The maximum cannot be below the minimum."),
                violation_error_code="order",
            ),
        ]

    def __str__(self):
        where = self.province.name if self.province_id else _("national default")
        upper = self.max_members if self.max_members is not None else "…"
        return f"{where}: {self.min_members}–{upper}"

    @classmethod
    def for_ward(cls, ward: Ward) -> "TeamSizeNorm | None":
        """The ward's province's norm, else the national default (None if neither exists)."""
        rows = cls.objects.filter(Q(province_id=ward.province_id) | Q(province__isnull=True))
        return rows.order_by(F("province_id").asc(nulls_last=True)).first()


@tracked
class Patrol(WardRecord):
    """A duty shift or patrol of a team (nhật ký trực, tuần tra): when, where, what was found."""

    period_date_field = "patrolled_on"

    class Shift(models.TextChoices):
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        NIGHT = "night", _("Night")

    # Stored beside the team (and kept equal to its ward) for scope and statistics.
    ward = ward_fk("patrols")
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="patrols"
    )
    patrolled_on = past_date(_("date"))
    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices)
    area = models.CharField(_("area"), max_length=255)
    members_on_duty = models.PositiveSmallIntegerField(
        _("members on duty"), validators=[MinValueValidator(1)]
    )
    findings = models.TextField(_("what was found"), blank=True)
    incidents_found = models.PositiveIntegerField(_("incidents found"), default=0)

    same_ward_fields = ("team",)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["ward", "-patrolled_on"]
        constraints = [
            not_negative("incidents_found", "patrol_incidents_not_negative"),
            models.CheckConstraint(
                condition=Q(members_on_duty__gte=1),
                name="patrol_someone_on_duty",
                violation_error_message=_("At least one member is on duty."),
                violation_error_code="members_on_duty",
            ),
            models.UniqueConstraint(
                fields=["team", "patrolled_on", "shift"],
                name="patrol_one_per_team_shift",
                violation_error_message=_("This team already has a log entry for that shift."),
                violation_error_code="unique",
            ),
        ]
        indexes = [models.Index(fields=["ward", "patrolled_on"], name="patrol_ward_date_idx")]

    def __str__(self):
        return f"{self.team} {self.patrolled_on:%d/%m/%Y} ({self.get_shift_display()})"

    def derive_fields(self):
        # A new entry takes its team's ward; a team of another ward is refused by clean().
        if self.ward_id is None and self.team_id is not None:
            self.ward_id = self.team.ward_id

    def clean(self):
        super().clean()
        team, day = (self.team if self.team_id else None), self.patrolled_on
        if team is None or not is_date(day):
            return
        if day < team.established_on:
            raise ValidationError(
                {"patrolled_on": ValidationError(PATROL_BEFORE_TEAM, code="before_team")}
            )
        if team.dissolved_on is not None and day >= team.dissolved_on:
            raise ValidationError(
                {"patrolled_on": ValidationError(PATROL_AFTER_TEAM, code="team_dissolved")}
            )
        on_duty = self.members_on_duty
        if isinstance(on_duty, int) and 0 < team.headcount < on_duty:
            raise ValidationError(
                {
                    "members_on_duty": ValidationError(
                        PATROL_TOO_MANY,
                        code="over_headcount",
                        params={"headcount": team.headcount},
                    )
                }
            )


class AppraisalLevel(models.TextChoices):
    """The four levels of Guidance 01/HD-BCA-V05 for the grassroots force (docs/domain.md)."""

    EXCELLENT = "excellent", _("Completed tasks excellently")
    GOOD = "good", _("Completed tasks well")
    COMPLETED = "completed", _("Completed tasks")
    NOT_COMPLETED = "not_completed", _("Did not complete tasks")


@tracked(versioned=False)
class TeamAppraisalRule(models.Model):
    """Configuration: the cap on the top level and the time a team must have worked, by year."""

    from_year = models.PositiveSmallIntegerField(
        _("from appraisal year"),
        unique=True,
        validators=[validate_year],
        help_text=_("Applies to this appraisal year and later ones, until a later rule."),
    )
    top_level_cap_pct = models.DecimalField(
        _("cap on “completed tasks excellently” (% of teams rated “completed tasks well”)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    min_months_operating = models.PositiveSmallIntegerField(
        _("months a team must have worked to be appraised"),
        validators=[MaxValueValidator(12)],
    )
    source = models.TextField(_("legal source"))

    class Meta:
        verbose_name = _("team appraisal rule")
        verbose_name_plural = _("team appraisal rules")
        ordering = ["-from_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(top_level_cap_pct__gte=0, top_level_cap_pct__lte=100),
                name="team_appraisal_cap_range",
                violation_error_message=_("The cap is between 0 and 100%."),
                violation_error_code="cap",
            ),
        ]

    def __str__(self):
        return f"{self.from_year}: ≤ {self.top_level_cap_pct}%"

    @classmethod
    def for_year(cls, year: int) -> "TeamAppraisalRule | None":
        return cls.objects.filter(from_year__lte=year).order_by("-from_year").first()


def appraisal_year_bounds(year: int) -> tuple[date, date]:
    """The appraisal year ``year`` runs from 15 November of the year before to 14 November."""
    return date(year - 1, 11, 15), date(year, 11, 14)


def appraisal_year_of(day: date) -> int:
    """The appraisal year a day falls in (labelled by the year it ends in)."""
    return day.year + 1 if (day.month, day.day) >= (11, 15) else day.year


@tracked
class TeamAppraisal(WardRecord):
    """A grassroots security team's yearly appraisal (đánh giá, xếp loại Tổ bảo vệ ANTT)."""

    Level = AppraisalLevel

    # Stored beside the team (and kept equal to its ward) for scope and statistics.
    ward = ward_fk("team_appraisals")
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="team_appraisals"
    )
    year = models.PositiveSmallIntegerField(
        _("appraisal year"),
        validators=[validate_year],
        help_text=_(
            "Labelled by the year it ends in: 15 November of the year before to 14 November."
        ),
    )
    level = models.CharField(_("level"), max_length=14, choices=AppraisalLevel.choices)
    decision_no = models.CharField(_("decision number"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)

    same_ward_fields = ("team",)

    class Meta:
        verbose_name = _("team appraisal")
        verbose_name_plural = _("team appraisals")
        ordering = ["ward", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "year"],
                name="team_appraisal_one_per_year",
                violation_error_message=_("This team already has an appraisal for that year."),
                violation_error_code="unique",
            ),
        ]
        indexes = [models.Index(fields=["ward", "year"], name="team_appraisal_ward_year_idx")]

    def __str__(self):
        return f"{self.team} {self.year}: {self.get_level_display()}"

    def derive_fields(self):
        if self.ward_id is None and self.team_id is not None:
            self.ward_id = self.team.ward_id

    def clean(self):
        # Rules of the record and its team; the cap on the top level is in the service.
        super().clean()
        team, year = (self.team if self.team_id else None), self.year
        if team is None or not isinstance(year, int) or not 1945 <= year <= 2100:
            return
        if team.kind != Team.Kind.SECURITY_TEAM:
            raise ValidationError(
                {"team": ValidationError(APPRAISAL_NOT_SECURITY_TEAM, code="not_security_team")}
            )
        if year > appraisal_year_of(timezone.localdate()):
            raise ValidationError({"year": ValidationError(APPRAISAL_FUTURE, code="future")})
        start, end = appraisal_year_bounds(year)
        if team.dissolved_on is not None and team.dissolved_on <= start:
            raise ValidationError(
                {"team": ValidationError(APPRAISAL_TEAM_GONE, code="team_dissolved")}
            )
        rule = TeamAppraisalRule.for_year(year)
        months = rule.min_months_operating if rule else 0
        if team.established_on > months_before(end, months):
            raise ValidationError(
                {
                    "team": ValidationError(
                        APPRAISAL_TOO_NEW,
                        code="too_new",
                        params={"months": months, "end": end.strftime("%d/%m/%Y")},
                    )
                }
            )


def months_before(day: date, months: int) -> date:
    """``day`` moved back ``months`` calendar months (the last day of a shorter month)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@tracked
class Commitment(WardRecord):
    """A commitment signed by exactly one household or organisation for a year (ký cam kết)."""

    period_date_field = "signed_on"

    class Kind(models.TextChoices):
        SAFE_AREA_REGISTRATION = "safe_area_registration", _("Safe-area registration")
        NO_CRIME_SOCIAL_EVILS = "no_crime_social_evils", _("No crime or social evils")
        NO_FIRECRACKERS = "no_firecrackers", _("No firecrackers")
        TRAFFIC_ORDER = "traffic_order", _("Traffic order")
        FIRE_SAFETY = "fire_safety", _("Fire safety")
        OTHER = "other", _("Other")

    # Stored beside the signer (and kept equal to the signer's ward) for scope and statistics.
    ward = ward_fk("commitments")
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_year])
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    signed_on = past_date(_("signed on"))

    same_ward_fields = ("household", "organisation")

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["ward", "-year", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False, organisation__isnull=True)
                | Q(household__isnull=True, organisation__isnull=False),
                name="commitment_exactly_one_signer",
                violation_error_message=_(
                    "A commitment is signed by exactly one household or one organisation."
                ),
                violation_error_code="signer",
            ),
            models.UniqueConstraint(
                fields=["household", "year", "kind"],
                condition=Q(household__isnull=False),
                name="commitment_unique_household_year_kind",
                violation_error_message=_(
                    "This household already signed this commitment for that year."
                ),
                violation_error_code="unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "kind"],
                condition=Q(organisation__isnull=False),
                name="commitment_unique_org_year_kind",
                violation_error_message=_(
                    "This organisation already signed this commitment for that year."
                ),
                violation_error_code="unique",
            ),
        ]
        indexes = [
            models.Index(fields=["ward", "signed_on"], name="commitment_signed_on_rollup"),
            models.Index(fields=["ward", "year", "kind"], name="commit_ward_year_kind_idx"),
            # A ward's list in id order reads its first page from the index (bench/, SPEC §12).
            models.Index(fields=["ward", "id"], name="commit_ward_id_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}"

    def derive_fields(self):
        # A new commitment takes its signer's ward; a signer of another ward is refused by clean().
        if self.ward_id is None:
            signer = self.household if self.household_id else None
            signer = signer or (self.organisation if self.organisation_id else None)
            if signer is not None:
                self.ward_id = signer.ward_id


@tracked
class MediationCase(WardRecord):
    """A grassroots mediation case (hòa giải ở cơ sở)."""

    period_date_field = "received_on"

    class Subject(models.TextChoices):
        LAND = "land", _("Land")
        FAMILY = "family", _("Family")
        NEIGHBOURS = "neighbours", _("Neighbours")
        DEBT = "debt", _("Debt")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        RESOLVED = "resolved", pgettext_lazy("mediation outcome", "Resolved")
        UNRESOLVED = "unresolved", pgettext_lazy("mediation outcome", "Unresolved")
        REFERRED = "referred", _("Referred to the authorities")

    ward = ward_fk("mediation_cases")
    group = group_fk("mediation_cases")
    received_on = past_date(_("received on"))
    subject = models.CharField(
        pgettext_lazy("mediation", "subject"), max_length=12, choices=Subject.choices
    )
    parties = models.TextField(_("parties"))
    security_related = models.BooleanField(_("related to security and order"), default=False)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    same_ward_fields = ("group",)

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["ward", "-received_on"]
        constraints = [
            dates_ordered("received_on", "closed_on", "mediation_dates_ordered", DATES_ORDER),
            models.CheckConstraint(
                condition=Q(outcome="pending", closed_on__isnull=True)
                | (~Q(outcome="pending") & Q(closed_on__isnull=False)),
                name="mediation_closed_iff_outcome",
                violation_error_message=_(
                    "A pending case has no closing date; a concluded case needs one."
                ),
                violation_error_code="closed_on",
            ),
        ]
        indexes = [
            models.Index(fields=["ward", "closed_on"], name="mediationc_closed_on_rollup"),
            models.Index(fields=["ward", "received_on"], name="mediation_ward_received_idx"),
            models.Index(fields=["ward", "outcome"], name="mediation_ward_outcome_idx"),
            # A ward's list in id order: its pages' ids from the index alone (issue 18, item 3).
            models.Index(fields=["ward", "id"], name="mediation_ward_id_idx"),
        ]

    def __str__(self):
        return f"{self.get_subject_display()} ({self.received_on:%d/%m/%Y})"


@tracked
class OutreachSession(WardRecord):
    """An outreach session (buổi tuyên truyền) with its attendance."""

    period_date_field = "held_on"

    class Partner(models.TextChoices):
        FRONT = "front", _("Fatherland Front")
        WOMEN = "women", _("Women's Union")
        YOUTH = "youth", _("Youth Union")
        VETERANS = "veterans", _("Veterans' Association")
        POLICE = "police", _("Police")
        OTHER = "other", _("Other")

    ward = ward_fk("outreach_sessions")
    group = group_fk("outreach_sessions")
    held_on = past_date(_("held on"))
    topic = models.CharField(_("topic"), max_length=255)
    attendees = models.PositiveIntegerField(_("attendees"), default=0)
    partners = ArrayField(
        models.CharField(max_length=10, choices=Partner.choices),
        verbose_name=_("partners"),
        default=list,
        blank=True,
    )

    same_ward_fields = ("group",)

    class Meta:
        verbose_name = _("outreach session")
        verbose_name_plural = _("outreach sessions")
        ordering = ["ward", "-held_on"]
        constraints = [not_negative("attendees", "outreach_attendees_not_negative")]
        indexes = [
            models.Index(fields=["ward", "held_on"], name="outreach_ward_held_idx"),
            # A ward's list in id order: its pages' ids from the index alone (issue 18, item 3).
            models.Index(fields=["ward", "id"], name="outreach_ward_id_idx"),
        ]

    def __str__(self):
        return self.topic


@tracked
class Commendation(WardRecord):
    """A commendation (khen thưởng) awarded to a collective or an individual."""

    period_date_field = "awarded_on"

    class RecipientKind(models.TextChoices):
        COLLECTIVE = "collective", _("Collective")
        INDIVIDUAL = "individual", _("Individual")

    class Level(models.TextChoices):
        WARD = "ward", pgettext_lazy("commendation level", "Ward")
        PROVINCE = "province", pgettext_lazy("commendation level", "Province")
        MINISTRY = "ministry", pgettext_lazy("commendation level", "Ministry")
        GOVERNMENT = "government", pgettext_lazy("commendation level", "Government")

    ward = ward_fk("commendations")
    recipient_kind = models.CharField(
        _("recipient kind"), max_length=10, choices=RecipientKind.choices
    )
    recipient_name = models.CharField(_("recipient"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    issuer = models.CharField(_("issued by"), max_length=200)
    awarded_on = past_date(_("awarded on"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["ward", "-awarded_on"]
        indexes = [models.Index(fields=["ward", "awarded_on"], name="commend_ward_awarded_idx")]

    def __str__(self):
        return self.recipient_name


@tracked
class WeaponSurrender(WardRecord):
    """Weapons, explosives, support tools or firecrackers handed in by residents."""

    period_date_field = "received_on"

    class Item(models.TextChoices):
        GUN = "gun", _("Gun")
        HOMEMADE_GUN = "homemade_gun", _("Homemade gun")
        AMMUNITION = "ammunition", _("Ammunition")
        EXPLOSIVE = "explosive", _("Explosives")
        FIRECRACKER = "firecracker", _("Firecrackers")
        SUPPORT_TOOL = "support_tool", _("Support tool")
        KNIFE = "knife", _("Knife")
        OTHER = "other", _("Other")

    class Unit(models.TextChoices):
        PIECE = "piece", _("piece")
        ROUND = "round", _("round")
        KG = "kg", _("kg")

    ward = ward_fk("weapon_surrenders")
    received_on = past_date(_("received on"))
    item = models.CharField(_("item"), max_length=12, choices=Item.choices)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=6, choices=Unit.choices)

    class Meta:
        verbose_name = _("weapon surrender")
        verbose_name_plural = _("weapon surrenders")
        ordering = ["ward", "-received_on"]
        constraints = [not_negative("quantity", "weapon_quantity_not_negative")]
        indexes = [models.Index(fields=["ward", "received_on"], name="weapon_ward_received_idx")]

    def __str__(self):
        return f"{self.get_item_display()}: {self.quantity} {self.get_unit_display()}"


@tracked
class ReintegrationCase(WardRecord):
    """A person who erred, managed and educated in the community (sensitive, police-only)."""

    period_date_field = "started_on"

    class Category(models.TextChoices):
        RELEASED_PRISONER = "released_prisoner", _("Released from prison")
        COMMUNITY_EDUCATION_MEASURE = (
            "community_education_measure",
            _("Education-in-commune measure"),
        )
        DRUG_REHAB = "drug_rehab", _("After drug rehabilitation")
        AT_RISK_YOUTH = "at_risk_youth", _("At-risk youth")
        SUSPENDED_SENTENCE = "suspended_sentence", _("Suspended sentence")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Being supported")
        COMPLETED = "completed", _("Completed")
        MOVED_AWAY = "moved_away", _("Moved away")
        REOFFENDED = "reoffended", _("Reoffended")

    sensitive = True

    ward = ward_fk("reintegration_cases")
    group = group_fk("reintegration_cases")
    person_name = models.CharField(_("person"), max_length=150)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[validate_birth_year]
    )
    category = models.CharField(_("category"), max_length=28, choices=Category.choices)
    started_on = past_date(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    sponsor = models.CharField(_("sponsor"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )

    same_ward_fields = ("group",)

    class Meta:
        verbose_name = _("reintegration case")
        verbose_name_plural = _("reintegration cases")
        ordering = ["ward", "-started_on"]
        constraints = [
            dates_ordered("started_on", "ended_on", "reintegration_dates_ordered", DATES_ORDER),
        ]
        indexes = [
            models.Index(fields=["ward", "status"], name="reint_ward_status_idx"),
            models.Index(fields=["ward", "started_on"], name="reintegrat_started_on_rollup"),
            models.Index(fields=["ward", "ended_on"], name="reintegrat_ended_on_rollup"),
        ]

    def __str__(self):
        return self.person_name


@tracked
class EidTally(WardRecord):
    """Campaign counters for chip ID cards and VNeID (the population database holds the people)."""

    period_date_field = "recorded_on"

    ward = ward_fk("eid_tallies")
    group = group_fk("eid_tallies")
    recorded_on = past_date(_("recorded on"))
    chip_cards = models.PositiveIntegerField(_("chip ID cards"), default=0)
    vneid_level1 = models.PositiveIntegerField(_("VNeID level 1"), default=0)
    vneid_level2_collected = models.PositiveIntegerField(_("VNeID level 2 collected"), default=0)
    vneid_level2_activated = models.PositiveIntegerField(_("VNeID level 2 activated"), default=0)

    same_ward_fields = ("group",)

    class Meta:
        verbose_name = _("e-ID tally")
        verbose_name_plural = _("e-ID tallies")
        ordering = ["ward", "-recorded_on"]
        constraints = [
            not_negative("chip_cards", "eid_chip_not_negative"),
            not_negative("vneid_level1", "eid_l1_not_negative"),
            not_negative("vneid_level2_collected", "eid_l2c_not_negative"),
            not_negative("vneid_level2_activated", "eid_l2a_not_negative"),
        ]
        indexes = [
            models.Index(fields=["ward", "recorded_on"], name="eid_ward_recorded_idx"),
            # A ward's list in id order: its pages' ids from the index alone (issue 18, item 3).
            models.Index(fields=["ward", "id"], name="eid_ward_id_idx"),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.recorded_on:%d/%m/%Y}"


class SubjectKind(models.TextChoices):
    GROUP = "group", _("Residential group")
    WARD = "ward", _("Ward")
    ORGANISATION = "organisation", _("Organisation")
    TEAM = "team", _("Team")


def subject_constraints(prefix, kinds):
    """Exactly the foreign key that ``subject`` names is set (the ward is always set)."""
    fks = {"group": "group", "organisation": "organisation", "team": "team"}
    present = [k for k in fks if k in kinds]
    alternatives = Q()
    for kind in kinds:
        alternatives |= Q(subject=kind, **{f"{fk}__isnull": fk != kind for fk in present})
    return models.CheckConstraint(
        condition=alternatives,
        name=f"{prefix}_subject_consistent",
        violation_error_message=_("Choose the record that the subject names, and only that one."),
        violation_error_code="subject",
    )


@tracked
class SafetyRecognition(WardRecord):
    """Yearly recognition of a group, ward or organisation as safe on security and order."""

    ward = ward_fk("safety_recognitions")
    subject = models.CharField(
        _("subject"),
        max_length=12,
        choices=[c for c in SubjectKind.choices if c[0] != SubjectKind.TEAM],
    )
    group = group_fk("safety_recognitions")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="safety_recognitions",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_year])
    recognised = models.BooleanField(_("recognised"), default=True)
    decision_no = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = past_date(_("decision date"), null=True, blank=True)
    # The numbers of the criteria the subject met (RecognitionCriterion.number), ticked by the
    # ward; criterion 1 is not ticked: the portal computes it from the records (below).
    criteria_met = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("criteria met"),
        default=list,
        blank=True,
    )
    # Criterion 1 as the records stood when the recognition was last saved (services).
    first_criterion_met = models.BooleanField(
        _("criterion 1 met (computed)"), null=True, editable=False
    )
    first_criterion_count = models.PositiveIntegerField(
        _("criterion 1: counted"), null=True, editable=False
    )
    first_criterion_total = models.PositiveIntegerField(
        _("criterion 1: out of"), null=True, editable=False
    )

    same_ward_fields = ("group", "organisation")

    class Meta:
        # The rollup recomputes a (ward, day) bucket from these (reports/sql.py).
        indexes = [
            models.Index(fields=["ward", "year"], name="safetyreco_year_rollup"),
        ]
        verbose_name = _("safety recognition")
        verbose_name_plural = _("safety recognitions")
        ordering = ["ward", "-year"]
        constraints = [
            subject_constraints("safety", ["group", "ward", "organisation"]),
            models.UniqueConstraint(
                fields=["ward", "subject", "group", "organisation", "year"],
                nulls_distinct=False,
                name="safety_unique_subject_year",
                violation_error_message=_("This subject already has a recognition for that year."),
                violation_error_code="unique",
            ),
        ]

    def __str__(self):
        return f"{self.get_subject_display()} {self.year}"


# The instruments whose values the configuration below holds (docs/domain.md).
RECOGNITION_SOURCE = "Thông tư 124/2021/TT-BCA"
GRADING_SOURCE = "Quyết định 510/QĐ-BCA-V05"


@tracked(versioned=False)
class AppraisalThreshold(models.Model):
    """Configuration: the lowest score of each grade (editable by administrators)."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        AVERAGE = "average", _("Average")
        WEAK = "weak", _("Weak")

    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, unique=True)
    min_score = models.DecimalField(
        _("minimum score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    source = models.CharField(_("legal source"), max_length=200, default=GRADING_SOURCE)

    class Meta:
        verbose_name = _("appraisal threshold")
        verbose_name_plural = _("appraisal thresholds")
        ordering = ["-min_score"]

    def __str__(self):
        return f"{self.get_grade_display()} ≥ {self.min_score}"

    @classmethod
    def grade_for(cls, score):
        """The grade whose threshold the score reaches, or None when none is configured."""
        row = cls.objects.filter(min_score__lte=score).order_by("-min_score").first()
        return row.grade if row else None


@tracked
class Appraisal(WardRecord):
    """Yearly appraisal of the movement in a group, ward, organisation or team."""

    Grade = AppraisalThreshold.Grade

    ward = ward_fk("appraisals")
    subject = models.CharField(_("subject"), max_length=12, choices=SubjectKind.choices)
    group = group_fk("appraisals")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_year])
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    # Points per criterion of the grading sheet (GradingCriterion.code → points); the score is
    # their total (services). Empty for the appraisals typed as a bare score before the sheet.
    points = models.JSONField(_("points per criterion"), default=dict, blank=True)

    same_ward_fields = ("group", "organisation", "team")

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["ward", "-year"]
        constraints = [
            subject_constraints("appraisal", ["group", "ward", "organisation", "team"]),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="appraisal_score_range",
                violation_error_message=_("The score is between 0 and 100."),
                violation_error_code="score",
            ),
            models.UniqueConstraint(
                fields=["ward", "subject", "group", "organisation", "team", "year"],
                nulls_distinct=False,
                name="appraisal_unique_subject_year",
                violation_error_message=_("This subject already has an appraisal for that year."),
                violation_error_code="unique",
            ),
        ]

    def __str__(self):
        return f"{self.get_subject_display()} {self.year}: {self.score}"

    def clean(self):
        # The grade follows the configured thresholds, never a rule written in code.
        if self.score is not None:
            self.grade = AppraisalThreshold.grade_for(self.score) or ""
        super().clean()


CRITERION_SUBJECTS = [c for c in SubjectKind.choices if c[0] != SubjectKind.TEAM]


@tracked(versioned=False)
class RecognitionCriterion(models.Model):
    """Configuration: one criterion of the safe-area standard for a kind of subject."""

    subject = models.CharField(_("subject"), max_length=12, choices=CRITERION_SUBJECTS)
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    text = models.TextField(_("criterion"))
    # Criterion 1 is computed from the records: the share (%) of households (a group) or of
    # staff (an organisation) committed, or the number of active models (the ward) it needs.
    minimum = models.DecimalField(
        _("minimum (criterion 1)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "For criterion 1 only: the share in % of households (a residential group) or of "
            "staff (an organisation) committed, or the number of active self-management "
            "models (the ward), that it requires."
        ),
    )
    source = models.CharField(_("legal source"), max_length=200, default=RECOGNITION_SOURCE)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("recognition criterion")
        verbose_name_plural = _("recognition criteria")
        ordering = ["subject", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "number"],
                name="recognition_criterion_unique_number",
                violation_error_message=_("This subject already has a criterion with that number."),
            ),
        ]

    def __str__(self):
        return f"{self.get_subject_display()} – {self.number}"


@tracked(versioned=False)
class GradingCriterion(models.Model):
    """Configuration: one line of the movement's grading sheet, with its maximum points."""

    subject = models.CharField(_("subject"), max_length=12, choices=CRITERION_SUBJECTS)
    code = models.CharField(
        _("code"),
        max_length=20,
        validators=[
            RegexValidator(
                r"^[a-z0-9_]+$",
                _("Use lowercase letters a-z, digits and underscores."),
                code="code",
            )
        ],
        help_text=_("Gradings store their points under this code: do not change it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("criterion"))
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    source = models.CharField(_("legal source"), max_length=200, default=GRADING_SOURCE)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("grading criterion")
        verbose_name_plural = _("grading criteria")
        ordering = ["subject", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "code"],
                name="grading_criterion_unique_code",
                violation_error_message=_("This subject already has a criterion with that code."),
            ),
        ]

    def __str__(self):
        return f"{self.get_subject_display()} – {self.code} ({self.max_points})"


@tracked(versioned=False)
class GradingDeadline(models.Model):
    """Configuration: the day of the year by which a kind of subject must be graded."""

    subject = models.CharField(_("subject"), max_length=12, choices=CRITERION_SUBJECTS, unique=True)
    day = models.PositiveSmallIntegerField(
        _("day"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    source = models.CharField(_("legal source"), max_length=200, default=GRADING_SOURCE)

    class Meta:
        verbose_name = _("grading deadline")
        verbose_name_plural = _("grading deadlines")
        ordering = ["month", "day", "subject"]

    def __str__(self):
        return f"{self.get_subject_display()}: {self.day:02d}/{self.month:02d}"

    def clean(self):
        super().clean()
        if self.day and self.month and self.day > calendar.monthrange(2023, self.month)[1]:
            raise ValidationError(
                {"day": ValidationError(_("That month has no such day."), code="day")}
            )

    def on(self, year: int) -> dt.date:
        return dt.date(year, self.month, self.day)


@tracked
class OrganisationCommitmentTally(WardRecord):
    """How many of an organisation's staff signed the year's commitment (ký cam kết)."""

    # Stored beside the organisation (and kept equal to its ward) for scope and statistics.
    ward = ward_fk("organisation_commitment_tallies")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="commitment_tallies",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_year])
    staff_count = models.PositiveIntegerField(_("staff"))
    signed_count = models.PositiveIntegerField(_("staff who signed"))
    # Derived: every member of staff signed (signed_count = staff_count).
    all_signed = models.BooleanField(_("all staff signed"), default=False, editable=False)

    same_ward_fields = ("organisation",)

    class Meta:
        verbose_name = _("organisation commitment tally")
        verbose_name_plural = _("organisation commitment tallies")
        ordering = ["ward", "-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(staff_count__gte=1),
                name="org_tally_staff_positive",
                violation_error_message=_("An organisation has at least one member of staff."),
                violation_error_code="staff_count",
            ),
            models.CheckConstraint(
                condition=Q(signed_count__gte=0) & Q(signed_count__lte=F("staff_count")),
                name="org_tally_signed_within_staff",
                violation_error_message=_(
                    "More staff cannot sign than the organisation has: the signatures are at "
                    "most the staff count."
                ),
                violation_error_code="signed_count",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="org_tally_unique_year",
                violation_error_message=_("This organisation already has a tally for that year."),
                violation_error_code="unique",
            ),
        ]
        indexes = [models.Index(fields=["ward", "year"], name="org_tally_ward_year_idx")]

    def __str__(self):
        return f"{self.organisation} {self.year}: {self.signed_count}/{self.staff_count}"

    def derive_fields(self):
        # A new tally takes its organisation's ward; another ward's is refused by clean().
        if self.ward_id is None and self.organisation_id is not None:
            self.ward_id = self.organisation.ward_id
        self.all_signed = bool(
            self.staff_count
            and self.signed_count is not None
            and self.signed_count == self.staff_count
        )


# Which groups a model or team covers is part of its history too (GUARANTEES G6).
track_links(
    SelfManagementModel.groups.through,
    model_name="SelfManagementModelGroupEvent",
    app_label="movement",
)
track_links(Team.groups.through, model_name="TeamGroupEvent", app_label="movement")
