"""A JSON parser that refuses what the standard one lets through or crashes on."""

import json
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _no_duplicates(pairs):
    keys = [key for key, _value in pairs]
    if len(keys) != len(set(keys)):
        raise ParseError(_("The same field appears twice in the request."))
    return dict(pairs)


def _no_constants(name):
    raise ParseError(_("NaN and Infinity are not numbers the API accepts."))


class StrictJSONParser(JSONParser):
    """UTF-8 JSON: no duplicate keys, no NaN/Infinity, decimals kept exact, bounded size/depth."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise ParseError(_("The request is too large."))
        try:
            return json.loads(
                body.decode("utf-8"),
                object_pairs_hook=_no_duplicates,
                parse_float=Decimal,
                parse_constant=_no_constants,
            )
        except RecursionError as exc:
            raise ParseError(_("The request is nested too deeply.")) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(_("The request is not valid JSON.")) from exc
