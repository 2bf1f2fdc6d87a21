"""``public.ws_fold_suffixes(text[])`` and ``public.ws_fold_words_query(text[])``: the word index
that list search reads instead of the trigram indexes where a table has one (issue 18, item 4).

A trigram index cannot serve a word of one or two letters ("le", "ta"); for a common word
("nguyen") its bitmap holds most of the province, and every row it finds is folded again to
recheck LIKE. A GIN index over the folded text's words answers any length exactly, with no
recheck; but search matches substrings ("uong" finds "Dương", "0042" finds "HK0042"), which a
plain word index (``to_tsvector``) cannot answer, and PostgreSQL's text-search parser would also
cut "12/3", "A_B" or "a\\b" into pieces the user did not type.

So the lexemes are every *suffix* of every word of the given texts (NULLs left out) joined by a
space and folded by ``ws_fold`` (folding is letter by letter, so folding the joined texts is
joining the folded ones; one call is much cheaper than one per text), words being split at
ASCII white space only: a search word without white space is a substring of one of the
folded texts exactly when it is the start of one of these suffixes, which the tsquery
``'WORD':*`` asks the index. One vector holds all the searched fields of a row, so "every word
in some field" is one tsquery, ``'NGUYEN':* & 'VAN':*``, that the index answers in one scan.
``array_to_tsvector`` takes the lexemes as they are (no parser, no lower-casing, no stop words),
and ``ws_fold_words_query`` builds the query with the same ``ws_fold``, so the index and the
query fold identically (đ → D, marks dropped, upper case).

A word that folds to nothing (a lone combining mark) or to text with white space (no rule of
today's unaccent dictionary does) cannot be looked up so:
``ws_fold_words_query`` leaves it out (NULL when no word is left), and the search compares it
with the folded fields directly (``wardsecurity.search.WordSearch``). The test for such a word,
``'^$|[ \t\n\r\f\v]'``, is ``UNINDEXABLE_FOLD`` there.
"""

from django.db import migrations

CREATE_WORDS = r"""
CREATE OR REPLACE FUNCTION public.ws_fold_suffixes(text[]) RETURNS pg_catalog.tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $suffixes$
    SELECT pg_catalog.array_to_tsvector(ARRAY(
        SELECT pg_catalog.substr(word, start)
        FROM pg_catalog.regexp_split_to_table(
                 public.ws_fold(pg_catalog.array_to_string($1, ' ')), '[ \t\n\r\f\v]+') AS word,
             pg_catalog.generate_series(1, pg_catalog.length(word)) AS start))
    $suffixes$;
CREATE OR REPLACE FUNCTION public.ws_fold_words_query(text[]) RETURNS pg_catalog.tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $query$
    SELECT CAST(pg_catalog.string_agg(
        '''' || pg_catalog.replace(pg_catalog.replace(folded, '\', '\\'), '''', '''''') || ''':*',
        ' & ' ORDER BY position) AS pg_catalog.tsquery)
    FROM (SELECT public.ws_fold(word) AS folded, position
          FROM pg_catalog.unnest($1) WITH ORDINALITY AS words(word, position)) AS folded_words
    WHERE folded !~ '^$|[ \t\n\r\f\v]'
    $query$;
"""

DROP_WORDS = """
DROP FUNCTION IF EXISTS public.ws_fold_words_query(text[]);
DROP FUNCTION IF EXISTS public.ws_fold_suffixes(text[]);
"""


class Migration(migrations.Migration):
    dependencies = [("wardsecurity", "0009_natural_sort")]

    operations = [migrations.RunSQL(CREATE_WORDS, DROP_WORDS)]
