"""Writes of the reporting chain: drafts, manual indicator values, and the report's transitions.

Who does what (docs/reporting.md):

- ward police and clerks (and administrators) draft a report of their ward and enter manual
  indicator values (``period_report_create``/``_update``, ``manual_indicator_values_save``);
- ward police (and administrators) submit it (``period_report_submit``), which freezes the
  snapshot, closes the period for the ward and records who and when;
- province reviewers (and administrators) of the ward's scope return it with a comment
  (``period_report_return``), accept it (``period_report_accept``) or reopen an accepted one
  with a reason (``period_report_reopen``).

Every transition locks the report's row and checks its state and, when the caller sends it, the
version it saw: of two concurrent requests exactly one wins, the other gets a message saying
what happened. Every transition writes a ``PeriodReportTransition``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import Ward
from reporting.content import digest, draft_narrative, take_snapshot, ward_stats
from reporting.fields import (
    PERIOD_REPORT_REQUIRED_TO_SUBMIT,
)
from reporting.models import (
    NARRATIVE_MAX_LENGTH,
    ManualIndicator,
    ManualIndicatorValue,
    PeriodReport,
    PeriodReportTransition,
    reporting_period,
)
from reporting.notifications import notify_transition
from reports.statistics import rollup
from wardsecurity.models import ClosedPeriod, User
from wardsecurity.periods import lock_ward_periods
from wardsecurity.services import (
    OutOfScope,
    StaleVersion,
    delete_record,
    prepare_create,
    prepare_update,
    record_write,
    save_record,
)
from wardsecurity.validators import is_ascii_integer, normalise_text, validate_clean_text

# The shared text rules, with the types they have (the validators module is not typed).
_normalise: Callable[[str], str] = normalise_text
_check_clean: Callable[[object], None] = validate_clean_text

State = PeriodReport.State
Action = PeriodReportTransition.Action

STATE_MESSAGES = {
    State.DRAFT: gettext_lazy("The report is still a draft: it has not been submitted."),
    State.SUBMITTED: gettext_lazy(
        "The report has already been submitted and is waiting for review."
    ),
    State.RETURNED: gettext_lazy(
        "The report has been returned to the ward: it must be submitted again first."
    ),
    State.ACCEPTED: gettext_lazy("The report has already been accepted."),
}
NOT_EDITABLE = gettext_lazy(
    "A submitted or accepted report cannot be changed; it can be changed again when the "
    "reviewer returns it."
)
REQUIRED_TO_SUBMIT = gettext_lazy("Fill in this field before submitting the report.")
COMMENT_REQUIRED = gettext_lazy("Say why the report is returned.")
REASON_REQUIRED = gettext_lazy("Give the reason for reopening the accepted report.")
TOO_LONG = gettext_lazy("The text is too long (at most %(max)d characters).")
ONLY_DRAFT_DELETED = gettext_lazy("Only a draft that was never submitted can be deleted.")
OVERLAPPING_VALUE = gettext_lazy(
    "The ward already entered this indicator for %(period)s, which overlaps this period: a "
    "figure of the longer period is the sum of its shorter periods."
)
PERIOD_FIXED = gettext_lazy(
    "The period of a report cannot change; start a report for the other period."
)
DUPLICATE_REPORT = gettext_lazy("The ward already has a report for this period.")
INACTIVE_INDICATOR = gettext_lazy("This indicator is no longer reported.")


# Who may do what -------------------------------------------------------------------------------


def may_draft(user: User) -> bool:
    """Ward police, ward clerks and administrators write drafts and manual indicator values."""
    return bool(user.is_active and user.can_write)


def may_submit(user: User) -> bool:
    """Only ward police (and administrators) submit a ward's report."""
    return bool(user.is_active and (user.is_admin_role or user.role == User.Role.WARD_POLICE))


def may_review(user: User) -> bool:
    """Province reviewers (and administrators) return, accept and reopen reports in scope."""
    return bool(user.is_active and user.can_review_reports)


# Drafts ----------------------------------------------------------------------------------------


