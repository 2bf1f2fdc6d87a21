"""The camera map: the cameras in the user's scope on a Leaflet map, beside their list (SPEC §9)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cameras.models import Camera
from cameras.selectors import camera_list
from households.selectors import ward_list

# Fill colour by status, ring colour by owner kind: two readings of one marker, legend to match.
STATUS_COLOURS = {
    Camera.Status.ACTIVE: "#2e7d32",
    Camera.Status.FAULTY: "#e65100",
    Camera.Status.REMOVED: "#757575",
}
OWNER_COLOURS = {
    Camera.OwnerKind.PUBLIC: "#1565c0",
    Camera.OwnerKind.COMMUNITY: "#6a1b9a",
    Camera.OwnerKind.AGENCY: "#00838f",
    Camera.OwnerKind.BUSINESS: "#c62828",
    Camera.OwnerKind.HOUSEHOLD: "#f9a825",
}


def camera_map_list(*, user, ward=None):
    """Cameras the user may see (optionally of one ward), with their ward and group."""
    filters = None if ward is None else {"ward": ward.pk}
    return camera_list(user=user, filters=filters).order_by("ward__code", "code")


def map_wards(*, user):
    """The wards in the user's scope that have cameras, for the ward picker."""
    visible = camera_list(user=user).values("ward_id")
    return ward_list(user=user).filter(pk__in=visible).order_by("code")


def marker(camera):
    """What the map shows of a camera: no location text, no person, only codes and categories."""
    return {
        "code": camera.code,
        "lat": float(camera.latitude),
        "lng": float(camera.longitude),
        "status": camera.status,
        "status_label": str(camera.get_status_display()),
        "owner": camera.owner_kind,
        "owner_label": str(camera.get_owner_kind_display()),
        "group": camera.group.name if camera.group_id else "",
        # The pop-up links to the record (its page checks the reader's rights again).
        "url": reverse("cameras:camera_detail", kwargs={"pk": camera.pk}),
    }


@never_cache  # the list names where people live and work (G15)
@login_required
@require_safe
def camera_map(request):
    """A map of the cameras in scope coloured by status and owner, with their list beside it."""
    wards = list(map_wards(user=request.user))
    chosen = next((w for w in wards if w.code == request.GET.get("ward")), None)
    cameras = list(camera_map_list(user=request.user, ward=chosen))
    placed = [c for c in cameras if c.latitude is not None and c.longitude is not None]
    config = {
        "markers": [marker(c) for c in placed],
        "status_colours": {str(k): v for k, v in STATUS_COLOURS.items()},
        "owner_colours": {str(k): v for k, v in OWNER_COLOURS.items()},
        # Offline by default: with no tile server configured the markers sit on a plain ground.
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "open_label": str(_("Open the record")),
    }
    context = {
        "cameras": cameras,
        "unplaced": len(cameras) - len(placed),
        "wards": wards,
        "chosen": chosen,
        "config": config,
        "status_legend": [(s.label, STATUS_COLOURS[s], s.value) for s in Camera.Status],
        "owner_legend": [(o.label, OWNER_COLOURS[o], o.value) for o in Camera.OwnerKind],
    }
    return render(request, "cameras/map.html", context)
