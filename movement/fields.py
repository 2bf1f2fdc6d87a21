"""What the API and the portal agree on for each record of the movement, declared once.

``<NOUN>_FIELDS``: the fields a client writes, in the order the API shows them; the API's
serializer accepts exactly these (its other fields are read-only) and the portal's form offers
exactly these. ``<NOUN>_SORTABLE``: the fields a list may be sorted by (the API's ``ordering``,
the portal's column headers); ``<NOUN>_ORDERING``: the order of a list nobody sorted.
"""

SELF_MANAGEMENT_MODEL_FIELDS = (
    "ward",
    "groups",
    "name",
    "kind",
    "founded_on",
    "status",
    "exemplary",
    "lead_org",
)
SELF_MANAGEMENT_MODEL_SORTABLE = ("id", "founded_on", "name", "created_at", "updated_at")
SELF_MANAGEMENT_MODEL_ORDERING = ("-id",)

TEAM_FIELDS = (
    "ward",
    "groups",
    "kind",
    "name",
    "model",
    "established_on",
    "dissolved_on",
    "decision_no",
    "decision_on",
    "roster_kept",
    # Writable: the service refuses a typed value that disagrees with a kept roster.
    "headcount",
)
TEAM_SORTABLE = ("id", "established_on", "name", "headcount", "created_at", "updated_at")
TEAM_ORDERING = ("-id",)

TEAM_MEMBER_FIELDS = ("team", "full_name", "role", "phone", "birth_year", "joined_on", "left_on")
# Not by phone or birth year: personal data is shown, never sorted on.
TEAM_MEMBER_SORTABLE = ("id", "joined_on", "full_name", "created_at", "updated_at")
TEAM_MEMBER_ORDERING = ("-id",)

# The ward follows the team: shown, never written.
PATROL_FIELDS = (
    "team",
    "patrolled_on",
    "shift",
    "area",
    "members_on_duty",
    "findings",
    "incidents_found",
)
PATROL_SORTABLE = ("id", "patrolled_on", "incidents_found", "created_at", "updated_at")
PATROL_ORDERING = ("-id",)

# The ward follows the team: shown, never written.
TEAM_APPRAISAL_FIELDS = ("team", "year", "level", "decision_no", "note")
TEAM_APPRAISAL_SORTABLE = ("id", "year", "level", "created_at", "updated_at")
TEAM_APPRAISAL_ORDERING = ("-id",)

# The ward follows the signer: shown, never written.
COMMITMENT_FIELDS = ("household", "organisation", "year", "kind", "signed_on")
COMMITMENT_SORTABLE = ("id", "signed_on", "year", "kind", "created_at", "updated_at")
COMMITMENT_ORDERING = ("-id",)

MEDIATION_CASE_FIELDS = (
    "ward",
    "group",
    "received_on",
    "subject",
    "parties",
    "security_related",
    "outcome",
    "closed_on",
)
MEDIATION_CASE_SORTABLE = ("id", "received_on", "closed_on", "created_at", "updated_at")
MEDIATION_CASE_ORDERING = ("-id",)

OUTREACH_SESSION_FIELDS = ("ward", "group", "held_on", "topic", "attendees", "partners")
OUTREACH_SESSION_SORTABLE = ("id", "held_on", "topic", "attendees", "created_at", "updated_at")
OUTREACH_SESSION_ORDERING = ("-id",)

COMMENDATION_FIELDS = (
    "ward",
    "recipient_kind",
    "recipient_name",
    "level",
    "issuer",
    "awarded_on",
    "reason",
)
COMMENDATION_SORTABLE = (
    "id",
    "awarded_on",
    "recipient_name",
    "level",
    "created_at",
    "updated_at",
)
COMMENDATION_ORDERING = ("-id",)

WEAPON_SURRENDER_FIELDS = ("ward", "received_on", "item", "quantity", "unit")
WEAPON_SURRENDER_SORTABLE = ("id", "received_on", "item", "quantity", "created_at", "updated_at")
WEAPON_SURRENDER_ORDERING = ("-id",)

REINTEGRATION_CASE_FIELDS = (
    "ward",
    "group",
    "person_name",
    "birth_year",
    "category",
    "started_on",
    "ended_on",
    "sponsor",
    "status",
)
# Never by the person's name or birth year.
REINTEGRATION_CASE_SORTABLE = ("id", "started_on", "ended_on", "created_at", "updated_at")
REINTEGRATION_CASE_ORDERING = ("-id",)

EID_TALLY_FIELDS = (
    "ward",
    "group",
    "recorded_on",
    "chip_cards",
    "vneid_level1",
    "vneid_level2_collected",
    "vneid_level2_activated",
)
EID_TALLY_SORTABLE = ("id", "recorded_on", "created_at", "updated_at")
EID_TALLY_ORDERING = ("-id",)

SAFETY_RECOGNITION_FIELDS = (
    "ward",
    "subject",
    "group",
    "organisation",
    "year",
    "recognised",
    "decision_no",
    "decision_date",
    # Criteria ticked as met; criterion 1 is computed (first_criterion_*), never ticked.
    "criteria_met",
)
# Computed from the records when saved (movement.standards.first_criterion): shown, never written.
SAFETY_RECOGNITION_COMPUTED = (
    "first_criterion_met",
    "first_criterion_count",
    "first_criterion_total",
)
SAFETY_RECOGNITION_SORTABLE = ("id", "year", "created_at", "updated_at")
SAFETY_RECOGNITION_ORDERING = ("-id",)

# The points per criterion of the grading sheet; the score (their total) and the grade that
# the thresholds give it are shown, never written.
APPRAISAL_FIELDS = ("ward", "subject", "group", "organisation", "team", "year", "points")
APPRAISAL_SORTABLE = ("id", "year", "score", "created_at", "updated_at")
APPRAISAL_ORDERING = ("-id",)

# The ward follows the organisation: shown, never written.
ORGANISATION_COMMITMENT_TALLY_FIELDS = ("organisation", "year", "staff_count", "signed_count")
ORGANISATION_COMMITMENT_TALLY_SORTABLE = (
    "id",
    "year",
    "staff_count",
    "signed_count",
    "created_at",
    "updated_at",
)
ORGANISATION_COMMITMENT_TALLY_ORDERING = ("-id",)

# Personal data (PDPL, Law 91/2025/QH15): shown only to roles that work with residents
# (``User.can_see_personal``); masked or absent for the others in every list, detail, export,
# search, sort and API answer (docs/security.md, "Personal data and steering roles").
# ``PERSONAL_FIELDS``: model name → its personal fields, read by ``wardsecurity.personal``.
TEAM_MEMBER_PERSONAL = ("full_name", "phone", "birth_year")
# The parties to a mediation are named in the text ("Hộ ông A và hộ bà B").
MEDIATION_CASE_PERSONAL = ("parties",)
# An individual's name (a collective's is masked alike: one rule per field, not per row).
COMMENDATION_PERSONAL = ("recipient_name",)
REINTEGRATION_CASE_PERSONAL = ("person_name", "birth_year", "sponsor")
# What a patrol found may name the people it found ("phát hiện Nguyễn Văn A …").
PATROL_PERSONAL = ("findings",)
PERSONAL_FIELDS = {
    "patrol": PATROL_PERSONAL,
    "teammember": TEAM_MEMBER_PERSONAL,
    "mediationcase": MEDIATION_CASE_PERSONAL,
    "commendation": COMMENDATION_PERSONAL,
    "reintegrationcase": REINTEGRATION_CASE_PERSONAL,
}
