"""One-time tokens of the create forms: a form posted twice creates one record (issue 15, item 6).

Every create form of the portal (each entity's "Add" page, the fast household entry) carries a
hidden token, signed for the user it was drawn for, with a random nonce and its time. Drawing
the form writes nothing; the first submission that passes the form's checks claims the nonce
in ``FormSubmission`` (unique) in the same transaction as the record it creates, and notes the
record's page there. A second submission of the same form (the button pressed twice, the page
reloaded after posting, a second tab of the same page, or both at the same instant) cannot
claim the nonce again: it leads to the first record instead. A submission the services refuse
claims nothing (its transaction is rolled back), so the corrected form goes through.

A token that is missing, altered, another user's or older than ``token_max_age`` is refused:
the form is shown again with a message and a new token, and nothing is written. Claimed nonces
are deleted once their tokens have expired (the nightly ``wardsecurity.cleanup_jobs``); an
expired token is refused anyway, so a deleted claim can never let a record be created twice.

The API's create accepts an ``Idempotency-Key`` header and claims the same way
(``idempotency_nonce``: the key within the user's own keys), with the request's fingerprint, so
the key sent again with the same request answers the first record and with another request is
refused; a key is remembered as long as a form token lives.
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wardsecurity.models import FormSubmission

TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret
SALT = "wardsecurity.portal.form-token"
MAX_TOKEN_LENGTH = 200

ALREADY_SUBMITTED = _("This form has already been submitted; here is the record it created.")
TOKEN_REFUSED = _(
    "This form has expired or was not opened by you, so nothing was saved. Check the entries "
    "and save again."
)


def token_max_age() -> int:
    """How long a drawn form may be posted, in seconds: a signed-in session's whole life."""
    return int(settings.SESSION_COOKIE_AGE)


def form_token_issue(user) -> str:
    """A new token for a form drawn for ``user``."""
    nonce = secrets.token_urlsafe(24)
    return signing.TimestampSigner(salt=SALT).sign(f"{user.pk}.{nonce}")


def form_token_nonce(user, token: Any) -> str | None:
    """The nonce of ``token`` if it was issued to ``user`` and has not expired, else None."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=token_max_age())
    except signing.BadSignature:  # SignatureExpired too
        return None
    user_id, _dot, nonce = value.partition(".")
    if user_id != str(user.pk) or not nonce:
        return None
    return nonce


class AlreadySubmitted(Exception):
    """The form's token was claimed by an earlier submission: ``submission`` names its record."""

    def __init__(self, submission: FormSubmission):
        super().__init__(submission.result_url)
        self.submission = submission


def submit_once[RecordT: Model](
    *,
    user,
    nonce: str,
    create: Callable[[], RecordT],
    result_url: Callable[[RecordT], str],
    fingerprint: str = "",
) -> RecordT:
    """Claim ``nonce`` and run ``create``, in one transaction; ``AlreadySubmitted`` when the nonce
    was claimed already (a concurrent claim waits on the unique index until the first commits,
    then sees its row). ``create``'s ``ValidationError`` rolls the claim back with the rest."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                FormSubmission.objects.create(nonce=nonce, user=user, fingerprint=fingerprint)
        except IntegrityError:
            raise AlreadySubmitted(FormSubmission.objects.get(nonce=nonce)) from None
        record = create()
        FormSubmission.objects.filter(nonce=nonce).update(
            model=record._meta.label_lower, object_id=record.pk, result_url=result_url(record)
        )
    return record


def idempotency_nonce(user, key: str) -> str:
    """The nonce an API create with ``Idempotency-Key: key`` claims: the user's own key space."""
    return hashlib.sha256(f"api\n{user.pk}\n{key}".encode()).hexdigest()


def form_submissions_cleanup(*, now: dt.datetime | None = None) -> int:
    """Delete the claims whose tokens have expired; the number deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=token_max_age())
    return FormSubmission.objects.filter(created_at__lt=cutoff).delete()[0]


class OneTimeTokenMixin:
    """A form with the hidden one-time token: ``add_form_token(user)`` in ``__init__``; after
    ``is_valid()``, ``token_nonce`` is the nonce to pass to ``submit_once``.

    A refused token is a form error (nothing is saved) and the form is drawn again with a new
    token, so saving once more works; an accepted one is kept, so a form shown again with the
    services' errors still creates one record at most.
    """

    token_nonce: str | None = None
    fields: dict[str, forms.Field]
    data: Any

    def add_form_token(self, user) -> None:
        self.token_user = user
        self.fields[TOKEN_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=form_token_issue(user)
        )

    def clean(self):
        cleaned = super().clean()
        if TOKEN_FIELD in self.fields:
            self.token_nonce = form_token_nonce(self.token_user, self.data.get(TOKEN_FIELD))
            if self.token_nonce is None:
                self.add_error(None, TOKEN_REFUSED)
                self.data = self.data.copy()
                self.data[TOKEN_FIELD] = self.fields[TOKEN_FIELD].initial
        return cleaned
