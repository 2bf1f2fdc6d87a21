"""The shared cache in Redis, which never turns a Redis outage into an error page (G10).

Everything the portal keeps in its cache can be recomputed: a statistics answer is read again
from the rollup, a sign-in count starts again. So when Redis does not answer, a read is a miss,
a write is dropped, and the sign-in throttle lets the attempt through (django-axes, in
PostgreSQL, still locks out a guessed password); the outage is logged once a minute at most,
by its class, never with a key (keys hold no personal data, but the rule is simple).

Each cache object also keeps its Redis client: Django's client builds a new ``redis.Redis``
around the same connection pool for every command, and building one (its table of about 170
response callbacks) cost about 57 µs — a tenth of a repeated statistics request's own work with
Redis. A client over a pool is safe to share between threads, and its pool starts again in a
forked child.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_LOG_EVERY = 60.0


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client maker, building one client per connection pool, not per command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class TolerantRedisCache(RedisCache):
    """Django's RedisCache, with Redis errors answered as a miss (reads) or ignored (writes)."""

    _last_logged = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

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
