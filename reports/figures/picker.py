"""The scope, period and calendar picker of the dashboard and the reports page.

Periods are typed as people write them ("8 tháng đầu năm 2023", read by
``wardsecurity.period_spec.parse_period``), picked from suggestions for every year since
``FIRST_YEAR``, or built with the picker (kind + year + month/quarter/N, ``static/reports/
picker.js``), which writes the machine code into the same text box. Scopes are chosen from the
provinces, clusters and wards the caller sees in full, or searched for by any part of a name,
with or without accents.
"""

import datetime as dt
from dataclasses import asdict, dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from households.models import Province, Ward, WardCluster
from reports.figures.scope import Selection, report_scope, selection_check
from wardsecurity.api.filters import search_words
from wardsecurity.period_spec import (
    CALENDAR_LABELS,
    CALENDARS,
    CIVIL,
    ROMAN,
    Period,
    parse_period,
)
from wardsecurity.scope import ALL_WARDS, scope_ward_ids
from wardsecurity.validators import fold_accents

# The first year offered: the movement's figures are kept from 2013 on.
FIRST_YEAR = 2013
# A period as typed is at most this long (the longest written form is about 30 characters).
PERIOD_MAX_LENGTH = 64
SEARCH_MAX_LENGTH = 100
# Each group of the scope box lists at most this many places; a larger one is searched for.
PICKER_WARDS = 60
# Places answered by one search.
SEARCH_RESULTS = 20

PERIOD_KINDS = ("month", "quarter", "half", "months", "year", "range")
# Written periods the help text shows, in the active language.
EXAMPLES = (
    "month:2023-08",
    "quarter:2023-Q3",
    "months:2023:8",
    "year:2023",
    "range:2022-12-15..2023-06-14",
)


def _kind_labels() -> dict[str, str]:
    return {
        "month": _("Month"),
        "quarter": _("Quarter"),
        "half": _("6 months"),
        "months": _("First months of the year"),
        "year": _("Year"),
        "range": _("From a date to a date"),
    }


# Periods ---------------------------------------------------------------------------------------


def _year_specs(year: int, today: dt.date) -> list[str]:
    """A year's periods that have started by ``today``, the longest first."""
    last = today.month if year == today.year else 12  # the last month that has started
    specs = [] if year == today.year else [f"year:{year}"]
    specs += [f"half:{year}-H{half}" for half in (2, 1) if 6 * half - 5 <= last]
    specs += [f"quarter:{year}-Q{q}" for q in (4, 3, 2, 1) if 3 * q - 2 <= last]
    # The first N months once they are over; 6 is the first half and 12 the year, above.
    complete = last if year < today.year else today.month - 1
    specs += [f"months:{year}:{n}" for n in range(min(complete, 11), 1, -1) if n != 6]
    specs += [f"month:{year}-{month:02d}" for month in range(last, 0, -1)]
    return specs


def period_suggestions(today: dt.date) -> list[tuple[str, str]]:
    """Periods offered in the period box (any other may be typed): the year to date, then every
    month, first N months, quarter, half and year since ``FIRST_YEAR`` that has started."""
    specs = [f"ytd:{today.isoformat()}"]
    for year in range(today.year, FIRST_YEAR - 1, -1):
        specs += _year_specs(year, today)
    return [(spec, str(parse_period(spec).label)) for spec in specs]


