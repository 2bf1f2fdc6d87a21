"""What the API and the portal agree on for each record, declared once.

``<NOUN>_FIELDS``: the fields a client writes, in the order the API shows them; the API's
serializer accepts exactly these (its other fields are read-only) and the portal's form offers
exactly these. ``<NOUN>_SORTABLE``: the fields a list may be sorted by (the API's ``ordering``,
the portal's column headers); ``<NOUN>_ORDERING``: the order of a list nobody sorted.
"""

# ``former_ward``: the unit of the map before July 2025 the group lay in (one of its ward's
# predecessors), so its records count under it (``by=predecessor``, docs/domain.md).
RESIDENTIAL_GROUP_FIELDS = ("ward", "name", "kind", "former_ward")
RESIDENTIAL_GROUP_SORTABLE = ("id", "name", "created_at", "updated_at")
RESIDENTIAL_GROUP_ORDERING = ("-id",)

# The ward follows the residential group: shown, never written.
HOUSEHOLD_FIELDS = (
    "group",
    "code",
    "address",
    "head_name",
    "member_count",
    "phone",
    "residence",
    "active",
)
HOUSEHOLD_SORTABLE = ("id", "code", "head_name", "member_count", "created_at", "updated_at")
HOUSEHOLD_ORDERING = ("-id",)

ORGANISATION_FIELDS = ("ward", "group", "name", "kind")
ORGANISATION_SORTABLE = ("id", "name", "created_at", "updated_at")
ORGANISATION_ORDERING = ("-id",)

# Personal data (PDPL, Law 91/2025/QH15): shown only to roles that work with residents
# (``User.can_see_personal``); masked or absent for the others in every list, detail, export,
# search, sort and API answer (docs/security.md, "Personal data and steering roles").
# ``PERSONAL_FIELDS``: model name → its personal fields, read by ``wardsecurity.personal``.
HOUSEHOLD_PERSONAL = ("address", "head_name", "phone")
PERSONAL_FIELDS = {"household": HOUSEHOLD_PERSONAL}
