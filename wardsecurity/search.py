"""Accent- and case-blind search: the ``ws_fold`` lookup every search goes through.

The API's and the portal's ``search`` filter and the admin's search fields all compare
``ws_fold(column)`` with the folded word, so "nguyen van" finds "Nguyễn Văn" and the trigram
indexes of the large tables (``wardsecurity.search_indexes``) serve every one of them. Importing
this module registers the lookup on text fields.
"""

from django.db import models
from django.db.models import Transform

MAX_SEARCH_WORDS = 10


class Fold(Transform):
    """``public.ws_fold(col)``: upper case without accents, the IMMUTABLE wrapper around
    ``unaccent`` (wardsecurity migration 0004) that the trigram search indexes are built on.

    Bilateral, so the user's word is folded by the same SQL function, then LIKE-escaped after
    folding (Django escapes in SQL when the right-hand side is transformed): the term can never
    fold differently from the column, and the planner computes the constant pattern before it
    picks the index.
    """

    bilateral = True
    lookup_name = "ws_fold"
    function = "public.ws_fold"
    output_field = models.TextField()


models.CharField.register_lookup(Fold)
models.TextField.register_lookup(Fold)


def search_words(value: str) -> list[str]:
    """The words a search filters on: every one, so "le van tam" does not find "Nguyễn Văn Tám".

    A trigram index can only serve words of at least three letters. Beside such a word, a
    shorter one ("le", "ta") only filters the rows the index found, which costs little; a search
    of short words alone folds every row in scope.
    """
    return value.split()[:MAX_SEARCH_WORDS]