def period_picker(period: Period | None, *, today: dt.date) -> dict:
    """What the picker shows: its choices, and ``period`` (or this month) as its starting point.

    Every part starts from the period's own value or, for the other kinds, from its last month,
    so switching the kind keeps the year and the month; a period of no named kind (the year to
    date, a range) starts as a range of its own dates.
    """
    if period is None:
        period = parse_period(f"month:{today.year}-{today.month:02d}")
    if period.kind == "month":
        # a month period always carries its year and month number
        assert period.year is not None and period.number is not None
        last = dt.date(period.year, period.number, 1)
    else:
        last = period.end
    named = period.kind in ("month", "quarter", "half", "months", "year")
    year = period.year if named and period.year is not None else last.year
    number = {
        "month": last.month,
        "quarter": (last.month + 2) // 3,
        "half": 1 if last.month <= 6 else 2,
        "months": last.month,
    }
    if period.kind in number and period.number is not None:
        number[period.kind] = period.number
    years = list(range(today.year, FIRST_YEAR - 1, -1))
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    labels = _kind_labels()
    return {
        "kinds": [(kind, labels[kind]) for kind in PERIOD_KINDS],
        "kind": period.kind if named else "range",
        "years": years,
        "year": year,
        "months": list(range(1, 13)),
        "quarters": list(ROMAN.items()),
        "halves": [(1, _("First 6 months")), (2, _("Last 6 months"))],
        "counts": list(range(1, 13)),
        "number": period.number if named else None,
        "month": number["month"],
        "quarter": number["quarter"],
        "half": number["half"],
        "count": number["months"],
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def period_help() -> str:
    """The period box's help, with written examples in the active language."""
    examples = "; ".join(str(parse_period(spec).label) for spec in EXAMPLES)
    return _(
        "Write it as in a report (%(examples)s) or as a code such as months:2023:8, or pick it "
        "from the suggestions, which cover every year since %(year)s."
    ) % {"examples": examples, "year": FIRST_YEAR}


# Scopes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeOption:
    """A place the scope box offers: ``value`` is its scope spec (``ward:16561``)."""

    value: str
    label: str
    kind: str  # province | cluster | ward
    kind_label: str = ""
    detail: str = ""  # a ward's province

    def as_dict(self) -> dict:
        return asdict(self)


def _kind_label(kind: str) -> str:
    return {
        "province": _("Province or city"),
        "cluster": _("Ward cluster"),
        "ward": _("Commune or ward"),
    }[kind]


def _whole(queryset, ids):
    """The provinces or clusters every ward of which ``ids`` holds (``resolve_scope``'s rule)."""
    queryset = queryset.annotate(total=Count("wards", distinct=True))
    if ids is ALL_WARDS:
        return queryset.filter(total__gt=0)
    seen = Count("wards", filter=Q(wards__id__in=ids), distinct=True)
    return queryset.annotate(seen=seen).filter(total__gt=0, total=F("seen"))


def _places(*, user, words: list[str], limit: int) -> list[ScopeOption]:
    """Provinces, clusters, then wards the caller sees in full, whose names hold every word
    (accents and case aside; a ward also by the start of its code), at most ``limit``."""
    ids = scope_ward_ids(user)

    def named(queryset, code=False):
        for word in words:
            matches = Q(name__ws_fold__contains=word)
            if code and word.isdigit():
                matches |= Q(code__startswith=word)
            queryset = queryset.filter(matches)
        return queryset

    options: list[ScopeOption] = []
    provinces = named(_whole(Province.objects.all(), ids), code=True).order_by("name", "code")
    for code, name in provinces.values_list("code", "name")[:limit]:
        options.append(ScopeOption(f"province:{code}", name, "province", _kind_label("province")))
    if len(options) < limit:
        clusters = named(_whole(WardCluster.objects.all(), ids)).order_by("name")
        for pk, name in clusters.values_list("pk", "name")[: limit - len(options)]:
            options.append(ScopeOption(f"cluster:{pk}", name, "cluster", _kind_label("cluster")))
    if len(options) < limit:
        wards = named(Ward.objects.visible_to(user), code=True).order_by("name", "code")
        rows = wards.values_list("code", "name", "province__name")[: limit - len(options)]
        for code, name, province in rows:
            options.append(
                ScopeOption(f"ward:{code}", name, "ward", _kind_label("ward"), detail=province)
            )
    return options


def scope_search(*, user, text: str, limit: int = SEARCH_RESULTS) -> list[ScopeOption]:
    """The provinces, clusters and wards of the caller's scope whose name holds every word of
    ``text`` ("cat tien" finds "Xã Cát Tiên"); none for an empty text. Three queries at most."""
    words = search_words((text or "")[:SEARCH_MAX_LENGTH].replace("\x00", " "))
    if not words:
        return []
    return _places(user=user, words=words, limit=limit)


def scope_groups(*, user, current: ScopeOption | None, found: list[ScopeOption]) -> list[dict]:
    """The scope box: "my whole scope" and the current scope, what a search found, then the
    provinces, clusters and wards of the caller's scope, each group listed when short enough."""
    ids = scope_ward_ids(user)
    groups = []
    if found:
        groups.append({"label": _("Found"), "options": found})
    head = [ScopeOption("all", _("My whole scope"), "all")]
    listed = {option.value for option in found}
    by_kind = {
        "province": _whole(Province.objects.all(), ids).order_by("name", "code"),
        "cluster": _whole(WardCluster.objects.all(), ids).order_by("name"),
        "ward": Ward.objects.visible_to(user).order_by("name", "code"),
    }
    for kind, queryset in by_kind.items():
        key = "pk" if kind == "cluster" else "code"
        rows = list(queryset.values_list(key, "name")[: PICKER_WARDS + 1])
        if len(rows) > PICKER_WARDS:
            continue
        options = [ScopeOption(f"{kind}:{value}", name, kind) for value, name in rows]
        options = [option for option in options if option.value not in listed]
        listed |= {option.value for option in options}
        if options:
            groups.append({"label": _kind_label(kind), "options": options})
    if current is not None and current.value not in listed and current.value != "all":
        head.append(current)
    return [{"label": "", "options": head}, *groups]


# The form --------------------------------------------------------------------------------------


class PickerForm(forms.Form):
    """Scope, period and calendar, checked together into ``checked`` (a ``Selection``).

    ``scope_search`` is the scope search without JavaScript: one match is chosen at once,
    several are offered in the scope box.
    """

    scope = forms.CharField(label=gettext_lazy("Scope"), required=False, max_length=40)
    scope_search = forms.CharField(
        label=gettext_lazy("Find a province, cluster or ward"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
    )
    period = forms.CharField(
        label=gettext_lazy("Period"), required=False, max_length=PERIOD_MAX_LENGTH
    )
    calendar = forms.ChoiceField(
        label=gettext_lazy("Calendar"),
        required=False,
        choices=[(key, CALENDAR_LABELS[key]) for key in CALENDARS],
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.checked: Selection | None = None
        self.found: list[ScopeOption] = []

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        scope = self._searched_scope(data.get("scope_search") or "")
        if scope is None and data.get("scope_search"):
            return data
        try:
            self.checked = self.check(
                scope=scope or data.get("scope") or "all",
                period=data.get("period") or f"ytd:{timezone.localdate().isoformat()}",
                calendar=data.get("calendar") or CIVIL,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        # A scope outside the caller's raises Http404 on through: a 404, as everywhere (SPEC §4).
        return data

    def _searched_scope(self, text: str) -> str | None:
        """The scope the search box names, or None (with the reason, when it names none)."""
        text = text.strip()
        if not text:
            return None
        self.found = scope_search(user=self.user, text=text)
        exact = [o for o in self.found if fold_accents(o.label) == fold_accents(text)]
        if len(self.found) == 1 or len(exact) == 1:
            chosen = (exact or self.found)[0]
            self.found = []
            return chosen.value
        if not self.found:
            message = _("Nothing in your scope is called “%(text)s”.")
        else:
            message = ngettext(
                "%(count)d place matches “%(text)s”: choose it in the scope list.",
                "%(count)d places match “%(text)s”: choose one in the scope list.",
                len(self.found),
            )
        self.add_error("scope_search", message % {"count": len(self.found), "text": text})
        return None

    def check(self, *, scope: str, period: str, calendar: str) -> Selection:
        """The checked selection; a form that asks for more checks more."""
        return selection_check(user=self.user, scope=scope, period=period, calendar=calendar)


def picker_query(*, scope: str, period: Period, **extra: str) -> str:
    """The query string that opens the dashboard or the reports page on ``scope`` and
    ``period``: every link of theirs carries both, so a drill-down survives every change."""
    return urlencode({"scope": scope, "period": period.spec, "calendar": period.calendar, **extra})


def selection_query(selection: Selection, **extra: str) -> str:
    """The query string that opens the dashboard or the reports page on ``selection``."""
    return picker_query(scope=selection.scope.spec, period=selection.period, **extra)


def _current_scope(*, user, form: PickerForm) -> ScopeOption | None:
    """The scope the form shows: the checked one, else the one asked for, named if it can be."""
    if form.checked is not None:
        scope = form.checked.scope
        return ScopeOption(scope.spec, scope.name, scope.kind)
    spec = (form["scope"].value() or "all").strip()
    if spec == "all":
        return None
    try:
        scope = report_scope(user=user, spec=spec)
    except (ValidationError, Http404):
        return ScopeOption(spec, spec, "")
    return ScopeOption(scope.spec, scope.name, scope.kind)


def _current_period(form: PickerForm) -> Period | None:
    if form.checked is not None:
        return form.checked.period
    try:
        return parse_period(form["period"].value() or "")
    except ValidationError:
        return None


class PickerMixin:
    """The picker's context: the form, the scope box, the suggested periods and the picker."""

    request: HttpRequest  # set by the view this mixes into

    def picker_context(self, form: PickerForm) -> dict:
        user = self.request.user
        assert user.is_authenticated  # the views it mixes into are private pages
        current = _current_scope(user=user, form=form)
        today = timezone.localdate()
        return {
            "form": form,
            "current_scope": current.value if current else "all",
            "scope_groups": scope_groups(user=user, current=current, found=form.found),
            # A ward's own staff see one ward: nothing to search for.
            "scope_searchable": user.is_superuser or user.scope_kind != user.ScopeKind.WARD,
            "period_suggestions": period_suggestions(today),
            "period_picker": period_picker(_current_period(form), today=today),
            "period_help": period_help(),
        }
