"""What the API and the portal agree on for cameras and their records, declared once.

``<NOUN>_FIELDS``: the fields a client writes, in the order the API shows them; the API's
serializer accepts exactly these (its other fields are read-only) and the portal's form offers
exactly these. ``<NOUN>_SORTABLE``: the fields a list may be sorted by (the API's ``ordering``,
the portal's column headers); ``<NOUN>_ORDERING``: the order of a list nobody sorted.
"""

RECORDER_FIELDS = ("ward", "code", "location", "channels", "installed_on")
RECORDER_SORTABLE = ("id", "code", "installed_on", "created_at", "updated_at")
RECORDER_ORDERING = ("code", "id")

CAMERA_FIELDS = (
    "ward",
    "group",
    "code",
    "location",
    "latitude",
    "longitude",
    "owner_kind",
    "funding",
    "installed_on",
    "removed_on",
    "status",
    "recorder",
    "model",
    "signage",
    "retention_days",
    "connected_to_police",
)
CAMERA_SORTABLE = ("id", "code", "installed_on", "created_at", "updated_at")
CAMERA_ORDERING = ("code", "id")

CONTRIBUTION_FIELDS = (
    "ward",
    "contributor_name",
    "household",
    "organisation",
    "amount_vnd",
    "contributed_on",
    "purpose",
    "camera",
)
CONTRIBUTION_SORTABLE = (
    "id",
    "contributed_on",
    "contributor_name",
    "amount_vnd",
    "created_at",
    "updated_at",
)
CONTRIBUTION_ORDERING = ("-contributed_on", "-id")

# The ward (the camera's) and who asked (always the requesting user) are shown, never written.
VIDEO_EXTRACTION_FIELDS = ("camera", "requested_at", "purpose", "incident", "useful", "notes")
VIDEO_EXTRACTION_SORTABLE = ("id", "requested_at", "created_at", "updated_at")
VIDEO_EXTRACTION_ORDERING = ("-requested_at", "-id")

# Personal data (PDPL, Law 91/2025/QH15): shown only to roles that work with residents
# (``User.can_see_personal``). Camera and recorder locations are places, not people.
# ``PERSONAL_FIELDS``: model name → its personal fields, read by ``wardsecurity.personal``.
CONTRIBUTION_PERSONAL = ("contributor_name",)
VIDEO_EXTRACTION_PERSONAL = ("purpose", "notes")
PERSONAL_FIELDS = {
    "contribution": CONTRIBUTION_PERSONAL,
    "videoextraction": VIDEO_EXTRACTION_PERSONAL,
}
