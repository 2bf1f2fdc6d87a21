"""The statistics API's rendered answers: kept in the shared cache, and in this process too.

An answer is kept rendered (its JSON in two pieces around ``as_of``) in Django's cache — Redis
when ``REDIS_URL`` is set, shared by every process — for ``STATS_CACHE_SECONDS``. A country's
compact page is about 0.8 MB, and reading that from Redis again on every repeat costs more
than the rest of the request (about 1.2 ms on the benchmark machine, against 0.03 ms from this
process's memory). So each process also keeps the answers it served last, up to
``STATS_LOCAL_CACHE_BYTES`` in all (the least recently used go first; 0 keeps none), each only
until the moment its shared entry ends: a copy here never outlives what the shared cache would
serve, so the shared cache's promises hold unchanged — a processed change reaches the next
answer (the key holds the rollup's ``processed_at``), a change of the territory within
``STATS_CACHE_SECONDS``.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

STATS_CACHE_SECONDS = 300
clock = time.time  # the wall clock: an entry's end is the same moment for every process


@dataclass(frozen=True)
class Answer:
    """A rendered answer: the JSON before and after ``as_of``, and when its entry ends."""

    head: bytes
    tail: bytes
    expires: float  # the ``clock()`` at which the shared cache drops it

    @property
    def size(self) -> int:
        return len(self.head) + len(self.tail)


class RecentAnswers:
    """This process's copies, least recently used first out, within a number of bytes."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str, now: float) -> Answer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is None:
                return None
            if answer.expires <= now:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return answer

    def put(self, key: str, answer: Answer, limit: int) -> None:
        with self._lock:
            if key in self._entries:
                self._drop(key)
            if answer.size > limit:
                return  # larger than the whole allowance: the shared cache serves it
            while self._entries and self._bytes + answer.size > limit:
                self._drop(next(iter(self._entries)))
            self._entries[key] = answer
            self._bytes += answer.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def bytes(self) -> int:
        return self._bytes

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def _drop(self, key: str) -> None:
        self._bytes -= self._entries.pop(key).size


RECENT = RecentAnswers()


def answer_for(key: str, render: Callable[[], tuple[bytes, bytes]]) -> Answer:
    """The answer kept under ``key``: this process's copy, else the shared cache's, else
    ``render()``'s (then kept in both)."""
    limit = settings.STATS_LOCAL_CACHE_BYTES
    now = clock()
    if limit:
        answer = RECENT.get(key, now)
        if answer is not None:
            return answer
    answer = cache.get(key)
    # Anything else under the key (an entry of an earlier version of this module) is a miss.
    if not isinstance(answer, Answer) or answer.expires <= now:
        head, tail = render()
        answer = Answer(head, tail, now + STATS_CACHE_SECONDS)
        cache.set(key, answer, STATS_CACHE_SECONDS)
    if limit:
        RECENT.put(key, answer, limit)
    return answer
