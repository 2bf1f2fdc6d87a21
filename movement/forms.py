"""The portal's forms of the recognitions and gradings: the criteria ticked and the points of
the grading sheet as the configuration lists them (movement.standards checks them)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from movement.fields import APPRAISAL_FIELDS, SAFETY_RECOGNITION_FIELDS
from movement.models import Appraisal, GradingCriterion, RecognitionCriterion, SafetyRecognition
from movement.standards import COMPUTED_CRITERION
from wardsecurity.portal.forms import AsciiDecimalField, RecordForm


class SafetyRecognitionForm(RecordForm):
    """The criteria are ticked by number; criterion 1 is computed, so it is not offered."""

    class Meta:
        model = SafetyRecognition
        fields = SAFETY_RECOGNITION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        criteria = RecognitionCriterion.objects.filter(active=True).exclude(
            number=COMPUTED_CRITERION
        )
        numbers = sorted({c.number for c in criteria})
        self.fields["criteria_met"] = forms.TypedMultipleChoiceField(
            label=_("criteria met"),
            choices=[(n, _("Criterion %(number)s") % {"number": n}) for n in numbers],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=list(self.instance.criteria_met or []),
            help_text=_(
                "Criterion 1 is computed from the commitments and models entered. The criteria "
                "of each kind of subject are those of Thông tư 124/2021/TT-BCA, listed under "
                "“Recognition criteria”."
            ),
        )


class AppraisalForm(RecordForm):
    """One points box per criterion of the grading sheet; the boxes of the chosen subject's
    kind are sent, the total and the grade are computed."""

    class Meta:
        model = Appraisal
        fields = APPRAISAL_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("points", None)
        self.point_fields = {}
        current = self.instance.points or {}
        for criterion in GradingCriterion.objects.filter(active=True).order_by(
            "subject", "position", "code"
        ):
            name = f"points__{criterion.subject}__{criterion.code}"
            self.point_fields[name] = criterion
            initial = (
                current.get(criterion.code) if self.instance.subject == criterion.subject else None
            )
            self.fields[name] = AsciiDecimalField(
                label=f"{criterion.get_subject_display()} – {criterion.text} "
                f"(≤ {criterion.max_points.normalize():f})",
                required=False,
                min_value=0,
                max_value=criterion.max_points,
                decimal_places=2,
                initial=initial,
            )

    @classmethod
    def record_post_data(cls, record):
        """What a browser posts in the points boxes for ``record``'s points (tests/portal)."""
        return {f"points__{record.subject}__{code}": v for code, v in (record.points or {}).items()}

    def service_data(self):
        data = super().service_data()
        subject = self.cleaned_data.get("subject") or self.instance.subject
        points = {
            criterion.code: self.cleaned_data[name]
            for name, criterion in self.point_fields.items()
            if criterion.subject == subject and self.cleaned_data.get(name) is not None
        }
        if points or not self.instance.pk:
            data["points"] = points
        return data
