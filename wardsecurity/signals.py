"""Signal receivers of the ``wardsecurity`` app, connected in ``WardSecurityConfig.ready``."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from wardsecurity.api.authentication import tokens_forget, tokens_revoke_all, user_tokens_forget
from wardsecurity.models import ApiToken, User
from wardsecurity.sessions import session_touch


@receiver(user_logged_in, dispatch_uid="wardsecurity.session_touch")
def _stamp_new_session(sender, request, user, **kwargs) -> None:
    """A new session starts its idle clock at sign-in (no extra write on the first page)."""
    if request is not None and hasattr(request, "session"):
        session_touch(request=request)


@receiver(pre_save, sender=User, dispatch_uid="wardsecurity.password_change_check")
def _note_password_change(sender, instance: User, update_fields=None, **kwargs) -> None:
    """Remember whether this save changes the password, whatever set it (form, admin, code)."""
    # _ws_password_changed is a per-instance flag from pre_save to post_save, not a model field:
    # the model does not declare it, hence the ignores.
    instance._ws_password_changed = False  # type: ignore[attr-defined]
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    if getattr(instance, "_password", None) is not None:  # set_password() since the last save
        instance._ws_password_changed = True  # type: ignore[attr-defined]
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._ws_password_changed = (  # type: ignore[attr-defined]
        stored is not None and stored != instance.password
    )


@receiver(post_save, sender=User, dispatch_uid="wardsecurity.password_change_revoke")
def _revoke_tokens_on_password_change(sender, instance: User, created: bool, **kwargs) -> None:
    """A new password ends every API token of the user (sessions end by Django's own check)."""
    if not created and getattr(instance, "_ws_password_changed", False):
        tokens_revoke_all(user=instance)
        instance._ws_password_changed = False  # type: ignore[attr-defined]


@receiver(post_save, sender=User, dispatch_uid="wardsecurity.user_tokens_forget_save")
@receiver(post_delete, sender=User, dispatch_uid="wardsecurity.user_tokens_forget_delete")
def _forget_cached_tokens_of_user(sender, instance: User, **kwargs) -> None:
    """A saved user (deactivated, another role or scope) is read again with its next request:
    the cached API tokens of the user are cleared (wardsecurity.api.authentication). A
    sign-in's ``last_login`` alone changes nothing a token's request reads."""
    if kwargs.get("created") or kwargs.get("update_fields") == frozenset({"last_login"}):
        return
    user_tokens_forget(instance.pk)


@receiver(post_save, sender=ApiToken, dispatch_uid="wardsecurity.token_forget_save")
@receiver(post_delete, sender=ApiToken, dispatch_uid="wardsecurity.token_forget_delete")
def _forget_cached_token(sender, instance: ApiToken, **kwargs) -> None:
    """A token saved (revoked or given another expiry, in the admin too) or deleted is read
    again from the database with its next request."""
    if not kwargs.get("created"):
        tokens_forget([instance.key_hash])
