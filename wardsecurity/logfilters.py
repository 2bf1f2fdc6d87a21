"""Keep personal data out of every log line (GUARANTEES G17).

Search and filter terms (a household head's name, a phone number) travel in GET query strings,
and request lines, referers and error messages repeat URLs. ``RedactPersonalData`` sits on every
handler the settings configure (the app's, Django's, runserver's, the worker's) and on gunicorn's
error and access logs (``wardsecurity.gunicorn_logging``): it removes every query string from
the formatted message and from the traceback, and masks Vietnamese phone numbers. Paths stay,
so a log still says which page failed.
"""

import logging
import re

# A "?" glued to a URL or path (or starting a ``key=value`` list), up to a space or a quote.
QUERY_STRING = re.compile(r"(?<=[^\s\"'])\?[^\s\"'<>]*|\?[^\s\"'<>]*=[^\s\"'<>]*")
# 0xxxxxxxxx and +84xxxxxxxxx (mobile and landline numbers, 10 digits nationally).
PHONE = re.compile(r"(?<![\w+])(?:\+84|84|0)\d{9}(?!\d)")
QUERY_MARK = "?[query removed]"
PHONE_MARK = "[phone removed]"


def redact(text: str) -> str:
    """``text`` without query strings and phone numbers."""
    return PHONE.sub(PHONE_MARK, QUERY_STRING.sub(QUERY_MARK, text))


class RedactPersonalData(logging.Filter):
    """Rewrite the record's message (and traceback) with query strings and phones removed.

    The record is formatted once here and its arguments dropped, so whichever handler or
    formatter runs next sees only the redacted text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw template, never the arguments
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        stack_info = getattr(record, "stack_info", None)
        if stack_info:
            record.stack_info = redact(stack_info)
        return True
