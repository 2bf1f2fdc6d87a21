"""The API's name for the shared filter pieces (``wardsecurity.filters``, ``wardsecurity.search``).

The filtersets belong to the apps, not to the API: the portal's lists, exports and the selectors
read them too, so the pieces live outside this package; this module keeps the old imports working.
"""

from wardsecurity.filters import (
    BOOLEAN_MESSAGE,
    StrictBooleanField,
    StrictBooleanFilter,
    StrictBooleanWidget,
    WardRecordFilterSet,
    date_range,
)
from wardsecurity.search import MAX_SEARCH_WORDS, Fold, search_words

__all__ = [
    "BOOLEAN_MESSAGE",
    "MAX_SEARCH_WORDS",
    "Fold",
    "StrictBooleanField",
    "StrictBooleanFilter",
    "StrictBooleanWidget",
    "WardRecordFilterSet",
    "date_range",
    "search_words",
]
