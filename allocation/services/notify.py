"""Telling an organisation about a decision: a message on its dashboard and an e-mail to its members."""

from applications.models import Message
from clusterfund.outbox import outbox_enqueue
from clusterfund.tasks import send_email_task


def send_to_organisation(*, organisation, application, subject: str, body: str, by) -> Message:
    """Leave a message on the organisation's dashboard and e-mail its members once the transaction commits."""
    message = Message.objects.create(
        organisation=organisation, application=application, subject=subject, body=body, sent_by=by
    )
    recipients = list(organisation.members.filter(is_active=True).values_list("email", flat=True))
    if recipients:
        outbox_enqueue(send_email_task, subject=subject, body=body, to=recipients)
    return message