def _check_narrative(data: Mapping[str, Any]) -> None:
    """Text a client sends: clean (no control characters), within the length limit."""
    errors: dict[str, list[ValidationError]] = {}
    for name in PeriodReport.NARRATIVE_FIELDS:
        value = data.get(name)
        if not isinstance(value, str):
            continue
        try:
            _check_clean(value)
        except ValidationError as exc:
            errors[name] = exc.error_list
            continue
        if len(_normalise(value)) > NARRATIVE_MAX_LENGTH:
            errors[name] = [
                ValidationError(TOO_LONG % {"max": NARRATIVE_MAX_LENGTH}, code="max_length")
            ]
    if errors:
        raise ValidationError(errors)


def report_defaults(*, actor: User, ward: Ward, period_spec: str) -> dict[str, str]:
    """What a new draft starts with: the narrative drafted from the figures, the place and the
    usual recipients and signer (the officer edits them all)."""
    from reports.documents.content import place_name

    period = reporting_period(period_spec)
    stats = ward_stats(user=actor, ward_code=ward.code, period=period)
    indicators = {
        code: {"unit": unit} for code, unit in ManualIndicator.objects.values_list("code", "unit")
    }
    narrative = draft_narrative(
        stats=stats, indicators=indicators, ward_name=ward.name, period_label=str(period.label)
    )
    # The ward police's heading by the kind of the ward (a commune's, a special zone's).
    titles = {
        Ward.Kind.XA.value: _("HEAD OF COMMUNE POLICE"),
        Ward.Kind.DAC_KHU.value: _("HEAD OF SPECIAL ZONE POLICE"),
    }
    symbols = {Ward.Kind.XA.value: "BC-CAX", Ward.Kind.DAC_KHU.value: "BC-CAĐK"}
    return {
        **narrative,
        "place": place_name(ward.name),
        "signer_title": titles.get(str(ward.kind), _("HEAD OF WARD POLICE")),
        "symbol": symbols.get(str(ward.kind), "BC-CAP"),
        "recipients": "\n".join(
            (
                _("- Provincial police (to report);"),
                _("- Ward Party committee and People's Committee (to report);"),
                _("- Filed: clerical office."),
            )
        ),
    }


def period_report_create(
    *, actor: User, data: Mapping[str, Any], prefill: bool = True
) -> PeriodReport:
    """Start the report of a ward for a period, as a draft.

    ``data`` names the ``ward`` and the ``period`` (``month:2025-08``, "quý III/2025" …, read on
    the reporting calendar) and any text fields; with ``prefill``, the fields left out start
    from ``report_defaults`` (the narrative drafted from the figures).
    """
    if not isinstance(data, Mapping):
        raise ValidationError(_("Send the fields as names with their values."), code="invalid")
    _check_narrative(data)
    with record_write(actor=actor, service="period_report_create"):
        prepared = prepare_create(PeriodReport, actor=actor, data=data)
        report = prepared.record
        if prefill:
            defaults = report_defaults(actor=actor, ward=report.ward, period_spec=report.period)
            for name, value in defaults.items():
                if name not in data:
                    setattr(report, name, value)
            report.full_clean()
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as exc:
            raise ValidationError(
                {"period": [ValidationError(DUPLICATE_REPORT, "unique")]}
            ) from exc
        return report


def period_report_update(
    *,
    actor: User,
    instance: PeriodReport,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> PeriodReport:
    """Change a draft (or a returned report): its heading, signer, recipients and narrative."""
    if isinstance(data, Mapping):
        _check_narrative(data)
    with record_write(actor=actor, service="period_report_update"):
        prepared, old = prepare_update(
            instance, actor=actor, data=data, expected_version=expected_version
        )
        if prepared.record.period != old.period:  # a form sends it back unchanged: that is fine
            raise ValidationError({"period": [ValidationError(PERIOD_FIXED, code="period_change")]})
        if old.state not in (State.DRAFT, State.RETURNED):
            raise ValidationError(NOT_EDITABLE, code="state")
        return save_record(prepared)


def period_report_delete(
    *, actor: User, instance: PeriodReport, expected_version: int | str | None = None
) -> None:
    """Delete a draft that was never submitted (a submitted report stays, with its history)."""
    if instance.state != State.DRAFT or instance.transitions.exists():
        if PeriodReport.objects.visible_to(actor).filter(pk=instance.pk).exists():
            raise ValidationError(ONLY_DRAFT_DELETED, code="state")
        raise OutOfScope
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="period_report_delete"
    )


