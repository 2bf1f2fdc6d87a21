"""Forms of the portal: they check the shape of input; the services decide the rules (STYLE)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wardsecurity.submissions import OneTimeTokenMixin
from wardsecurity.validators import ASCII_DIGITS, is_ascii_decimal, is_ascii_integer


class AsciiIntegerField(forms.IntegerField):
    """Only the digits 0-9: Python's ``int`` would take "１２" and "٣" silently."""

    def to_python(self, value):
        if value not in self.empty_values and not is_ascii_integer(str(value)):
            raise ValidationError(ASCII_DIGITS, code="invalid")
        return super().to_python(value)


class AsciiDecimalField(forms.DecimalField):
    """Digits 0-9 and one dot or comma before the decimals; no thousands separators."""

    def to_python(self, value):
        if value not in self.empty_values:
            value = str(value).strip()
            if "," in value and "." not in value and value.count(",") == 1:
                value = value.replace(",", ".")  # the Vietnamese decimal comma
            if not is_ascii_decimal(value):
                raise ValidationError(ASCII_DIGITS, code="invalid")
        return super().to_python(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def formfield(model_field, **kwargs):
    """The form field of ``model_field``: strict numbers, native date pickers, tick boxes."""
    base = getattr(model_field, "base_field", None)
    if base is not None and base.choices:
        return forms.TypedMultipleChoiceField(
            label=capfirst(model_field.verbose_name),
            choices=base.choices,
            required=not model_field.blank,
            widget=forms.CheckboxSelectMultiple,
            help_text=model_field.help_text,
        )
    if isinstance(model_field, models.DecimalField) and not model_field.choices:
        kwargs.setdefault("form_class", AsciiDecimalField)
    elif isinstance(model_field, models.IntegerField) and not model_field.choices:
        kwargs.setdefault("form_class", AsciiIntegerField)
    elif isinstance(model_field, models.DateTimeField):
        kwargs.setdefault("widget", DateTimeInput)
    elif isinstance(model_field, models.DateField):
        kwargs.setdefault("widget", DateInput)
    return model_field.formfield(**kwargs)


class RecordFormMetaclass(forms.models.ModelFormMetaclass):
    """Every subclass builds its fields with ``formfield`` (Django reads it from Meta only)."""

    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(formfield)
        return super().__new__(mcs, name, bases, attrs)


class RecordForm(OneTimeTokenMixin, forms.ModelForm, metaclass=RecordFormMetaclass):
    """A ward record's form: links limited to what the user may see, the version carried along,
    and, to create, a one-time token (``wardsecurity.submissions``).

    It never saves: the view passes ``cleaned_data`` to the entity's service, which runs every
    rule (scope, same ward, closed periods, constraints) and whose errors come back here.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            self.add_form_token(user)
        for name, form_field in self.fields.items():
            queryset = getattr(form_field, "queryset", None)
            if queryset is not None:
                form_field.queryset = self.limit_choices(name, queryset)
        ward_field = self.fields.get("ward")
        if ward_field is not None and not self.instance.pk:
            # A ward officer or clerk works in one ward: nothing to choose.
            wards = list(ward_field.queryset[:2])
            if len(wards) == 1:
                ward_field.initial = wards[0].pk
                ward_field.widget = forms.HiddenInput()
        elif ward_field is not None:
            ward_field.disabled = True  # a record never moves to another ward

    def limit_choices(self, name, queryset):
        """Only records the user may see, and for a single-ward user, only that ward's."""
        model = queryset.model
        if hasattr(model.objects, "visible_to"):
            queryset = model.objects.visible_to(self.user)
        ward_id = self.instance.owner_ward_id if self.instance.pk else None
        if ward_id is not None and model._meta.model_name != "ward" and hasattr(model, "ward_path"):
            queryset = queryset.filter(**{f"{model.ward_path}_id": ward_id})
        if model._meta.model_name == "ward":
            queryset = queryset.select_related("province")
        if model._meta.model_name == "formerward" and ward_id is not None:
            # A group's former ward is one of its own ward's predecessors.
            queryset = queryset.filter(successions__ward_id=ward_id).order_by("name")
        return queryset

    def _post_clean(self):
        # No model validation here: the service runs full_clean() with the real instance.
        pass

    def service_data(self):
        """``cleaned_data`` in the shape the services take (lists for many-to-many)."""
        data = {}
        for name in self._meta.fields:
            if name not in self.cleaned_data or self.fields[name].disabled:
                continue
            value = self.cleaned_data[name]
            if hasattr(value, "model") and hasattr(value, "all"):
                value = list(value)
            data[name] = value
        return data

    def add_service_errors(self, error: ValidationError):
        """Show a service's ``ValidationError`` on the fields it names, the rest on top."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, errors in error.error_dict.items():
            shown = name in self.fields and not self.fields[name].widget.is_hidden
            messages = [message for e in errors for message in e.messages]
            if shown:
                self.add_error(name, messages)
            else:
                self.add_error(None, messages)

    @property
    def has_top_errors(self):
        return bool(self.errors.get(NON_FIELD_ERRORS))


class PeriodCloseForm(forms.Form):
    """A date range of a ward to close (SPEC §6)."""

    start = forms.DateField(label=_("from"), widget=DateInput)
    end = forms.DateField(label=_("to"), widget=DateInput)


class PeriodReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for reopening"), widget=forms.Textarea, max_length=2000
    )
