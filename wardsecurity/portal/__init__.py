"""The browser portal's shared machinery: one ``Entity`` declaration gives a model its pages.

The portal is an entry point beside the API, not on top of it: each app's ``views.py`` declares
its entities from the app's own pieces, the model, its FilterSet (the API's filters too, so the
list page, the export and the API answer the same filters), its services and selectors, and the
writable and sortable fields of its ``fields.py`` (which the API's serializers read as well),
plus what only the browser needs: the list columns and the form. ``<app>/urls.py`` includes
``entity.urls()``. The navigation is built from the same declarations, so a page the role may not
open is never offered.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import import_module
from typing import Any

from django.db.models import F, Model, QuerySet
from django.forms import ModelForm, modelform_factory
from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from wardsecurity.personal import hidden_fields
from wardsecurity.scope import role_may_see

# The menu groups, in menu order.
NAV_TERRITORY = "territory"
NAV_MOVEMENT = "movement"
NAV_SECURITY = "security"
NAV_CAMERAS = "cameras"
NAV_GROUPS = {
    NAV_TERRITORY: pgettext_lazy("menu", "Residents"),
    NAV_MOVEMENT: pgettext_lazy("menu", "Movement"),
    NAV_SECURITY: pgettext_lazy("menu", "Public order"),
    NAV_CAMERAS: pgettext_lazy("menu", "Cameras"),
}

ACTIONS = ("list", "detail", "create", "update", "delete", "export")
EXPORT_FORMATS = ("csv", "xlsx")

# The apps whose ``views.py`` declares entities (the same apps as the API's resources).
PORTAL_APPS = ("households", "movement", "incidents", "cameras", "reporting")
REGISTRY: list["Entity"] = []


@dataclass(eq=False)
class Entity:
    """The pages of one ward-owned model: list, detail with history, forms, delete, export."""

    model: type[Model]
    prefix: str  # the URL segment (the API's resource name)
    filterset_class: type  # the app's FilterSet: the list's filters
    services: tuple[Callable[..., Any], ...]  # the app's <noun>_create, _update, _delete
    selectors: tuple[Callable[..., Any], ...]  # the app's <noun>_list, _get
    fields: tuple[str, ...]  # the writable fields (the app's fields.py): the form's
    sortable: tuple[str, ...]  # the fields a list may be sorted by (the app's fields.py)
    ordering: tuple[str, ...]  # the order of a list nobody sorted (the app's fields.py)
    columns: tuple[str, ...]  # list columns, field names of the model
    nav: str = NAV_TERRITORY
    # Exported columns (after id and ward); default: the form's fields.
    export_fields: tuple[str, ...] | None = None
    # A ``RecordForm`` of its own; by default one is built from ``fields``, the fields the API
    # lets a client write too, so the browser and the API can never accept different fields.
    form: "type[ModelForm[Any]] | None" = None

    def __post_init__(self):
        REGISTRY.append(self)

    @cached_property
    def form_class(self) -> "type[ModelForm[Any]]":
        if self.form is not None:
            return self.form
        from wardsecurity.portal.forms import RecordForm

        return modelform_factory(self.model, form=RecordForm, fields=self.fields)

    # Names --------------------------------------------------------------------------------

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def name(self) -> str:
        return str(self.model._meta.model_name)

    @property
    def label_plural(self) -> str | Promise:
        return self.model._meta.verbose_name_plural or ""

    @property
    def label(self) -> str | Promise:
        return self.model._meta.verbose_name or ""

    def url_name(self, action: str) -> str:
        return f"{self.app_label}:{self.name}_{action}"

    def url(self, action: str, pk=None, **kwargs) -> str:
        if pk is not None:
            kwargs["pk"] = pk
        return reverse(self.url_name(action), kwargs=kwargs or None)

    @property
    def export_columns(self) -> tuple[str, ...]:
        return self.export_fields or tuple(self.form_class._meta.fields or ())

    # Personal data (wardsecurity.personal): absent from the columns, detail, exports and sort
    # keys of a user who may not see it.

    def columns_for(self, user) -> tuple[str, ...]:
        hidden = hidden_fields(self.model, user)
        return tuple(name for name in self.columns if name not in hidden)

    def export_columns_for(self, user) -> tuple[str, ...]:
        hidden = hidden_fields(self.model, user)
        return tuple(name for name in self.export_columns if name not in hidden)

    def sortable_for(self, user) -> tuple[str, ...]:
        hidden = hidden_fields(self.model, user)
        return tuple(name for name in self.sortable if name not in hidden)

    @property
    def ward_field(self) -> str:
        """The lookup from the record to its ward id, for filters and breadcrumbs."""
        return str(getattr(self.model, "ward_path"))  # noqa: B009 - a WardRecord's, untyped here

    # URLs ---------------------------------------------------------------------------------

    def urls(self):
        from wardsecurity.portal import views

        p, n = self.prefix, self.name
        return [
            path(f"{p}/", views.RecordListView.as_view(entity=self), name=f"{n}_list"),
            path(f"{p}/new/", views.RecordCreateView.as_view(entity=self), name=f"{n}_create"),
            path(f"{p}/<int:pk>/", views.RecordDetailView.as_view(entity=self), name=f"{n}_detail"),
            path(
                f"{p}/<int:pk>/edit/",
                views.RecordUpdateView.as_view(entity=self),
                name=f"{n}_update",
            ),
            path(
                f"{p}/<int:pk>/delete/",
                views.RecordDeleteView.as_view(entity=self),
                name=f"{n}_delete",
            ),
            path(
                f"{p}/export/<str:fmt>/",
                views.RecordExportView.as_view(entity=self),
                name=f"{n}_export",
            ),
        ]

    # Rights -------------------------------------------------------------------------------

    def may_view(self, user) -> bool:
        return role_may_see(user, self.model)

    def may_write(self, user) -> bool:
        return self.may_view(user) and user.can_write

    # Reads --------------------------------------------------------------------------------

    @cached_property
    def shows_many(self) -> bool:
        """Whether a column or an exported column is a many-to-many link (the selector's
        prefetches are read), or none is (they would cost a query a page for nothing)."""
        return any(
            self.model._meta.get_field(name).many_to_many
            for name in {*self.columns, *self.export_columns}
        )

    def queryset(self, user) -> QuerySet:
        """The records of every list and export: the app's list selector (scope and joins)."""
        list_selector, _get = self.selectors
        queryset = list_selector(user=user)
        return queryset if self.shows_many else queryset.prefetch_related(None)

    def record(self, user, pk: int) -> Model:
        """One record of the detail and form pages: the app's get selector (else a 404)."""
        _list, get_selector = self.selectors
        return get_selector(user=user, pk=pk)

    def filtered(self, user, params: Mapping[str, Any]):
        """The list filtered by ``params`` (a query string) and its FilterSet, for the panel.

        Invalid filters give no rows, never the unfiltered list; the FilterSet holds the errors.
        """
        queryset = self.queryset(user)
        # The user decides which search fields are searched (never personal data for a role
        # that may not see it).
        filterset = self.filterset_class(params, queryset=queryset, user=user)
        return (filterset.qs if filterset.is_valid() else queryset.none()), filterset

    def sorted(self, queryset: QuerySet, key: str, user=None) -> tuple[QuerySet, str]:
        """``queryset`` sorted by ``key`` (a sortable field, "-" first for descending), and the
        key applied; the default order (and "") for any other key, and for a personal field
        when ``user`` may not see it."""
        name = key.removeprefix("-")
        sortable = self.sortable if user is None else self.sortable_for(user)
        if name in sortable:
            # NULLs last either way, so the empty dates do not head the list.
            expression = F(name).desc(nulls_last=True) if key.startswith("-") else F(name).asc()
            return queryset.order_by(expression, "-pk"), key
        return queryset.order_by(*self.ordering), ""

    def export_queryset(self, user, params: Mapping[str, Any]) -> QuerySet:
        """What an export of the list with ``params`` (filters and sort) holds for ``user``."""
        queryset, _filterset = self.filtered(user, params)
        queryset, _key = self.sorted(queryset, params.get("sort", ""), user)
        return queryset


def registry() -> list["Entity"]:
    """Every declared entity, in menu order (importing the apps' views declares them)."""
    for app in PORTAL_APPS:
        import_module(f"{app}.views")
    return REGISTRY


def entities_for(user):
    """The entities ``user`` may open, in menu order."""
    return [entity for entity in registry() if entity.may_view(user)]


def entity_for_model(model):
    for entity in registry():
        if entity.model is model:
            return entity
    return None


def optional_url(name: str, *args, **kwargs) -> str | None:
    """The URL of ``name``, or None while the page does not exist (another app adds it)."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return None
