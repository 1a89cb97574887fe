"""Telling an organisation about a decision: a message on its dashboard and an e-mail to its members."""

from django.db import transaction

from applications.models import Message
from clusterfund.tasks import send_email_task


def send_to_organisation(*, organisation, application, subject: str, body: str, by) -> Message:
    """Leave a message on the organisation's dashboard and e-mail its members once the transaction commits."""
    message = Message.objects.create(
        organisation=organisation, application=application, subject=subject, body=body, sent_by=by
    )
    recipients = list(organisation.members.filter(is_active=True).values_list("email", flat=True))
    if recipients:
        transaction.on_commit(lambda: send_email_task.delay(subject=subject, body=body, to=recipients))
    return message
