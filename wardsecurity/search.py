"""Accent- and case-blind search: the ``ws_fold`` lookup and ``WordSearch``, which every search
goes through.

The API's and the portal's ``search`` filter and the admin's search fields all look for the
folded word inside ``ws_fold(column)``, so "nguyen van" finds "Nguyễn Văn". Two forms give the
same answer from different indexes (``wardsecurity.search_indexes``):

- ``column__ws_fold__contains=word``: ``ws_fold(column) LIKE '%WORD%'``, served by a trigram
  index on ``ws_fold(column)`` for words of three letters or more;
- ``WordSearch(fields, words, table, key)``: ``words @@ 'W1':* & 'W2':*`` in a side table that
  stores ``ws_fold_suffixes(ARRAY[fields])`` of each row (households 0009), for words of any
  length, exactly and in one index scan; used when a search covers exactly a filterset's
  ``word_search_fields``.

Importing this module registers the ``ws_fold`` lookup on text fields.
"""

from django.db import models
from django.db.models import Expression, F, Transform

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


# A folded word with nothing left (a lone combining mark) or with white space in it (the unaccent
# rules of PostgreSQL 15 give none; those of 18 fold "½" to " 1/2") is not the start of any
# word's suffix; ``ws_fold_words_query`` leaves such
# words out with the same test (wardsecurity 0010).
UNINDEXABLE_FOLD = r"'^$|[ \t\n\r\f\v]'"


class WordSearch(Expression):
    """Every word of ``words`` is in the folded text of some field of ``fields`` — what
    ``field__ws_fold__contains=word`` ORed over the fields, for each word, matches — answered by
    the side table ``table`` that holds ``ws_fold_suffixes(ARRAY[fields])`` of each row, stored,
    under ``key`` (the row's id) and ``ward_id`` (``search_indexes.word_table_sql``).

    The table holds every suffix of every word of the folded fields (split at ASCII white
    space), so a word without white space is a substring of one of them exactly when it starts
    one of these suffixes: ``ws_fold_words_query`` makes ``'NGUYEN':* & 'VAN':*`` of the
    words, one tsquery that the table's GIN index answers in one scan, exactly (no row is folded
    again). The condition is one ``EXISTS`` at the top of the WHERE clause, which PostgreSQL
    turns into a semi-join on the id and the ward: a ward's search reads that ward's rows of the
    side table, a rare word reads the index, a word in nearly every row reads the stored vectors
    (and folds nothing).

    A word that folds to white space or to nothing is not in that query (when no word is left
    the query is NULL and every row's words match); it is compared with the folded fields
    (``strpos``). Each such test sits in a ``CASE`` whose condition only reads the constant
    words, which PostgreSQL decides while planning: the plan holds the semi-join and, only for
    such a word, its comparison.
    """

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, fields, words, table, key):
        super().__init__()
        self.fields = [F(field) for field in fields]
        self.row = [F("pk"), F("ward_id")]
        self.words = list(words)
        self.table = table
        self.key = key

    def get_source_expressions(self):
        return [*self.row, *self.fields]

    def set_source_expressions(self, exprs):
        self.row = list(exprs[:2])
        self.fields = list(exprs[2:])

    def as_sql(self, compiler, connection):
        (pk, pk_params), (ward, ward_params) = (compiler.compile(e) for e in self.row)
        texts = []  # (sql, params) of each field as text
        for field in self.fields:
            sql, params = compiler.compile(field)
            texts.append((f"({sql})::text", list(params)))
        quote = connection.ops.quote_name
        query = f"public.ws_fold_words_query(ARRAY[{', '.join(['%s'] * len(self.words))}]::text[])"
        # Table and column names from the filterset; the words are parameters.
        parts = [
            f"EXISTS (SELECT 1 FROM {quote(self.table)} search_words"  # noqa: S608
            f" WHERE search_words.{quote(self.key)} = {pk}"
            f" AND search_words.ward_id = {ward}"
            f" AND ({query} IS NULL OR search_words.words @@ {query}))"
        ]
        all_params = [*pk_params, *ward_params, *self.words, *self.words]
        for word in self.words:
            holds = " OR ".join(
                f"pg_catalog.strpos(public.ws_fold({sql}), public.ws_fold(%s)) > 0"
                for sql, _params in texts
            )
            parts.append(
                f"CASE WHEN public.ws_fold(%s) ~ {UNINDEXABLE_FOLD} THEN ({holds}) ELSE TRUE END"
            )
            all_params.append(word)
            for _sql, params in texts:
                all_params.extend([*params, word])
        return "(" + " AND ".join(parts) + ")", all_params


for _field in (models.CharField, models.TextField):
    _field.register_lookup(Fold)


def search_words(value: str) -> list[str]:
    """The words a search filters on: every one, so "le van tam" does not find "Nguyễn Văn Tám".

    A word index (``WordSearch``) serves words of any length. A trigram index can only serve
    words of at least three letters: where a field has no word index, a shorter word ("le", "ta")
    beside a longer one only filters the rows the index found, which costs little, and a search
    of short words alone folds every row in scope.
    """
    return value.split()[:MAX_SEARCH_WORDS]
