"""The browser portal's shared machinery: one ``Entity`` declaration gives a model its pages.

Each app's ``views.py`` declares its entities from the API viewset (model, filterset, services and
sortable fields are the API's, so the list page, the export and the API answer the same filters)
plus what only the browser needs: the list columns and the form. ``<app>/urls.py`` includes
``entity.urls()``. The navigation is built from the same declarations, so a page the role may not
open is never offered.
"""

from dataclasses import dataclass
from functools import cached_property
from importlib import import_module

from django.forms import modelform_factory
from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

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
PORTAL_APPS = ("households", "movement", "incidents", "cameras")
REGISTRY: list["Entity"] = []


@dataclass(eq=False)
class Entity:
    """The pages of one ward-owned model: list, detail with history, forms, delete, export."""

    viewset: type  # the API viewset: model, filterset_class, services, ordering_fields
    prefix: str  # the URL segment, the API's resource name
    columns: tuple[str, ...]  # list columns, field names of the model
    nav: str = NAV_TERRITORY
    # Exported columns (after id and ward); default: the form's fields.
    export_fields: tuple[str, ...] | None = None
    # A ``RecordForm`` of its own; by default one is built from the fields the API lets a client
    # write, so the browser and the API can never accept different fields.
    form: type | None = None

    def __post_init__(self):
        REGISTRY.append(self)

    # What the viewset already says -------------------------------------------------------

    @property
    def model(self):
        return self.viewset.model

    @property
    def filterset_class(self):
        return self.viewset.filterset_class

    @property
    def services(self):
        return self.viewset.services

    @cached_property
    def form_class(self) -> type:
        if self.form is not None:
            return self.form
        from wardsecurity.portal.forms import RecordForm

        serializer = self.viewset.serializer_class()
        writable = tuple(name for name, field in serializer.fields.items() if not field.read_only)
        return modelform_factory(self.model, form=RecordForm, fields=writable)

    @property
    def sortable(self) -> frozenset[str]:
        return frozenset(self.viewset.ordering_fields)

    @property
    def default_ordering(self) -> tuple[str, ...]:
        return tuple(self.viewset.ordering)

    # Names --------------------------------------------------------------------------------

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def name(self) -> str:
        return self.model._meta.model_name

    @property
    def label_plural(self) -> Promise:
        return self.model._meta.verbose_name_plural

    @property
    def label(self) -> Promise:
        return self.model._meta.verbose_name

    def url_name(self, action: str) -> str:
        return f"{self.app_label}:{self.name}_{action}"

    def url(self, action: str, pk=None, **kwargs) -> str:
        if pk is not None:
            kwargs["pk"] = pk
        return reverse(self.url_name(action), kwargs=kwargs or None)

    @property
    def export_columns(self) -> tuple[str, ...]:
        return self.export_fields or tuple(self.form_class._meta.fields)

    @property
    def ward_field(self) -> str:
        """The lookup from the record to its ward id, for filters and breadcrumbs."""
        return self.model.ward_path

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

    def queryset(self, user):
        """The selector of every page: ``visible_to(user)`` plus the joins the columns need."""
        queryset = self.model.objects.visible_to(user)
        # The ward (breadcrumbs, exports) and every linked record a column shows, in one query.
        related, many = [self.model.ward_path], []
        for name in {*self.columns, *self.export_columns}:
            model_field = self.model._meta.get_field(name)
            if model_field.many_to_many:
                many.append(name)
            elif model_field.is_relation:
                related.append(name)
        if related:
            queryset = queryset.select_related(*sorted(set(related)))
        if many:
            queryset = queryset.prefetch_related(*sorted(many))
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
