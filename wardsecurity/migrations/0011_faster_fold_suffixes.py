"""``public.ws_fold_suffixes(text[])`` computed with set-returning functions in the select list
instead of in FROM: the same vectors, about a quarter less time (issue 18, the import).

Every household an import inserts gets its words through this function (households 0010's
statement trigger). In FROM, ``regexp_split_to_table`` and ``generate_series`` are function
scans, each call's rows stored in a tuplestore and the second scan restarted once per word;
in the select list they are evaluated a row at a time. Splitting at ASCII white space with
``translate`` and ``string_to_table`` instead of a regular expression gives the same words:
the empty strings that several white-space characters in a row leave have no suffix.
200,000 bench households: 3.5 s against 2.6 s, every vector equal (``bench_p``, 5 December
2026). ``tests/wardsecurity/test_search.py`` compares the two definitions on awkward text.

Nothing stores an index on the function (households 0009 keeps its results in a table), so
replacing it rebuilds nothing.
"""

import importlib

from django.db import migrations

# E'\x0b' is the vertical tab ("\v" is not an escape in PostgreSQL's E'' strings); with \t \n \r
# \f and the space, the white space that 0010's '[ \t\n\r\f\v]+' splits at.
CREATE_SUFFIXES = r"""
CREATE OR REPLACE FUNCTION public.ws_fold_suffixes(text[]) RETURNS pg_catalog.tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $suffixes$
    SELECT pg_catalog.array_to_tsvector(ARRAY(
        SELECT pg_catalog.substr(word, pg_catalog.generate_series(1, pg_catalog.length(word)))
        FROM (SELECT pg_catalog.string_to_table(
                  pg_catalog.translate(public.ws_fold(pg_catalog.array_to_string($1, ' ')),
                                       E'\t\n\r\f\x0b', '     '),
                  ' ') AS word) AS words))
    $suffixes$;
"""

PREVIOUS = importlib.import_module("wardsecurity.migrations.0010_search_words").CREATE_WORDS


class Migration(migrations.Migration):
    dependencies = [("wardsecurity", "0010_search_words")]

    operations = [migrations.RunSQL(CREATE_SUFFIXES, PREVIOUS)]