# Transitions -----------------------------------------------------------------------------------


def _lock_report(instance: PeriodReport, actor: User, allowed: bool) -> PeriodReport:
    """The report's current row, locked: 403 unless ``allowed`` (decided by the role, before
    any lookup, so it tells nothing about the report), 404 unless visible."""
    if not allowed:
        raise PermissionDenied
    visible = PeriodReport.objects.visible_to(actor).filter(pk=instance.pk)
    report = visible.select_for_update(of=("self",)).select_related("ward__province").first()
    if report is None:
        raise OutOfScope
    return report


def _check_version(report: PeriodReport, expected: int | str | None) -> None:
    if expected is None:
        return
    if isinstance(expected, str) and is_ascii_integer(expected):
        expected = int(expected)
    if type(expected) is not int or expected != report.version:
        raise StaleVersion


def _check_state(report: PeriodReport, *allowed: str) -> None:
    if report.state not in allowed:
        raise ValidationError(STATE_MESSAGES[State(report.state)], code="state")


def _required_text(value: object, name: str, message: object) -> str:
    text = _normalise(value) if isinstance(value, str) else ""
    if not text:
        raise ValidationError({name: [ValidationError(str(message), code="required")]})
    try:
        _check_clean(text)
    except ValidationError as exc:
        raise ValidationError({name: exc.error_list}) from exc
    if len(text) > NARRATIVE_MAX_LENGTH:
        raise ValidationError(
            {name: [ValidationError(TOO_LONG % {"max": NARRATIVE_MAX_LENGTH}, "max_length")]}
        )
    return text


def _transition(
    report: PeriodReport,
    *,
    actor: User,
    action: str,
    from_state: str,
    comment: str = "",
    snapshot: dict[str, Any] | None = None,
) -> PeriodReportTransition:
    return PeriodReportTransition.objects.create(
        report=report,
        action=action,
        from_state=from_state,
        to_state=report.state,
        actor=actor,
        at=timezone.now(),
        comment=comment,
        snapshot=snapshot,
        snapshot_digest=digest(snapshot) if snapshot is not None else "",
        report_version=report.version,
    )


def _close_period(report: PeriodReport, actor: User) -> None:
    """Close the report's period for its ward: the days no open closing covers yet."""
    start, end = report.period_start, report.period_end
    covering = ClosedPeriod.objects.filter(
        ward_id=report.ward_id, reopened_at__isnull=True, start__lte=end, end__gte=start
    ).order_by("start")
    gaps = []
    cursor = start
    for closed in covering:
        if closed.start > cursor:
            gaps.append((cursor, min(end, closed.start - dt.timedelta(days=1))))
        cursor = max(cursor, closed.end + dt.timedelta(days=1))
        if cursor > end:
            break
    if cursor <= end:
        gaps.append((cursor, end))
    for first, last in gaps:
        closed = ClosedPeriod(ward_id=report.ward_id, start=first, end=last, closed_by=actor)
        closed.full_clean()
        closed.save()
        report.closed_periods.add(closed)


def _reopen_period(report: PeriodReport, actor: User, reason: str) -> None:
    """Reopen the closings the report's submissions made, with the reviewer's reason."""
    for closed in report.closed_periods.select_for_update().filter(reopened_at__isnull=True):
        closed.reopened_at = timezone.now()
        closed.reopened_by = actor
        closed.reopen_reason = reason
        closed.full_clean()
        closed.save()


def _missing_for_submit(report: PeriodReport) -> dict[str, list[ValidationError]]:
    errors = {
        name: [ValidationError(REQUIRED_TO_SUBMIT, code="required")]
        for name in PERIOD_REPORT_REQUIRED_TO_SUBMIT
        if getattr(report, name) in (None, "")
    }
    if report.signer_form and not report.signer_for_title:
        errors["signer_for_title"] = [ValidationError(REQUIRED_TO_SUBMIT, code="required")]
    return errors


