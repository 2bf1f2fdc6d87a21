"""The rules of the safe-area standard (Thông tư 124/2021/TT-BCA) and the movement's grading
(Quyết định 510/QĐ-BCA-V05), read from the configuration administrators keep (docs/domain.md).

The services call these checks; they raise ``ValidationError`` with the field they concern.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from households.models import Household, Organisation, ResidentialGroup
from movement.models import (
    Appraisal,
    AppraisalThreshold,
    Commitment,
    GradingCriterion,
    GradingDeadline,
    OrganisationCommitmentTally,
    RecognitionCriterion,
    SafetyRecognition,
    SelfManagementModel,
    SubjectKind,
)

# The criterion the portal computes from the records instead of letting it be ticked.
COMPUTED_CRITERION = 1
TWO_PLACES = Decimal("0.01")


# Safe-area recognition -------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstCriterion:
    """Criterion 1 as the records stand: what was counted, out of what, and whether it is met."""

    met: bool
    count: int
    total: int | None  # None for the ward: a number of models, not a share


def first_criterion(recognition: SafetyRecognition) -> FirstCriterion | None:
    """Criterion 1 of ``recognition``'s subject computed from the records; None if the kind
    has no active criterion 1.

    A residential group: its households still resident with a safe-area registration
    commitment for the year, out of its households still resident. An organisation: its staff
    who signed that year's commitment, out of its staff (its tally for the year). The ward: its
    self-management models founded by the end of the year and not dissolved.
    """
    criterion = RecognitionCriterion.objects.filter(
        subject=recognition.subject, number=COMPUTED_CRITERION, active=True
    ).first()
    if criterion is None:
        return None
    minimum = criterion.minimum if criterion.minimum is not None else Decimal(100)
    year = recognition.year
    if recognition.subject == SubjectKind.GROUP:
        households = Household.objects.filter(group_id=recognition.group_id, active=True)
        committed = Commitment.objects.filter(
            household=OuterRef("pk"), year=year, kind=Commitment.Kind.SAFE_AREA_REGISTRATION
        )
        row = households.aggregate(
            total=Count("pk"), count=Count("pk", filter=Q(Exists(committed)))
        )
        return _share(row["count"], row["total"], minimum)
    if recognition.subject == SubjectKind.ORGANISATION:
        tally = OrganisationCommitmentTally.objects.filter(
            organisation=recognition.organisation, year=year
        ).first()
        if tally is None:
            return FirstCriterion(met=False, count=0, total=0)
        return _share(tally.signed_count, tally.staff_count, minimum)
    models = SelfManagementModel.objects.filter(
        ward_id=recognition.ward_id,
        founded_on__lte=dt.date(year, 12, 31),
        status__in=[SelfManagementModel.Status.ACTIVE, SelfManagementModel.Status.PAUSED],
    ).count()
    return FirstCriterion(met=models >= minimum, count=models, total=None)


def _share(count: int, total: int, minimum: Decimal) -> FirstCriterion:
    met = total > 0 and Decimal(count) * 100 >= minimum * total
    return FirstCriterion(met=met, count=count, total=total)


def check_recognition(recognition: SafetyRecognition) -> None:
    """Fill criterion 1 from the records, then refuse what the standard does not allow.

    Only active criteria of the subject's kind may be ticked, criterion 1 never; a recognised
    subject has a decision number and date and meets every active criterion.
    """
    errors: dict[str, list[ValidationError]] = {}
    criteria = {
        c.number: c
        for c in RecognitionCriterion.objects.filter(subject=recognition.subject, active=True)
    }
    ticked = list(recognition.criteria_met or [])
    if COMPUTED_CRITERION in ticked:
        errors.setdefault("criteria_met", []).append(
            ValidationError(
                _(
                    "Criterion 1 is computed from the households' and staff's commitments and "
                    "the ward's models; it cannot be ticked."
                ),
                code="computed",
            )
        )
    unknown = sorted({n for n in ticked if n not in criteria})
    if unknown:
        errors.setdefault("criteria_met", []).append(
            ValidationError(
                _("There is no active criterion %(numbers)s for this kind of subject.")
                % {"numbers": ", ".join(str(n) for n in unknown)},
                code="unknown_criterion",
            )
        )
    if len(set(ticked)) != len(ticked):
        errors.setdefault("criteria_met", []).append(
            ValidationError(_("Tick each criterion only once."), code="duplicate")
        )
    recognition.criteria_met = sorted(set(ticked))
    computed = first_criterion(recognition)
    recognition.first_criterion_met = None if computed is None else computed.met
    recognition.first_criterion_count = None if computed is None else computed.count
    recognition.first_criterion_total = None if computed is None else computed.total
    if recognition.recognised:
        if not recognition.decision_no:
            errors.setdefault("decision_no", []).append(
                ValidationError(
                    _("A recognition needs the number of the decision that grants it."),
                    code="required",
                )
            )
        if recognition.decision_date is None:
            errors.setdefault("decision_date", []).append(
                ValidationError(
                    _("A recognition needs the date of the decision that grants it."),
                    code="required",
                )
            )
        met = set(recognition.criteria_met)
        if computed is not None and computed.met:
            met.add(COMPUTED_CRITERION)
        missing = sorted(n for n in criteria if n not in met)
        if missing:
            errors.setdefault("recognised", []).append(
                ValidationError(
                    _(
                        "A subject is recognised only when it meets every criterion; "
                        "not met: %(numbers)s."
                    )
                    % {"numbers": ", ".join(str(n) for n in missing)},
                    code="criteria_missing",
                )
            )
    decided = recognition.decision_date
    if decided is not None and recognition.year and decided.year < recognition.year:
        errors.setdefault("decision_date", []).append(
            ValidationError(
                _("The decision cannot be dated before the year it recognises."),
                code="decision_date",
            )
        )
    if errors:
        raise ValidationError(errors)


# Movement grading ------------------------------------------------------------------------------

TEAM_GRADING_MESSAGE = _(
    "The movement is graded for residential groups, the ward and organisations; a team is "
    "appraised in its own team appraisal."
)


def grade_points(appraisal: Appraisal, points: object) -> None:
    """Check the points of a grading sheet against its criteria and set the total and grade.

    Every active criterion of the subject's kind gets between 0 and its maximum; the total is
    the sum, and the grade the threshold it reaches (a total no threshold covers is refused).
    """
    if appraisal.subject == SubjectKind.TEAM:
        raise ValidationError({"subject": ValidationError(TEAM_GRADING_MESSAGE, code="team")})
    if not isinstance(points, Mapping):
        raise ValidationError(
            {
                "points": ValidationError(
                    _("Send the points as criterion codes with their points."), code="invalid"
                )
            }
        )
    criteria = {
        c.code: c for c in GradingCriterion.objects.filter(subject=appraisal.subject, active=True)
    }
    messages: list[ValidationError] = []
    clean: dict[str, str] = {}
    for code, value in points.items():
        criterion = criteria.get(code)
        if criterion is None:
            messages.append(
                ValidationError(
                    _("There is no active criterion “%(code)s” on this subject's sheet.")
                    % {"code": code},
                    code="unknown_criterion",
                )
            )
            continue
        number = _points(value)
        if number is None or not 0 <= number <= criterion.max_points:
            messages.append(
                ValidationError(
                    _(
                        "“%(code)s” (%(text)s): give between 0 and %(max)s points, written "
                        "with the digits 0-9."
                    )
                    % {
                        "code": code,
                        "text": criterion.text.rstrip("."),
                        "max": _plain(criterion.max_points),
                    },
                    code="points_range",
                )
            )
            continue
        clean[code] = _plain(number)
    missing = [code for code in criteria if code not in points]
    if missing:
        messages.append(
            ValidationError(
                _("Give points for every criterion of the sheet; missing: %(codes)s.")
                % {"codes": ", ".join(missing)},
                code="points_missing",
            )
        )
    if messages:
        raise ValidationError({"points": messages})
    appraisal.points = clean
    appraisal.score = sum((Decimal(v) for v in clean.values()), Decimal(0))
    check_grade(appraisal)


def check_grade(appraisal: Appraisal) -> None:
    """Grade the total by the thresholds; refuse a total no threshold covers."""
    grade = AppraisalThreshold.grade_for(appraisal.score)
    if grade is None:
        lowest = AppraisalThreshold.objects.order_by("min_score").first()
        raise ValidationError(
            {
                "points": ValidationError(
                    _(
                        "A total of %(total)s points is below every grade threshold (the "
                        "lowest is %(lowest)s): no grade covers it."
                    )
                    % {
                        "total": _plain(appraisal.score),
                        "lowest": "—" if lowest is None else _plain(lowest.min_score),
                    },
                    code="no_grade",
                )
            }
        )
    appraisal.grade = grade


def _points(value: Any) -> Decimal | None:
    """A number of points: an int, a Decimal or a string of ASCII digits with one dot."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text or not all(ch.isascii() and (ch.isdigit() or ch == ".") for ch in text):
            return None
        if text.count(".") > 1:
            return None
        value = text
    elif isinstance(value, float):
        value = str(value)
    elif not isinstance(value, int | Decimal):
        return None
    try:
        number = Decimal(value)
        # A number too long for two decimals (10**400) cannot be quantized: refused alike.
        if not number.is_finite() or number != number.quantize(TWO_PLACES, ROUND_HALF_UP):
            return None
    except InvalidOperation:
        return None
    return number


