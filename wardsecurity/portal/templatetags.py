"""Template tags and filters of the portal (``{% load portal %}``): the menu and VN formats."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from wardsecurity.offline import offline_api_url, offline_enabled
from wardsecurity.portal import NAV_GROUPS, entities_for, optional_url
from wardsecurity.portal.display import format_money, format_number

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_navigation(context):
    """The menu of the signed-in user: only the pages the role may open."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    groups = {}
    for entity in entities_for(user):
        groups.setdefault(entity.nav, []).append(
            {
                "label": entity.label_plural,
                "url": entity.url("list"),
                "current": current.startswith(f"{entity.app_label}:{entity.name}_"),
            }
        )
    menu = [{"label": NAV_GROUPS[key], "items": groups[key]} for key in NAV_GROUPS if key in groups]
    extra = []
    for name, label in (
        ("reports:dashboard", _("Dashboard")),
        ("reports:index", _("Reports")),
        ("reporting:list", _("Reports to submit and review")),
        ("periods", _("Reporting periods")),
        ("imports:upload", _("Import from a file")),
        ("completeness:index", _("Report completeness")),
    ):
        url = optional_url(name)
        writes_only = name in ("periods", "imports:upload")
        # Completeness is for readers and administrators (ward roles get 403 there).
        readers_only = name == "completeness:index"
        if readers_only and not (user.is_reader_role or user.is_admin_role):
            continue
        if url and not (writes_only and user.is_reader_role):
            extra.append({"label": label, "url": url, "current": current == name})
    if extra:
        menu.append({"label": pgettext_lazy("menu", "Reports"), "items": extra})
    return menu


@register.filter
def vn_number(value):
    """1234567 → "1.234.567"."""
    if value in (None, ""):
        return "—"
    return format_number(value)


@register.filter
def vnd(value):
    """1234567 → "1.234.567 ₫"."""
    if value in (None, ""):
        return "—"
    return format_money(value)


@register.inclusion_tag("portal/_field.html")
def form_field(field):
    """A labelled field with its help and errors, tied together for screen readers."""
    return {"field": field, "wide": field.widget_type in WIDE_WIDGETS}


WIDE_WIDGETS = {"textarea", "checkboxselectmultiple"}


@register.simple_tag(takes_context=True)
def offline_config(context):
    """What the page's offline script needs (docs/portal.md, "Offline use and its limits"): the
    user the local store belongs to and the texts it shows; None for roles that keep nothing."""
    user = context["request"].user
    if not offline_enabled(user):
        return None
    return {
        "user": user.pk,
        "sw": reverse("service_worker"),
        "strings": {
            "offline": gettext("Offline: changes are kept on this phone."),
            "pending": gettext("{n} changes waiting to be sent"),
            "failed": gettext("{n} changes could not be sent"),
            "waiting": gettext("waiting to be sent"),
            "queued": gettext(
                "Saved on this phone: {n} changes will be sent when the connection returns."
            ),
            "missing": gettext(
                "Fill in the code, the address, the head of household and the members."
            ),
            "signedOnMissing": gettext("Enter the signing date of the newly ticked commitments."),
            "conflictTitle": gettext("Someone else changed this record"),
            "conflictServer": gettext("On the server"),
            "conflictMine": gettext("My change"),
            "conflictGone": gettext("The record no longer exists on the server."),
            "keepMine": gettext("Keep my version"),
            "useServer": gettext("Use the server's version"),
            "failedTitle": gettext("Not sent"),
            "discard": gettext("Discard"),
            "addHousehold": gettext("Add household {code} – {name}"),
            "tick": gettext("Tick {cell}"),
            "untick": gettext("Untick {cell}"),
            "record": gettext("New record: {title}"),
            "logoutPending": gettext(
                "{n} changes have not been sent yet and will be lost if you sign out. Sign out?"
            ),
        },
    }


@register.simple_tag(takes_context=True)
def offline_record_api(context, entity):
    """The API list URL a quick form's record is queued for when the phone is offline ("" when
    the form is not one of the daily quick forms, or the user keeps nothing offline)."""
    if not offline_enabled(context["request"].user):
        return ""
    return offline_api_url(entity.model)
