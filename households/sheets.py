"""Group sheets: fast household entry and the commitment sheet of a residential group (SPEC §9)."""

import re

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from households.models import Household
from households.selectors import household_list, residential_group_get
from households.services import household_create
from movement.models import Commitment
from movement.selectors import commitment_list
from movement.services import commitment_create, commitment_delete
from wardsecurity.portal.forms import DateInput
from wardsecurity.services import StaleVersion
from wardsecurity.submissions import (
    ALREADY_SUBMITTED,
    TOKEN_FIELD,
    AlreadySubmitted,
    OneTimeTokenMixin,
    submit_once,
)

# The kind the movement's headline figure counts (SPEC §7: commitments_signed, coverage %).
HEADLINE_KIND = Commitment.Kind.SAFE_AREA_REGISTRATION
FIRST_YEAR = 1945  # wardsecurity.validators.validate_year
_YEAR = re.compile(r"[0-9]{4}\Z")
_CELL = re.compile(r"([0-9]{1,18}):([a-z_]{1,24})\Z")
_HELD = re.compile(r"([0-9]{1,18}):([a-z_]{1,24}):([0-9]{1,18})\Z")

SAVED_MESSAGE = _("The commitment sheet has been saved.")
BAD_CELLS_MESSAGE = _("The sheet names households or kinds that are not in this group.")
SIGNED_ON_MISSING = _("Enter the signing date of the newly ticked commitments.")


# Reads ----------------------------------------------------------------------------------------


def group_for_sheet(*, user, pk):
    """The residential group ``pk`` if the user may see it (else 404) and may write (else 403)."""
    group = residential_group_get(user=user, pk=pk)
    if not user.can_write:
        raise PermissionDenied
    return group


def group_households(*, user, group):
    """The group's households, by code, as the user may see them."""
    return household_list(user=user, filters={"group": group.pk}).order_by("code", "pk")


_NUMBERED = re.compile(r"(.*?)([0-9]+)\Z")
SUGGESTIONS = 20  # candidates checked at once against the ward's codes


def next_household_code(*, user, group, last):
    """The code the next household of ``group`` probably has, ``last`` being the one added last:
    the group's highest number under that code's prefix plus one, zero-padded like it
    ("BN-0041" after "BN-0040"), skipping codes the ward already uses. None when the last code
    ends in no number.
    """
    match = _NUMBERED.match(last.code) if last is not None else None
    if match is None:
        return None
    prefix, digits = match[1], match[2]
    start = int(digits)
    codes = group_households(user=user, group=group).filter(code__startswith=prefix).order_by()
    for code in codes.values_list("code", flat=True):
        found = _NUMBERED.match(code)
        if found is not None and found[1] == prefix:
            start = max(start, int(found[2]))
    for first in range(start + 1, start + 1 + 10 * SUGGESTIONS, SUGGESTIONS):
        candidates = [f"{prefix}{n:0{len(digits)}d}" for n in range(first, first + SUGGESTIONS)]
        # The whole ward: codes are unique per ward, and another group may use the prefix.
        taken = set(
            Household.objects.filter(ward_id=group.ward_id, code__in=candidates)
            .order_by()
            .values_list("code", flat=True)
        )
        free = next((c for c in candidates if c not in taken), None)
        if free is not None:
            return free
    return None


def entry_initial(*, user, group):
    """A fresh entry row: the suggested code, and the address of the household added last
    (neighbours are entered street by street), to be corrected where it differs."""
    last = group_households(user=user, group=group).order_by("-created_at", "-pk").first()
    if last is None:
        return {}
    initial = {"address": last.address}
    code = next_household_code(user=user, group=group, last=last)
    if code is not None:
        initial["code"] = code
    return initial


def group_commitments(*, user, group, year):
    """The group's households' commitments of ``year``, keyed on (household id, kind)."""
    # Signed by a household of the group (the ``group`` filter takes organisations' too).
    rows = commitment_list(user=user, filters={"year": year}).filter(household__group=group)
    return {(c.household_id, c.kind): c for c in rows}


# Fast entry -----------------------------------------------------------------------------------


