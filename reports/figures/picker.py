"""The scope, period and calendar picker of the dashboard and the reports page."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import Ward
from reports.figures.scope import Selection, selection_check
from wardsecurity.period_spec import CALENDAR_LABELS, CALENDARS, CIVIL, parse_period

# Wards listed in the scope picker; a larger scope picks "all" and drills down from the ranking.
PICKER_WARDS = 60


def period_suggestions(today: dt.date) -> list[tuple[str, str]]:
    """Periods offered in the picker (any other spec may be typed): this year's, and last year."""
    specs = [f"ytd:{today.isoformat()}"]
    if today.month > 1:
        specs.append(f"months:{today.year}:{today.month - 1}")
    specs += [f"month:{today.year}-{month:02d}" for month in range(today.month, 0, -1)]
    specs += [f"quarter:{today.year}-Q{q}" for q in range((today.month + 2) // 3, 0, -1)]
    specs += [f"half:{today.year}-H{h}" for h in range(1 if today.month <= 6 else 2, 0, -1)]
    specs += [f"year:{today.year - 1}", f"half:{today.year - 1}-H2", f"half:{today.year - 1}-H1"]
    return [(spec, str(parse_period(spec).label)) for spec in specs]


def scope_choices(user) -> list[tuple[str, str]]:
    """ "My whole scope", then each ward of it when there are few enough to list."""
    wards = list(
        Ward.objects.visible_to(user)
        .order_by("name")
        .values_list("code", "name")[: PICKER_WARDS + 1]
    )
    choices = [("all", _("My whole scope"))]
    if len(wards) <= PICKER_WARDS:
        choices += [(f"ward:{code}", name) for code, name in wards]
    return choices


class PickerForm(forms.Form):
    """Scope, period and calendar, checked together into ``checked`` (a ``Selection``)."""

    scope = forms.CharField(label=gettext_lazy("Scope"), required=False, max_length=40)
    period = forms.CharField(
        label=gettext_lazy("Period"),
        required=False,
        max_length=40,
        help_text=gettext_lazy(
            "Pick one or type one: month:2023-08, quarter:2023-Q3, half:2023-H1, year:2023, "
            "months:2023:8, ytd:2023-08-20, range:2023-01-01..2023-08-31."
        ),
    )
    calendar = forms.ChoiceField(
        label=gettext_lazy("Calendar"),
        required=False,
        choices=[(key, CALENDAR_LABELS[key]) for key in CALENDARS],
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.checked = None

    def clean(self) -> dict:
        data = super().clean()
        try:
            self.checked = self.check(
                scope=data.get("scope") or "all",
                period=data.get("period") or f"ytd:{timezone.localdate().isoformat()}",
                calendar=data.get("calendar") or CIVIL,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        # A scope outside the caller's raises Http404 on through: a 404, as everywhere (SPEC §4).
        return data

    def check(self, *, scope: str, period: str, calendar: str) -> Selection:
        """The checked selection; a form that asks for more checks more."""
        return selection_check(user=self.user, scope=scope, period=period, calendar=calendar)


def selection_query(selection: Selection, **extra: str) -> str:
    """The query string that opens the dashboard or the reports page on ``selection``."""
    return urlencode(
        {
            "scope": selection.scope.spec,
            "period": selection.period.spec,
            "calendar": selection.period.calendar,
            **extra,
        }
    )


class PickerMixin:
    """The picker's context: the form, the caller's scopes and the suggested periods."""

    def picker_context(self, form: PickerForm) -> dict:
        return {
            "form": form,
            "scope_choices": scope_choices(self.request.user),
            "period_suggestions": period_suggestions(timezone.localdate()),
        }
