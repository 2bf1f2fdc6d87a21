"""Per-client API tokens: ``Authorization: Bearer <token>``; revocable and expiring.

Only the token's SHA-256 is stored. A token in the query string is never accepted.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from wardsecurity.models import ApiToken

TOKEN_PREFIX = "wsp_"  # noqa: S105 - a public marker, not a secret
INVALID_TOKEN = _("The token is invalid, expired or revoked. Sign in again.")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


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
        try:
            # ``get``, not ``first``: the hash is unique, and no ORDER BY makes a cheaper query.
            token = ApiToken.objects.select_related("user").get(
                key_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=now
            )
        except ApiToken.DoesNotExist as exc:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from exc
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        # Touch at most once a minute: a busy client should not write on every request.
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        request.api_token = token
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def tokens_revoke_all(*, user) -> int:
    """Revoke every live token of ``user`` (a password change ends them all); how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
