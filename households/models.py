"""The territory (provinces, wards, clusters, residential groups) and the people in it."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wardsecurity.history import track_links, tracked
from wardsecurity.models import WardRecord
from wardsecurity.ordering import Natural  # noqa: F401 (registers name__ws_natural)
from wardsecurity.scope import ScopedQuerySet
from wardsecurity.validators import validate_code


@tracked(versioned=False)
class Province(models.Model):
    """A province or centrally-governed city (34 since 1 July 2025), keyed on its official code."""

    class Kind(models.TextChoices):
        PROVINCE = "tinh", pgettext_lazy("province kind", "Province")
        CITY = "thanh_pho", _("Centrally-governed city")

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    search_name = models.CharField(_("search name"), max_length=100, db_index=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, ward_ids):
        return Q(id__in=Ward.objects.filter(id__in=ward_ids).values("province_id"))


@tracked(versioned=False)
class Ward(models.Model):
    """A commune, ward or special zone (xã/phường/đặc khu), keyed on its official 5-digit code."""

    class Kind(models.TextChoices):
        XA = "xa", _("Commune")
        PHUONG = "phuong", pgettext_lazy("ward kind", "Ward")
        DAC_KHU = "dac_khu", _("Special zone")

    code = models.CharField(_("code"), max_length=5, unique=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="wards"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    search_name = models.CharField(_("search name"), max_length=100, db_index=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, ward_ids):
        return Q(id__in=ward_ids)

    @property
    def owner_ward_id(self):
        return self.pk


@tracked(versioned=False)
class WardCluster(models.Model):
    """A named set of wards overseen together, e.g. a former city's steering committee."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    wards = models.ManyToManyField(Ward, verbose_name=_("wards"), related_name="clusters")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ward cluster")
        verbose_name_plural = _("ward clusters")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, ward_ids):
        through = cls.wards.through
        return Q(id__in=through.objects.filter(ward_id__in=ward_ids).values("wardcluster_id"))


class FormerWard(models.Model):
    """A commune-level unit of the map before 1 July 2025, keyed on its old 5-digit code.

    Reference data from ``vietnam-provinces``' legacy tables, loaded by ``load_territory``: not
    tracked (each run is reproducible from the package's version) and never edited in the portal.
    """

    class Kind(models.TextChoices):
        XA = "xa", _("Commune")
        PHUONG = "phuong", pgettext_lazy("ward kind", "Ward")
        THI_TRAN = "thi_tran", _("Township")

    sensitive = False  # reference data: every role reads those of its scope

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    district_name = models.CharField(_("district"), max_length=100)
    province_name = models.CharField(_("former province"), max_length=100)
    search_name = models.CharField(_("search name"), max_length=100, db_index=True, editable=False)
    successors = models.ManyToManyField(
        Ward,
        through="WardSuccession",
        verbose_name=_("successor wards"),
        related_name="predecessors",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("former ward")
        verbose_name_plural = _("former wards")
        ordering = ["code"]

    def __str__(self):
        return self.former_label

    @classmethod
    def scope_q(cls, ward_ids):
        # A user sees the former wards merged (wholly or in part) into a ward of their scope.
        successions = WardSuccession.objects.filter(ward_id__in=ward_ids)
        return Q(id__in=successions.values("former_ward_id"))

    @property
    def former_label(self) -> str:
        """The name as documents write it after the merger: "phường Hải Hòa (cũ)"."""
        return former_label(self.name)


def former_label(name: str) -> str:
    """ "Phường Hải Hòa" -> "phường Hải Hòa (cũ)": the kind in lower case, as in running text."""
    for prefix in ("Thị trấn ", "Phường ", "Xã "):
        if name.startswith(prefix):
            return f"{prefix.lower()}{name[len(prefix) :]} (cũ)"
    return f"{name} (cũ)"


class WardSuccession(models.Model):
    """A former ward's part in a ward of the July 2025 map: the whole of it, or a part."""

    former_ward = models.ForeignKey(
        FormerWard,
        verbose_name=_("former ward"),
        on_delete=models.CASCADE,
        related_name="successions",
    )
    ward = models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.CASCADE, related_name="successions"
    )
    # True: only part of the former ward went into this ward (the rest elsewhere).
    partly = models.BooleanField(_("only part of it"), default=False)

    class Meta:
        verbose_name = _("ward succession")
        verbose_name_plural = _("ward successions")
        ordering = ["ward", "former_ward"]
        constraints = [
            models.UniqueConstraint(fields=["former_ward", "ward"], name="ward_succession_unique"),
        ]

    def __str__(self):
        return f"{self.former_ward} → {self.ward}"