def _plain(number: Decimal) -> str:
    """``20``, ``12.5``: a number of points without trailing zeros."""
    text = format(number.quantize(TWO_PLACES), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# The to-do: gradings due ------------------------------------------------------------------------


@dataclass(frozen=True)
class GradingDue:
    """A kind of subject of a ward still to be graded for a year, and its deadline."""

    subject: str
    label: str
    deadline: dt.date
    missing: int
    overdue: bool


def gradings_due(*, ward_id: int, today: dt.date) -> list[GradingDue]:
    """The kinds of subject of the ward not all graded for this year, with their deadlines.

    Residential groups and organisations count one by one; the ward once. A kind without a
    deadline is not listed. Four queries.
    """
    year = today.year
    graded = Appraisal.objects.filter(ward_id=ward_id, year=year)
    counts: dict[str, int] = {
        SubjectKind.GROUP: ResidentialGroup.objects.filter(ward_id=ward_id)
        .exclude(pk__in=graded.filter(subject=SubjectKind.GROUP).values("group_id"))
        .count(),
        SubjectKind.ORGANISATION: Organisation.objects.filter(ward_id=ward_id)
        .exclude(pk__in=graded.filter(subject=SubjectKind.ORGANISATION).values("organisation_id"))
        .count(),
        SubjectKind.WARD: 0 if graded.filter(subject=SubjectKind.WARD).exists() else 1,
    }
    labels = dict(SubjectKind.choices)
    due = []
    for deadline in GradingDeadline.objects.order_by("month", "day", "subject"):
        missing = counts.get(deadline.subject, 0)
        if not missing:
            continue
        day = deadline.on(year)
        due.append(
            GradingDue(
                subject=deadline.subject,
                label=str(labels[deadline.subject]),
                deadline=day,
                missing=missing,
                overdue=today > day,
            )
        )
    return due
