"""The shared cache in Redis, which never turns a Redis outage into an error page (G10).

Everything the portal keeps in its cache can be recomputed: a statistics answer is read again
from the rollup, a sign-in count starts again. So when Redis does not answer, a read is a miss,
a write is dropped, and the sign-in throttle lets the attempt through (django-axes, in
PostgreSQL, still locks out a guessed password); the outage is logged once a minute at most,
by its class, never with a key (keys hold no personal data, but the rule is simple).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_LOG_EVERY = 60.0


class TolerantRedisCache(RedisCache):
    """Django's RedisCache, with Redis errors answered as a miss (reads) or ignored (writes)."""

    _last_logged = 0.0

    def _failed(self, error: RedisError) -> None:
        now = time.monotonic()
        if now - TolerantRedisCache._last_logged >= _LOG_EVERY:
            TolerantRedisCache._last_logged = now
            logger.warning("cache unavailable: %s", type(error).__name__)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._failed(error)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            self._failed(error)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """True when Redis is away: the caller counts from 1 again (fails open)."""
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self._failed(error)
            return True

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._failed(error)
            raise ValueError("cache unavailable") from error

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            self._failed(error)
            return False
