"""Forms of the reporting pages: they check the shape of the input; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.fields import PERIOD_REPORT_TEXT_FIELDS
from reporting.models import (
    KIND_COUNTS,
    NARRATIVE_MAX_LENGTH,
    PeriodKind,
    PeriodReport,
    period_spec,
)
from wardsecurity.portal.forms import AsciiIntegerField, DateInput, formfield

NARRATIVE_ROWS = 8


class PeriodReportForm(forms.ModelForm):
    """The heading, the signer, the recipients and the narrative of a draft."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = PeriodReport
        fields = PERIOD_REPORT_TEXT_FIELDS
        formfield_callback = staticmethod(formfield)
        widgets = {
            "issued_on": DateInput,
            "recipients": forms.Textarea(attrs={"rows": 4}),
            **{
                name: forms.Textarea(
                    attrs={"rows": NARRATIVE_ROWS, "maxlength": NARRATIVE_MAX_LENGTH}
                )
                for name in PeriodReport.NARRATIVE_FIELDS
            },
        }

    def _post_clean(self):
        """The service validates the record (and names what is wrong); not the model form."""


class StartReportForm(forms.Form):
    """Which report to start: the ward (for a user of several wards), the kind and the period."""

    ward = forms.TypedChoiceField(label=_("Ward"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("Report kind"), choices=PeriodKind.choices)
    year = AsciiIntegerField(label=_("Year"), min_value=2000, max_value=2100)
    number = AsciiIntegerField(
        label=_("Month, quarter or half"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("Month 1–12, quarter 1–4 or half 1–2; empty for 9 months and a year."),
    )

    def __init__(self, *args, wards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [(ward.pk, ward.name) for ward in wards]
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        kind, number = data.get("kind"), data.get("number")
        numbered = kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF)
        if numbered and (number is None or number > KIND_COUNTS[kind]):
            self.add_error(
                "number", _("Give a number between 1 and %(max)d.") % {"max": KIND_COUNTS[kind]}
            )
        return data

    @property
    def period(self) -> str:
        data = self.cleaned_data
        return period_spec(data["kind"], data["year"], data.get("number"))


class CommentForm(forms.Form):
    """A reviewer's comment (return) or reason (reopen)."""

    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NARRATIVE_MAX_LENGTH}),
    )
