"""Per-client API tokens: ``Authorization: Bearer <token>``; revocable and expiring.

Only the token's SHA-256 is stored. A token in the query string is never accepted.

A token found live is kept in Django's cache (Redis when ``REDIS_URL`` is set) for
``API_TOKEN_CACHE_SECONDS`` (default 30), with its user, so a client's repeated requests do not
look it up again (issue 18, item 5: the look-up was half of a repeated statistics request).
The cache key is a hash of the stored hash, never the token. What would end the token ends the
cached entry at once: revoking it (``token_revoke``, ``tokens_revoke_all``), saving or deleting
it, and saving or deleting its user (deactivated, another role or scope, a new password); each
clears the entries of the tokens concerned now and again when the transaction commits (so a
request that read the old rows in between cannot leave them behind past the commit for more
than the TTL). On every cached use the expiry, the revocation and the user's ``is_active`` are
checked again. A change made around the ORM (raw SQL, a queryset ``update()`` of users)
reaches a cached token within the TTL; with the in-process cache (no ``REDIS_URL``) so does a
change made in another server process.
"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from wardsecurity.models import ApiToken

TOKEN_PREFIX = "wsp_"  # noqa: S105 - a public marker, not a secret
INVALID_TOKEN = _("The token is invalid, expired or revoked. Sign in again.")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_cache_key(key_hash: str) -> str:
    """The cache key of a token: a hash of its stored hash (the token itself is never a key)."""
    return "apitoken:" + hashlib.sha256(b"apitoken-cache:" + key_hash.encode()).hexdigest()


def cache_seconds() -> int:
    return int(getattr(settings, "API_TOKEN_CACHE_SECONDS", 30))


def tokens_forget(key_hashes: Iterable[str]) -> None:
    """Clear the cached entries of these tokens now and when the transaction commits."""
    keys = [token_cache_key(key_hash) for key_hash in key_hashes]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def user_tokens_forget(user_id: int) -> None:
    """Clear the cached entries of every token of a user (one query)."""
    tokens_forget(ApiToken.objects.filter(user_id=user_id).values_list("key_hash", flat=True))


def token_issue(*, user, name="") -> tuple[str, ApiToken]:
    """Issue a new token for ``user``; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        key_hash=hash_token(raw),
        prefix=raw[:12],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return raw, token


def token_revoke(*, token: ApiToken) -> None:
    """Revoke ``token`` now (idempotent)."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    tokens_forget([token.key_hash])


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer wsp_…``: a live token of an active user."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from exc
        now = timezone.now()
        key_hash = hash_token(raw)
        key = token_cache_key(key_hash)
        token = cache.get(key)
        if token is not None and not self.still_live(token, now):
            cache.delete(key)
            token = None  # the database decides (it refuses an expired or revoked token)
        if token is None:
            token = self.look_up(key_hash, now)
            self.remember(key, token, now)
        # Touch at most once a minute: a busy client should not write on every request.
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
            self.remember(key, token, now)
        request.api_token = token
        return token.user, token

    @staticmethod
    def look_up(key_hash: str, now) -> ApiToken:
        try:
            # ``get``, not ``first``: the hash is unique, and no ORDER BY makes a cheaper query.
            token = ApiToken.objects.select_related("user").get(
                key_hash=key_hash, revoked_at__isnull=True, expires_at__gt=now
            )
        except ApiToken.DoesNotExist as exc:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from exc
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        return token

    @staticmethod
    def still_live(token: ApiToken, now) -> bool:
        """The cheap checks again on a cached token: not revoked, not expired, user active."""
        return token.revoked_at is None and token.expires_at > now and token.user.is_active

    @staticmethod
    def remember(key: str, token: ApiToken, now) -> None:
        """Cache the token and its user, never past its expiry."""
        seconds = min(cache_seconds(), int((token.expires_at - now).total_seconds()))
        if seconds > 0:
            cache.set(key, token, seconds)

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def tokens_revoke_all(*, user) -> int:
    """Revoke every live token of ``user`` (a password change ends them all); how many."""
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    user_tokens_forget(user.pk)
    return revoked
