"""Writes for the gold-label watch: registering a new label (with its certificate PDF) or a plan to become
gold, carrying the application's gold evidence over when a grant starts, and a person's reminder language."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from allocation.services.checks import require
from applications.models import Application, Attachment, Organisation
from applications.uploads import check_pdf_upload, sanitise_filename
from clusterfund.services import audit_record

from ..models import GoldLabel, GoldPlan, Grant, ReminderLanguage
from ..models.watch import two_years_after


def _label_json(label: GoldLabel) -> dict:
    return {
        "level": label.level,
        "audited_on": label.audited_on.isoformat(),
        "valid_until": label.valid_until.isoformat(),
        "sha256": label.sha256,
        "origin": label.origin,
    }


@transaction.atomic
def gold_label_register(
    *,
    organisation: Organisation,
    level: str,
    audited_on: dt.date,
    valid_until: dt.date | None = None,
    certificate=None,
    by,
) -> GoldLabel:
    """Register a new label for the organisation and return it; it becomes the one that counts.

    `valid_until` defaults to two years after the audit (the ECEI rule). The certificate PDF is required,
    checked by content and size (applications.uploads), and stored outside static/ under a random name.
    """
    require(by, "governance.register_gold", organisation)
    if certificate is None:
        raise ValidationError({"certificate": _("Upload the certificate (PDF).")})
    try:
        digest = check_pdf_upload(certificate)
    except ValidationError as error:
        raise ValidationError({"certificate": error.messages}) from error
    label = GoldLabel(
        organisation=organisation,
        level=level,
        audited_on=audited_on,
        valid_until=valid_until or two_years_after(audited_on),
        origin=GoldLabel.Origin.REGISTERED,
        original_name=sanitise_filename(certificate.name),
        size=certificate.size,
        sha256=digest,
        registered_by=by,
    )
    label.full_clean(exclude=["file"])
    label.file.save(label.original_name, certificate, save=False)
    label.save()
    audit_record(actor=by, action="gold_label.register", obj=label, after=_label_json(label))
    return label


@transaction.atomic
def gold_plan_register(*, organisation: Organisation, target_date: dt.date, summary: str = "", by) -> GoldPlan:
    """Register the organisation's plan to become gold by `target_date` and return it."""
    require(by, "governance.register_gold", organisation)
    plan = GoldPlan(organisation=organisation, target_date=target_date, summary=summary.strip(), registered_by=by)
    plan.full_clean()
    plan.save()
    audit_record(
        actor=by,
        action="gold_plan.register",
        obj=plan,
        after={"target_date": target_date.isoformat(), "summary": plan.summary},
    )
    return plan


def gold_carry_over(*, grant: Grant, by) -> GoldLabel | GoldPlan | None:
    """Carry the application's gold requirement evidence over to the organisation when its grant starts:
    the label (level gold, its award and expiry dates, its certificate) or the plan with its target date.
    Return what was carried over, or None if the application said nothing or it was carried over already.
    Called from grant creation, inside its transaction.
    """
    application: Application = grant.application
    if application.gold_status == Application.GoldStatus.GOLD and application.gold_awarded_on:
        if GoldLabel.objects.filter(organisation=grant.organisation, application=application).exists():
            return None
        attachment = application.attachments.filter(kind=Attachment.Kind.GOLD_CERTIFICATE).last()
        label = GoldLabel(
            organisation=grant.organisation,
            level=GoldLabel.Level.GOLD,
            audited_on=application.gold_awarded_on,
            valid_until=application.gold_expires_on or two_years_after(application.gold_awarded_on),
            origin=GoldLabel.Origin.APPLICATION,
            application=application,
            registered_by=by,
        )
        if attachment is not None:
            label.file.name = attachment.file.name  # the same stored file; it is never overwritten
            label.original_name, label.size, label.sha256 = attachment.original_name, attachment.size, attachment.sha256
        label.full_clean(exclude=["file"])
        label.save()
        audit_record(actor=by, action="gold_label.carry_over", obj=label, after=_label_json(label))
        return label
    if application.gold_status == Application.GoldStatus.PLAN and application.gold_target_date:
        if GoldPlan.objects.filter(organisation=grant.organisation, application=application).exists():
            return None
        plan = GoldPlan(
            organisation=grant.organisation,
            target_date=application.gold_target_date,
            summary=_("From the application."),
            application=application,
            registered_by=by,
        )
        plan.full_clean()
        plan.save()
        audit_record(
            actor=by, action="gold_plan.carry_over", obj=plan, after={"target_date": plan.target_date.isoformat()}
        )
        return plan
    return None


@transaction.atomic
def reminder_language_set(*, user, language: str) -> ReminderLanguage:
    """Record the language `user` wants reminders in and return the row."""
    if language not in ReminderLanguage.Language.values:
        raise ValidationError({"language": _("Choose Danish or English.")})
    row, _created = ReminderLanguage.objects.select_for_update().get_or_create(user=user)
    before = row.language
    row.language = language
    row.save()
    audit_record(
        actor=user, action="reminder_language.set", obj=row, before={"language": before}, after={"language": language}
    )
    return row
