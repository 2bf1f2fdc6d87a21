"""The units figures are counted in: the nouns of the reports and the dashboard (vụ, buổi, hộ),
money and percentages."""

from django.utils.translation import npgettext

from reports.figures.numbers import Unit

# The nouns figures are counted in; literal calls so that makemessages finds them (Vietnamese
# has one form for both).
INCIDENT = Unit(lambda n: npgettext("report unit", "incident", "incidents", n))
SUSPECT = Unit(lambda n: npgettext("report unit", "suspect", "suspects", n))
TIP = Unit(lambda n: npgettext("report unit", "tip", "tips", n))
SPOT = Unit(lambda n: npgettext("report unit", "spot", "spots", n))
HOUSEHOLD = Unit(lambda n: npgettext("report unit", "household", "households", n))
RESIDENT = Unit(lambda n: npgettext("report unit", "resident", "residents", n))
GROUP = Unit(lambda n: npgettext("report unit", "residential group", "residential groups", n))
WARD = Unit(lambda n: npgettext("report unit", "ward", "wards", n))
ORGANISATION = Unit(lambda n: npgettext("report unit", "organisation", "organisations", n))
SESSION = Unit(lambda n: npgettext("report unit", "session", "sessions", n))
SHIFT = Unit(lambda n: npgettext("report unit", "shift", "shifts", n))
ATTENDANCE = Unit(lambda n: npgettext("report unit", "attendance", "attendances", n))
MODEL = Unit(lambda n: npgettext("report unit", "model", "models", n))
TEAM = Unit(lambda n: npgettext("report unit", "team", "teams", n))
MEMBER = Unit(lambda n: npgettext("report unit", "member", "members", n))
CAMERA = Unit(lambda n: npgettext("report unit", "camera", "cameras", n))
RECORDER = Unit(lambda n: npgettext("report unit", "recorder", "recorders", n))
EXTRACTION = Unit(lambda n: npgettext("report unit", "extraction", "extractions", n))
CASE = Unit(lambda n: npgettext("report unit", "case", "cases", n))
PERSON = Unit(lambda n: npgettext("report unit", "person", "people", n))
CARD = Unit(lambda n: npgettext("report unit", "card", "cards", n))
ACCOUNT = Unit(lambda n: npgettext("report unit", "account", "accounts", n))
APPLICATION = Unit(lambda n: npgettext("report unit", "application", "applications", n))
AREA = Unit(lambda n: npgettext("report unit", "residential area", "residential areas", n))
COLLECTIVE = Unit(lambda n: npgettext("report unit", "collective", "collectives", n))
INDIVIDUAL = Unit(lambda n: npgettext("report unit", "individual", "individuals", n))
GUN = Unit(lambda n: npgettext("report unit", "gun", "guns", n))
ROUND = Unit(lambda n: npgettext("report unit", "round", "rounds", n))
PIECE = Unit(lambda n: npgettext("report unit", "piece", "pieces", n))
KG = Unit(lambda n: npgettext("report unit", "kg", "kg", n))
MONEY = Unit(kind="money")
PERCENT = Unit(kind="percent")
