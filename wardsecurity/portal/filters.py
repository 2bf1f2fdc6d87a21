"""The filter panel of a list page: the app's filterset (the API's), made fit for a person.

Filters by id (``ward``, ``group``) become drop-downs of what the user may see; the other id
filters (``household``, ``camera`` …) stay as hidden values so that links carrying them work.
"""

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

# Filters a person does not type: kept as hidden values when a link sets them.
HIDDEN = {"ward_code"}
ALL = ("", _("All"))


def filter_panel(filterset, user):
    """The filterset's bound form, with scope-limited choices for ward and group."""
    form = filterset.form
    ward_model = apps.get_model("households", "Ward")
    group_model = apps.get_model("households", "ResidentialGroup")
    single_ward = user.scope_kind == user.ScopeKind.WARD and not user.is_superuser
    for name in list(form.fields):
        current = form.fields[name]
        label = current.label
        if name == "search":
            current.label = _("Search")
            current.widget = forms.TextInput(
                attrs={"type": "search", "autocomplete": "off", "placeholder": _("Search…")}
            )
        elif name == "ward" and isinstance(current, forms.DecimalField | forms.IntegerField):
            if single_ward:
                form.fields[name] = _hidden(current)
            else:
                wards = ward_model.objects.visible_to(user).order_by("name")
                form.fields[name] = forms.ChoiceField(
                    label=_("Ward"),
                    choices=[ALL, *((w.pk, w.name) for w in wards.only("pk", "name"))],
                    required=False,
                )
        elif name == "group" and isinstance(current, forms.DecimalField | forms.IntegerField):
            ward_id = user.scope_ward_id if single_ward else _int(form.data.get("ward"))
            if ward_id is None:
                form.fields[name] = _hidden(current)
            else:
                groups = (
                    group_model.objects.visible_to(user)
                    .filter(ward_id=ward_id)
                    .order_by("name__ws_natural", "name")
                    .only("pk", "name")
                )
                form.fields[name] = forms.ChoiceField(
                    label=_("Residential group"),
                    choices=[ALL, *((g.pk, g.name) for g in groups)],
                    required=False,
                )
        elif name in HIDDEN or isinstance(current, forms.DecimalField | forms.IntegerField):
            if name in ("year",):
                continue
            form.fields[name] = _hidden(current)
        elif isinstance(current.widget, forms.MultiWidget):
            for part in current.widget.widgets:  # date ranges: the browser's date picker
                if isinstance(part, forms.DateInput):
                    part.input_type = "date"
                    part.format = "%Y-%m-%d"
        elif isinstance(current, forms.ChoiceField) and not isinstance(
            current, forms.NullBooleanField
        ):
            # "---------" means nothing to a clerk: the empty choice keeps every row.
            choices = list(current.choices)
            if choices and choices[0][0] == "":
                current.choices = [ALL, *choices[1:]]
        elif isinstance(current, forms.NullBooleanField):
            current.widget = forms.Select(
                choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]
            )
        if form.fields[name].label is None:
            form.fields[name].label = label
    # Validation already made bound fields of the old definitions: render the new ones.
    form._bound_fields_cache.clear()
    return form


def _hidden(field):
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    hidden.label = field.label
    return hidden


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
