"""``public.ws_natural(text)``: the key that puts "Tổ 2" before "Tổ 10".

Each run of ASCII digits is left-padded with zeros to 20 characters, so numbers compare by value
inside text that otherwise compares as usual ("Tổ 1A" < "Tổ 1B" < "Tổ 2" < "Tổ 10"). Plain SQL,
IMMUTABLE, schema-qualified like ``ws_fold`` (0004), so the embedded server has it too and an
index could be built on it. Runs of more than 20 digits keep their length (they still sort after
every shorter number).
"""

from django.db import migrations

CREATE_NATURAL = r"""
CREATE OR REPLACE FUNCTION public.ws_natural(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $natural$
    SELECT coalesce(pg_catalog.string_agg(
        CASE WHEN part[1] ~ '^[0-9]' THEN pg_catalog.lpad(part[1], greatest(20, pg_catalog.length(part[1])), '0')
             ELSE part[1] END, '' ORDER BY ordinality), '')
    FROM pg_catalog.regexp_matches($1, '([0-9]+|[^0-9]+)', 'g') WITH ORDINALITY AS parts(part, ordinality)
    $natural$;
"""

DROP_NATURAL = "DROP FUNCTION IF EXISTS public.ws_natural(text);"


class Migration(migrations.Migration):
    dependencies = [("wardsecurity", "0008_province_reviewer")]

    operations = [migrations.RunSQL(CREATE_NATURAL, DROP_NATURAL)]