def period_report_submit(
    *, actor: User, instance: PeriodReport, expected_version: int | str | None = None
) -> PeriodReport:
    """Submit a draft, or submit again a returned report (a new snapshot).

    Refused with each missing field named (number, symbol, date, place, signer, recipients).
    Freezes the snapshot of every figure and of the text, closes the period for the ward and
    records who and when, in one transaction that holds the ward's period lock: a record write
    of the ward either commits before the figures are read or is refused by the closed period.
    """
    with record_write(actor=actor, service="period_report_submit"):
        report = _lock_report(instance, actor, may_submit(actor))
        _check_version(report, expected_version)
        _check_state(report, State.DRAFT, State.RETURNED)
        errors = _missing_for_submit(report)
        if errors:
            raise ValidationError(errors)
        report.full_clean()
        lock_ward_periods(report.ward_id, exclusive=True)
        # Every committed write of the ward is in the outbox: bring the rollup up to date so
        # the snapshot holds them.
        rollup.process_dirty(wait=True)
        snapshot = take_snapshot(report=report, user=actor)
        _close_period(report, actor)
        from_state = report.state
        now = timezone.now()
        report.state = State.SUBMITTED
        report.submitted_at, report.submitted_by = now, actor
        if report.first_submitted_at is None:
            report.first_submitted_at = now
        report.snapshot, report.snapshot_digest = snapshot, digest(snapshot)
        report.save()
        action = Action.SUBMIT if from_state == State.DRAFT else Action.RESUBMIT
        _transition(report, actor=actor, action=action, from_state=from_state, snapshot=snapshot)
    return report


def _review(
    *,
    actor: User,
    instance: PeriodReport,
    expected_version: int | str | None,
    service: str,
    action: str,
    from_state: str,
    to_state: str,
    comment: str = "",
) -> PeriodReport:
    """A reviewer's step (return, accept, reopen): the locked row's version and state checked,
    the review stamped, the period opened again when the report goes back to the ward, the
    transition recorded and the ward told (its e-mails leave when this transaction commits)."""
    with record_write(actor=actor, service=service):
        report = _lock_report(instance, actor, may_review(actor))
        _check_version(report, expected_version)
        _check_state(report, from_state)
        report.state = to_state
        report.reviewed_at, report.reviewed_by = timezone.now(), actor
        if to_state == State.RETURNED:
            report.return_comment = comment
        report.save()
        if to_state == State.RETURNED:
            _reopen_period(report, actor, comment)
        step = _transition(
            report, actor=actor, action=action, from_state=from_state, comment=comment
        )
        notify_transition(report, step)
    return report


def period_report_return(
    *,
    actor: User,
    instance: PeriodReport,
    comment: str,
    expected_version: int | str | None = None,
) -> PeriodReport:
    """Return a submitted report to the ward with a comment; its period opens again."""
    comment = _required_text(comment, "comment", COMMENT_REQUIRED)
    return _review(
        actor=actor,
        instance=instance,
        expected_version=expected_version,
        service="period_report_return",
        action=Action.RETURN,
        from_state=State.SUBMITTED,
        to_state=State.RETURNED,
        comment=comment,
    )


def period_report_accept(
    *, actor: User, instance: PeriodReport, expected_version: int | str | None = None
) -> PeriodReport:
    """Accept a submitted report: its snapshot is what the province's figures add up."""
    return _review(
        actor=actor,
        instance=instance,
        expected_version=expected_version,
        service="period_report_accept",
        action=Action.ACCEPT,
        from_state=State.SUBMITTED,
        to_state=State.ACCEPTED,
    )


def period_report_reopen(
    *,
    actor: User,
    instance: PeriodReport,
    reason: str,
    expected_version: int | str | None = None,
) -> PeriodReport:
    """Reopen an accepted report with a reason: it goes back to the ward as returned."""
    reason = _required_text(reason, "reason", REASON_REQUIRED)
    return _review(
        actor=actor,
        instance=instance,
        expected_version=expected_version,
        service="period_report_reopen",
        action=Action.REOPEN,
        from_state=State.ACCEPTED,
        to_state=State.RETURNED,
        comment=reason,
    )


# Manual indicator values -----------------------------------------------------------------------

_VALUE_LOCK = "reporting.manual_value"


