"""What the API and the portal agree on for the reporting chain's records, declared once.

``<NOUN>_FIELDS``: the fields a client writes (the state, the dates of the chain and the
snapshot are set by the transition services only); ``<NOUN>_SORTABLE``: the fields a list may
be sorted by; ``<NOUN>_ORDERING``: the order of a list nobody sorted.
"""

# ``ward`` and ``period`` are set when the report is created and never change after.
PERIOD_REPORT_CREATE_ONLY = ("ward", "period")
PERIOD_REPORT_TEXT_FIELDS = (
    "number",
    "symbol",
    "issued_on",
    "place",
    "signer_form",
    "signer_for_title",
    "signer_title",
    "signer_name",
    "recipients",
    "situation_text",
    "results_text",
    "assessment",
    "shortcomings",
    "directions",
    "proposals",
)
PERIOD_REPORT_FIELDS = (*PERIOD_REPORT_CREATE_ONLY, *PERIOD_REPORT_TEXT_FIELDS)
# What a submission requires, in the order the refusal names them.
PERIOD_REPORT_REQUIRED_TO_SUBMIT = (
    "number",
    "symbol",
    "issued_on",
    "place",
    "signer_title",
    "signer_name",
    "recipients",
)
PERIOD_REPORT_SORTABLE = (
    "id",
    "period_end",
    "due_on",
    "state",
    "submitted_at",
    "created_at",
    "updated_at",
)
PERIOD_REPORT_ORDERING = ("-period_end", "ward__code")

MANUAL_INDICATOR_VALUE_FIELDS = ("ward", "indicator", "period", "value")
MANUAL_INDICATOR_VALUE_SORTABLE = ("id", "period_end", "value", "created_at", "updated_at")
MANUAL_INDICATOR_VALUE_ORDERING = ("-period_end", "indicator__section", "indicator__order")
