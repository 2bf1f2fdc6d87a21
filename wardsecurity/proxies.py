"""The client's address, believing X-Forwarded-For only from the proxies we run (G9).

Behind a reverse proxy every request comes from the proxy's address: lockouts and throttles
keyed on REMOTE_ADDR would lump every client together. X-Forwarded-For, though, is whatever the
client wrote, plus one hop per proxy appended on the right. So the header is read only when
REMOTE_ADDR is in ``settings.TRUSTED_PROXIES``, and then from the right: the first hop that is not
itself a trusted proxy is the client. Anything a client put in the header lies to the left of
that hop and is never read.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks() -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` parsed (addresses or networks); a bad entry fails loudly."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_trusted(address: str) -> bool:
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in trusted_networks())


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind a trusted proxy the right-most untrusted X-Forwarded-For hop."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not is_trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None:
            # A hop our own proxy wrote is always an address: give up rather than guess.
            return remote
        if not any(parsed in network for network in trusted_networks()):
            return str(parsed)
    # Every hop is one of our proxies (or there is no header): the left-most is the client.
    if hops:
        parsed = _parse(hops[0])
        return str(parsed) if parsed is not None else remote
    return remote
