"""Writes for the application's lists that need more than `section_save`: a partner's letter of intent."""

from django.db import transaction

from clusterfund.services import audit_record

from .models import Application, Attachment, Partner
from .services import attachment_add, attachment_remove


@transaction.atomic
def partner_attach_letter(*, partner: Partner, uploaded, by) -> Attachment:
    """Store `uploaded` as the partner's letter of intent (replacing an earlier one) and return it.

    Raises ValidationError (from `attachment_add`) when the file is refused; then nothing changes,
    an earlier letter included.
    """
    # The application row first, as every other write does, then the partner's: two uploads for the
    # same partner cannot both replace the same earlier letter, and the lock order cannot deadlock.
    Application.objects.select_for_update().get(pk=partner.application_id)
    locked = Partner.objects.select_for_update().get(pk=partner.pk)
    previous = locked.letter_of_intent
    if previous is not None:
        # Removed before the new one is added, so a replacement fits under the call's maximum number of
        # attachments; if the new file is refused, the transaction restores the old letter.
        attachment_remove(attachment=previous, by=by)
    attachment = attachment_add(
        application=locked.application, uploaded=uploaded, kind=Attachment.Kind.LETTER_OF_INTENT, by=by
    )
    locked.letter_of_intent = attachment
    locked.save(update_fields=["letter_of_intent"])
    audit_record(
        actor=by,
        action="application.partner_letter",
        obj=locked.application,
        before={"partner": locked.pk, "sha256": previous.sha256 if previous else None},
        after={"partner": locked.pk, "sha256": attachment.sha256},
    )
    partner.letter_of_intent = attachment
    return attachment
