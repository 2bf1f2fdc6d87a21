"""Settings for benchmark runs: the portal's own settings, plus the bare reference view's URL."""

from wardsecurity.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
# Requests come from the harness on this machine (HTTP, or the test client for exports).
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
LOGGING["root"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405 - one log line per request would skew timings
# The import benchmark reads a 1,000,000-row households file in one go (about 70 MB); the
# portal's upload limit is for browsers, not for this measurement.
IMPORT_MAX_BYTES = 256 * 2**20