class HouseholdEntryForm(OneTimeTokenMixin, forms.Form):
    """The shape of one entry row, with its one-time token; household_create applies the rules."""

    code = forms.CharField(label=_("household code"), max_length=30)
    address = forms.CharField(label=_("address"), max_length=255)
    head_name = forms.CharField(label=_("head of household"), max_length=150)
    # Text, not IntegerField: int() reads full-width digits; the service refuses them clearly.
    # ``inputmode`` brings up a phone's number pad.
    member_count = forms.CharField(
        label=_("members"),
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    residence = forms.ChoiceField(
        label=_("residence"),
        choices=Household.Residence.choices,
        initial=Household.Residence.PERMANENT,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_form_token(user)

    def household_data(self):
        """What household_create takes from the row (not the token)."""
        return {name: value for name, value in self.cleaned_data.items() if name != TOKEN_FIELD}

    def focus(self):
        """Put the cursor on the first field in error, or on the code of a fresh row."""
        name = next((n for n in self.fields if n in self.errors), "code")
        self.fields[name].widget.attrs["autofocus"] = True
        return self

    def add_service_errors(self, error: ValidationError):
        """Show a service's errors beside the fields they concern (unique code beside the code)."""
        errors = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error}
        for name, messages in errors.items():
            messages = messages.error_list if hasattr(messages, "error_list") else messages
            for message in messages:
                field = name if name in self.fields else None
                if field is None and message.code == "unique":
                    field = "code"
                self.add_error(field, message)


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


@never_cache  # the pages list households: never stored by a browser or a proxy (G15)
@login_required
@require_http_methods(["GET", "POST"])
def household_entry(request, pk):
    """List a group's households and add more, one row at a time, without leaving the page."""
    group = group_for_sheet(user=request.user, pk=pk)
    added, repeated = None, False
    if request.method == "POST":
        form = HouseholdEntryForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                # The row's one-time token: posted again, it leads to the household it added.
                added = submit_once(
                    user=request.user,
                    nonce=form.token_nonce,
                    create=lambda: household_create(
                        actor=request.user, data={"group": group.pk, **form.household_data()}
                    ),
                    result_url=lambda household: reverse(
                        "households:household_detail", kwargs={"pk": household.pk}
                    ),
                )
            except AlreadySubmitted as repeat:
                if not _is_htmx(request):
                    flash.info(request, ALREADY_SUBMITTED)
                    return redirect(repeat.submission.result_url)
                added = (
                    household_list(user=request.user).filter(pk=repeat.submission.object_id).first()
                )
                repeated = True
            except ValidationError as exc:
                form.add_service_errors(exc)
        if added is not None and not _is_htmx(request):
            return redirect("household_sheets:entry", pk=group.pk)
        if added is not None or repeated:
            form = HouseholdEntryForm(
                user=request.user, initial=entry_initial(user=request.user, group=group)
            )
    else:
        form = HouseholdEntryForm(
            user=request.user, initial=entry_initial(user=request.user, group=group)
        )
    households = group_households(user=request.user, group=group)
    context = {
        "group": group,
        "form": form.focus(),
        "added": added,
        "repeated": repeated,
        "already_submitted": ALREADY_SUBMITTED,
        "count": households.count(),
    }
    if _is_htmx(request):
        return render(request, "households/sheets_entry_response.html", context)
    context["households"] = households
    return render(request, "households/sheets_entry.html", context)


# Commitment sheet -----------------------------------------------------------------------------


def _sheet_year(request):
    """The year in ``?year=`` (current year by default); anything else is a 404, not a guess."""
    raw = request.GET.get("year")
    if raw is None:
        return timezone.localdate().year
    if not _YEAR.match(raw) or not FIRST_YEAR <= int(raw) <= timezone.localdate().year + 1:
        raise Http404
    return int(raw)


class SheetForm(forms.Form):
    """The signing date of the commitments ticked in this submission."""

    signed_on = forms.DateField(label=_("signed on"), required=False, widget=DateInput())


def _coverage(households, signed, kinds):
    """Per kind: (signed active households, active households, % or None)."""
    active = [h for h in households if h.active]
    result = {}
    for kind in kinds:
        count = sum(1 for h in active if (h.pk, kind) in signed)
        pct = round(100 * count / len(active), 1) if active else None
        result[kind] = (count, len(active), pct)
    return result


def _sheet_context(*, user, group, year, form, error=None, saved=False, copy=False):
    """The sheet of ``year``. With ``copy``, the boxes of last year's commitments that this
    year lacks are ticked too, for the clerk to check and save: nothing is saved until then."""
    households = list(group_households(user=user, group=group))
    signed = group_commitments(user=user, group=group, year=year)
    last_year = (
        group_commitments(user=user, group=group, year=year - 1)
        if copy and year > FIRST_YEAR
        else {}
    )
    kinds = list(Commitment.Kind)
    coverage = _coverage(households, signed, kinds)
    rows = [
        (
            h,
            [
                (
                    kind,
                    f"{h.pk}:{kind.value}",
                    signed.get((h.pk, kind.value)),
                    h.active and (h.pk, kind.value) in last_year,
                )
                for kind in kinds
            ],
        )
        for h in households
    ]
    this_year = timezone.localdate().year
    return {
        "copied": sum(
            1
            for _h, cells in rows
            for *_c, commitment, copied in cells
            if copied and commitment is None
        )
        if copy
        else None,
        "group": group,
        "year": year,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year <= this_year else None,
        "kinds": kinds,
        "rows": rows,
        "columns": [(kind, *coverage[kind]) for kind in kinds],
        "headline": coverage[HEADLINE_KIND],
        "headline_kind": HEADLINE_KIND,
        "form": form,
        "error": error,
        "saved": saved,
    }


def _parse_sheet(post, households, kinds):
    """The ticked cells and the commitments the form was drawn with; None if a cell is foreign."""
    known = {h.pk for h in households}
    ticked, held = set(), {}
    for value in post.getlist("signed"):
        match = _CELL.match(value)
        if not match:
            return None
        ticked.add((int(match[1]), match[2]))
    for value in post.getlist("held"):
        match = _HELD.match(value)
        if not match:
            return None
        held[(int(match[1]), match[2])] = int(match[3])
    cells = ticked | set(held)
    if any(hid not in known or kind not in kinds for hid, kind in cells):
        return None
    return ticked, held


def _save_sheet(*, actor, group, year, ticked, held, signed_on, households):
    """Create the newly ticked commitments and delete the unticked ones, all or nothing.

    ``held`` maps each cell that was ticked when the form was drawn to that commitment's version:
    a commitment someone changed since is refused (StaleVersion); one someone else already added
    or removed is left as it is, since the sheet then already says what the clerk wants.
    """
    by_pk = {h.pk: h for h in households}
    with transaction.atomic():
        current = group_commitments(user=actor, group=group, year=year)
        to_create = [cell for cell in ticked - set(held) if cell not in current]
        if to_create and signed_on is None:
            raise ValidationError({"signed_on": ValidationError(SIGNED_ON_MISSING, "required")})
        for cell, version in held.items():
            if cell not in ticked and cell in current:
                commitment_delete(actor=actor, instance=current[cell], expected_version=version)
        for hid, kind in sorted(to_create):
            commitment_create(
                actor=actor,
                data={
                    "household": by_pk[hid].pk,
                    "year": year,
                    "kind": kind,
                    "signed_on": signed_on,
                },
            )


def _error_text(exc: ValidationError):
    return " ".join(str(message) for message in exc.messages)


@never_cache  # the pages list households: never stored by a browser or a proxy (G15)
@login_required
@require_http_methods(["GET", "POST"])
def commitment_sheet(request, pk):
    """Tick, for a group and a year, the households that signed each kind of commitment."""
    group = group_for_sheet(user=request.user, pk=pk)
    year = _sheet_year(request)
    today = timezone.localdate()
    initial = {"signed_on": today} if year == today.year else {}
    template = (
        "households/sheets_commitments_grid.html"
        if _is_htmx(request)
        else "households/sheets_commitments.html"
    )
    if request.method == "GET":
        context = _sheet_context(
            user=request.user,
            group=group,
            year=year,
            form=SheetForm(initial=initial),
            saved=request.GET.get("saved") == "1",
            copy=request.GET.get("copy") == "1",
        )
        return render(request, template, context)

    form = SheetForm(request.POST)
    error, status = None, 200
    households = list(group_households(user=request.user, group=group))
    parsed = _parse_sheet(request.POST, households, set(Commitment.Kind.values))
    if parsed is None:
        error, status = BAD_CELLS_MESSAGE, 400
    elif form.is_valid():
        ticked, held = parsed
        try:
            _save_sheet(
                actor=request.user,
                group=group,
                year=year,
                ticked=ticked,
                held=held,
                signed_on=form.cleaned_data["signed_on"],
                households=households,
            )
        except StaleVersion as exc:
            error = _error_text(exc)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "signed_on" in exc.error_dict:
                form.add_error("signed_on", exc.error_dict["signed_on"])
            error = _error_text(exc)
        else:
            if not _is_htmx(request):
                url = reverse("household_sheets:commitments", kwargs={"pk": group.pk})
                return redirect(f"{url}?year={year}&saved=1")
            form = SheetForm(initial={"signed_on": form.cleaned_data["signed_on"] or today})
            context = _sheet_context(
                user=request.user, group=group, year=year, form=form, saved=True
            )
            return render(request, template, context)
    context = _sheet_context(user=request.user, group=group, year=year, form=form, error=error)
    return render(request, template, context, status=status)