@tracked
class ResidentialGroup(WardRecord):
    """A residential group (tổ dân phố, thôn, khu phố, ấp, bản…), entered by its ward."""

    class Kind(models.TextChoices):
        TO_DAN_PHO = "to_dan_pho", _("Residential group (tổ dân phố)")
        THON = "thon", _("Village (thôn)")
        KHU_PHO = "khu_pho", _("Quarter (khu phố)")
        TIEU_KHU = "tieu_khu", _("Sub-area (tiểu khu)")
        AP = "ap", _("Hamlet (ấp)")
        BAN = "ban", _("Hamlet (bản)")
        OTHER = "other", _("Other")

    ward = models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TO_DAN_PHO)
    # The unit of the pre-July-2025 map the group lay in: every record with this group counts
    # under it in ``by=predecessor`` (docs/domain.md). One of its ward's predecessors.
    former_ward = models.ForeignKey(
        FormerWard,
        verbose_name=_("former ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="groups",
    )

    class Meta:
        # The rollup recomputes a (ward, day) bucket from these (reports/sql.py).
        indexes = [
            models.Index(fields=["ward", "created_at"], name="residentia_created_at_rollup"),
        ]
        verbose_name = _("residential group")
        verbose_name_plural = _("residential groups")
        # "Tổ 2" before "Tổ 10" everywhere groups are listed or offered (wardsecurity.ordering).
        ordering = ["ward", "name__ws_natural", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "name"],
                name="group_name_unique_in_ward",
                violation_error_message=_(
                    "This ward already has a residential group of that name."
                ),
                violation_error_code="unique",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.former_ward_id is None or self.ward_id is None:
            return
        if not WardSuccession.objects.filter(
            ward_id=self.ward_id, former_ward_id=self.former_ward_id
        ).exists():
            raise ValidationError(
                {
                    "former_ward": ValidationError(
                        _(
                            "%(former)s is not one of the former wards merged into %(ward)s; "
                            "choose one of its predecessors."
                        )
                        % {"former": self.former_ward.name, "ward": self.ward.name},
                        code="not_predecessor",
                    )
                }
            )


@tracked
class Household(WardRecord):
    """A household: only what the movement needs (the population database is the register)."""

    class Residence(models.TextChoices):
        PERMANENT = "permanent", _("Permanent residence")
        TEMPORARY = "temporary", _("Temporary residence")

    # The ward is stored beside the group (kept equal to the group's ward) so that scope checks
    # and ward filters on a million households need no join.
    ward = models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="households"
    )
    group = models.ForeignKey(
        ResidentialGroup,
        verbose_name=_("residential group"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    code = models.CharField(_("household code"), max_length=30, validators=[validate_code])
    address = models.CharField(_("address"), max_length=255)
    head_name = models.CharField(_("head of household"), max_length=150)
    member_count = models.PositiveSmallIntegerField(
        _("members"),
        validators=[MinValueValidator(1, message=_("A household has at least one member."))],
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    residence = models.CharField(
        _("residence"), max_length=10, choices=Residence.choices, default=Residence.PERMANENT
    )
    active = models.BooleanField(_("still resident"), default=True)

    same_ward_fields = ("group",)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["ward", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "code"],
                name="household_code_unique_in_ward",
                violation_error_message=_("This ward already has a household with that code."),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(member_count__gte=1),
                name="household_member_count_positive",
                violation_error_message=_("A household has at least one member."),
                violation_error_code="member_count",
            ),
        ]
        indexes = [
            models.Index(fields=["ward", "created_at"], name="household_created_at_rollup"),
            models.Index(fields=["group", "code"], name="household_group_code_idx"),
            models.Index(fields=["ward", "active"], name="household_ward_active_idx"),
            # A ward's list in id order reads its first page from the index (bench/, SPEC §12).
            models.Index(fields=["ward", "id"], name="household_ward_id_idx"),
        ]

    def __str__(self):
        return f"{self.code} – {self.head_name}"

    def derive_fields(self):
        # A new household takes its group's ward; a group of another ward is refused by clean().
        if self.group_id and self.ward_id is None:
            self.ward_id = self.group.ward_id


@tracked
class Organisation(WardRecord):
    """An agency, enterprise, school, market or religious establishment in the ward."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Agency")
        ENTERPRISE = "enterprise", _("Enterprise")
        SCHOOL = "school", _("School")
        MARKET = "market", _("Market")
        RELIGIOUS = "religious", _("Religious establishment")
        OTHER = "other", _("Other")

    ward = models.ForeignKey(
        Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="organisations"
    )
    group = models.ForeignKey(
        ResidentialGroup,
        verbose_name=_("residential group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    same_ward_fields = ("group",)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["ward", "name"]
        indexes = [
            models.Index(fields=["ward", "kind"], name="organisation_ward_kind_idx"),
            models.Index(fields=["ward", "created_at"], name="organisati_created_at_rollup"),
        ]

    def __str__(self):
        return self.name


# A cluster's membership decides what its steering committee sees: record every change.
track_links(WardCluster.wards.through, model_name="WardClusterWardEvent", app_label="households")
