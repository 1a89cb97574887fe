"""Background work for applications: the receipt PDF and the confirmation e-mail."""

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from clusterfund.pdf import render_pdf

from .models import Application
from .selectors import budget_summary


def receipt_pdf_bytes(application: Application) -> bytes:
    """Return the receipt PDF for a submitted application."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(
            "pdf/receipt.html", {"application": application, "budget": budget_summary(application=application)}
        )


@shared_task(acks_late=True)
def render_receipt(*, application_id: int) -> str:
    """Render and store the receipt PDF (idempotent: an existing receipt is kept); return its path."""
    application = Application.objects.select_related("call", "organisation", "business_area", "submitted_by").get(
        pk=application_id
    )
    if not application.receipt_pdf:
        pdf = receipt_pdf_bytes(application)
        application.receipt_pdf.save(f"receipt-{application.pk}.pdf", ContentFile(pdf), save=False)
        Application.objects.filter(pk=application.pk).update(receipt_pdf=application.receipt_pdf.name)
    return application.receipt_pdf.name


@shared_task(acks_late=True)
def send_receipt_email(*, application_id: int) -> int:
    """E-mail every member of the organisation that the application was received; return the count sent."""
    application = Application.objects.select_related("call", "organisation").get(pk=application_id)
    recipients = list(application.organisation.members.filter(is_active=True).values_list("email", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("applications/email/receipt.txt", {"application": application})
        subject = render_to_string("applications/email/receipt_subject.txt", {"application": application}).strip()
    return send_mail(subject, body, None, recipients)
