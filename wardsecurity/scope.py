"""Scope enforcement: the one code path that decides which wards (and records) a user may see.

Every ward-owned model's manager exposes ``visible_to(user)`` (``ScopedQuerySet``); lists, detail
pages, exports, statistics and the API all start from it.
"""

from typing import TYPE_CHECKING, Any, Self

from django.apps import apps
from django.db import models

if TYPE_CHECKING:
    from wardsecurity.models import User

ALL_WARDS = None  # sentinel: the scope has no ward restriction
_CACHE_ATTR = "_scope_ward_ids_cache"


def scope_ward_ids(user):
    """Ward ids the user may see: ``ALL_WARDS`` for every ward, else a subquery of ids."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return apps.get_model("households", "Ward").objects.none().values("id")
    if hasattr(user, _CACHE_ATTR):
        return getattr(user, _CACHE_ATTR)
    ward_model = apps.get_model("households", "Ward")
    kind = user.scope_kind
    if user.is_superuser or kind == user.ScopeKind.ALL:
        ids = ALL_WARDS
    elif kind == user.ScopeKind.PROVINCE:
        ids = ward_model.objects.filter(province_id=user.scope_province_id).values("id")
    elif kind == user.ScopeKind.CLUSTER:
        through = apps.get_model("households", "WardCluster").wards.through
        ids = through.objects.filter(wardcluster_id=user.scope_cluster_id).values("ward_id")
    elif kind == user.ScopeKind.WARD and user.scope_ward_id:
        ids = ward_model.objects.filter(id=user.scope_ward_id).values("id")
    else:  # an incomplete scope sees nothing rather than everything
        ids = ward_model.objects.none().values("id")
    setattr(user, _CACHE_ATTR, ids)
    return ids


def role_may_see(user, model) -> bool:
    """Sensitive records (incidents, tips, reintegration, extractions) are police and admin only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(model, "sensitive", False):
        return user.can_see_sensitive
    return True


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a model that belongs to wards; ``visible_to`` is the security boundary."""

    def visible_to(self, user: "User") -> Self:
        if not role_may_see(user, self.model):
            return self.none()
        ids = scope_ward_ids(user)
        if ids is ALL_WARDS:
            return self
        # Only WardRecord models (which define scope_q) use this queryset.
        model: Any = self.model
        return self.filter(model.scope_q(ids))
