"""A reviewer who declared a conflict cannot open the application through the applications pages either."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.services import application_submit
from review.models import Assignment
from tests.factories.applications import complete_application


@pytest.mark.parametrize("url_name", ["overview", "receipt", "receipt_pdf"])
def test_conflicted_reviewer_gets_404_on_the_application_pages(client, make_user, url_name):
    member = make_user("applicant")
    application = complete_application(member=member)
    application_submit(application=application, by=member)
    reviewer, lead = make_user("secretariat"), make_user("secretariat")
    client.force_login(reviewer)
    url = reverse(f"applications:{url_name}", args=[application.pk])
    assert client.get(url).status_code == 200
    Assignment.objects.create(
        application=application,
        reviewer=reviewer,
        assigned_by=lead,
        conflict="declared",
        conflict_note="Bestyrelsesmedlem",
        conflict_declared_at=timezone.now(),
    )
    assert client.get(url).status_code == 404
    attachment = application.attachments.first()
    assert client.get(attachment.get_absolute_url()).status_code == 404