def _lock_ward_values(ward_id: int) -> None:
    """Serialise the manual value writes of one ward (the overlap check reads, then writes)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s), %s)", [_VALUE_LOCK, ward_id])


def _check_value(record: ManualIndicatorValue, *, creating: bool) -> None:
    if creating and not record.indicator.active:
        raise ValidationError({"indicator": [ValidationError(INACTIVE_INDICATOR, "inactive")]})
    _lock_ward_values(record.ward_id)
    overlapping = (
        ManualIndicatorValue.objects.filter(
            ward_id=record.ward_id,
            indicator_id=record.indicator_id,
            period_start__lte=record.period_end,
            period_end__gte=record.period_start,
        )
        .exclude(pk=record.pk)
        .first()
    )
    if overlapping is not None:
        if overlapping.period == record.period:
            message = _("This indicator already has a value for the period.")
        else:
            label = str(reporting_period(overlapping.period).label)
            message = OVERLAPPING_VALUE % {"period": label}
        raise ValidationError({"period": [ValidationError(message, code="overlap")]})


def manual_indicator_value_create(*, actor: User, data: Mapping[str, Any]) -> ManualIndicatorValue:
    """Enter a ward's value of a manual indicator for a reporting period."""
    with record_write(actor=actor, service="manual_indicator_value_create"):
        prepared = prepare_create(ManualIndicatorValue, actor=actor, data=data)
        _check_value(prepared.record, creating=True)
        return save_record(prepared)


def manual_indicator_value_update(
    *,
    actor: User,
    instance: ManualIndicatorValue,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> ManualIndicatorValue:
    """Change a value (refused once its period is closed by a submitted report)."""
    with record_write(actor=actor, service="manual_indicator_value_update"):
        prepared, _old = prepare_update(
            instance, actor=actor, data=data, expected_version=expected_version
        )
        _check_value(prepared.record, creating=False)
        return save_record(prepared)


def manual_indicator_value_delete(
    *, actor: User, instance: ManualIndicatorValue, expected_version: int | str | None = None
) -> None:
    """Remove a value (refused once its period is closed)."""
    delete_record(
        instance,
        actor=actor,
        expected_version=expected_version,
        service="manual_indicator_value_delete",
    )


def manual_indicator_values_save(
    *,
    actor: User,
    ward: Ward,
    period: str,
    values: Mapping[str, Any],
    versions: Mapping[str, Any] | None = None,
) -> dict[str, ManualIndicatorValue]:
    """Save the ward's values of the period from one form: ``values`` maps indicator codes to
    a number (or to ``None``/"" to clear it); ``versions`` the version each row was read at.

    All or nothing: every refusal is collected under its indicator's code.
    """
    versions = versions or {}
    spec = reporting_period(period).spec
    catalogue = {item.code: item for item in ManualIndicator.objects.all()}
    unknown = [code for code in values if code not in catalogue]
    if unknown:
        raise ValidationError(
            {code: [ValidationError(_("Unknown indicator."), "unknown")] for code in unknown}
        )
    saved: dict[str, ManualIndicatorValue] = {}
    errors: dict[str, list[ValidationError]] = {}
    with record_write(actor=actor, service="manual_indicator_values_save"):
        current = {
            row.indicator_code: row
            for row in ManualIndicatorValue.objects.visible_to(actor).filter(
                ward_id=ward.pk, period=spec
            )
        }
        for code, raw in values.items():
            value = raw.strip() if isinstance(raw, str) else raw
            row = current.get(code)
            try:
                with transaction.atomic():
                    if value in (None, ""):
                        if row is not None:
                            delete_record(
                                row,
                                actor=actor,
                                expected_version=versions.get(code),
                                service="manual_indicator_value_delete",
                            )
                    elif row is None:
                        saved[code] = manual_indicator_value_create(
                            actor=actor,
                            data={
                                "ward": ward.pk,
                                "indicator": catalogue[code].pk,
                                "period": spec,
                                "value": value,
                            },
                        )
                    elif str(row.value) != str(value):
                        saved[code] = manual_indicator_value_update(
                            actor=actor,
                            instance=row,
                            data={"value": value},
                            expected_version=versions.get(code),
                        )
                    else:
                        saved[code] = row
            except ValidationError as exc:
                errors[code] = [ValidationError(message) for message in exc.messages]
        if errors:
            raise ValidationError(errors)
    return saved
