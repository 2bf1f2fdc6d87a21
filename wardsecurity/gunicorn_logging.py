"""gunicorn's logger with personal data kept out of its access and error logs (G17).

gunicorn's default access line carries the request line and the referer, both with their query
strings (search terms: names, phone numbers), and its error log names the URI of a failed
request. ``scripts/run.sh`` selects this class with ``--logger-class``; it attaches the filter
every Django handler has, so the format can stay gunicorn's own.
"""

from gunicorn.glogging import Logger

from wardsecurity.logfilters import RedactPersonalData


class RedactingLogger(Logger):
    """gunicorn's ``Logger`` whose error and access loggers drop query strings and phones."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactPersonalData) for f in log.filters):
                log.addFilter(RedactPersonalData())
