"""Signal receivers of the ``wardsecurity`` app, connected in ``WardSecurityConfig.ready``."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from wardsecurity.api.authentication import tokens_revoke_all
from wardsecurity.models import User
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
