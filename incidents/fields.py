"""What the API and the portal agree on for incidents, tips and hotspots, declared once.

``<NOUN>_FIELDS``: the fields a client writes, in the order the API shows them; the API's
serializer accepts exactly these (its other fields are read-only) and the portal's form offers
exactly these. ``<NOUN>_SORTABLE``: the fields a list may be sorted by (the API's ``ordering``,
the portal's column headers); ``<NOUN>_ORDERING``: the order of a list nobody sorted.
"""

# The ids of the incidents that name a tip are shown after these, never written.
TIP_FIELDS = ("ward", "received_at", "channel", "reporter", "content", "category", "status")
TIP_SORTABLE = ("id", "received_at", "created_at", "updated_at")
TIP_ORDERING = ("-received_at", "-id")

INCIDENT_FIELDS = (
    "ward",
    "group",
    "occurred_at",
    "category",
    "subcategory",
    "case_type",
    "severity",
    "summary",
    "source",
    "tip",
    "suspects",
    "suspects_handled",
    "cleared",
    "cleared_on",
    "deaths",
    "injuries",
    "damage_vnd",
    "status",
    "latitude",
    "longitude",
)
INCIDENT_SORTABLE = (
    "id",
    "occurred_at",
    "cleared_on",
    "deaths",
    "injuries",
    "damage_vnd",
    "created_at",
    "updated_at",
)
INCIDENT_ORDERING = ("-occurred_at", "-id")

HOTSPOT_FIELDS = ("ward", "group", "name", "reasons", "designated_on", "status", "transformed_on")
HOTSPOT_SORTABLE = ("id", "name", "designated_on", "created_at", "updated_at")
HOTSPOT_ORDERING = ("-designated_on", "-id")

# Personal data (PDPL, Law 91/2025/QH15): shown only to roles that work with residents
# (``User.can_see_personal``). Tips and incidents are police-only already; these fields are
# declared as well so that a role given sensitive records but not personal data sees neither.
# ``PERSONAL_FIELDS``: model name → its personal fields, read by ``wardsecurity.personal``.
TIP_PERSONAL = ("reporter", "content")
INCIDENT_PERSONAL = ("summary",)
PERSONAL_FIELDS = {"tip": TIP_PERSONAL, "incident": INCIDENT_PERSONAL}
