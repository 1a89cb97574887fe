"""What a section page costs the database: a few queries, the same however many rows the application has.

The application comes with what the step guide needs (applications.selectors.application_for_editing): its
facts in the application's own query, the rows a page reads from one query each.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Activity, ActivityActor, ActorType, BoardMember, Location, Partner
from applications.sections import SECTIONS
from tests.factories.applications import complete_application

# session, the user with their roles (the layout), the application with its call and facts (the user's
# membership of the organisation among them) and the sections' states: 4; and the page's own rows (of a
# section's rows, the step guide reads those the page loads, and for the rest the facts in the application's
# query)
SECTION_QUERIES = {
    "requirements": 8,  # the call's requirements, their answers, the board, the attachments (their kinds too)
    "area": 5,  # the call's areas
    "criteria": 7,  # the call's criteria, their answers, the locations
    "activities": 6,  # the activities with their types, their actors (the step guide reads them too)
    "partners": 5,  # the partners with their letters (and the step guide)
    "budget": 6,  # the budget lines (and the step guide), the call's frames
    "attachments": 5,  # the attachments with who uploaded them (their kinds too)
}


def add_rows(application) -> None:
    """Give the application more of every kind of row a section page or its step guide reads."""
    call = application.call
    for n in range(3):
        BoardMember.objects.create(application=application, name=f"Medlem {n}", affiliation="company")
        Partner.objects.create(application=application, name=f"Partner {n}", partner_type=ActorType.COMPANY, role="x")
        Location.objects.create(application=application, kind=Location.Kind.BRANCH, city="Aarhus", region="midtjylland")
        activity = Activity.objects.create(
            application=application,
            activity_type=call.activity_types.first(),
            title=f"Aktivitet {n}",
            description="Beskrivelse.",
            first_year=call.period_start,
            last_year=call.period_end,
            budget=1_000_000,
        )
        for m in range(n + 1):
            ActivityActor.objects.create(activity=activity, name=f"Aktør {m}", actor_type=ActorType.COMPANY)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("section", SECTIONS, ids=lambda section: section.code)
def test_a_section_page_takes_a_fixed_number_of_queries_however_many_rows(db, client, section):
    application = complete_application()
    client.force_login(application.created_by)
    url = reverse(section.url_name, args=[application.pk])
    client.get(url)  # the first request of a session asks a little more
    few = count_queries(client, url)
    add_rows(application)
    assert (few, count_queries(client, url)) == (SECTION_QUERIES[section.code],) * 2


@pytest.mark.parametrize("section", SECTIONS, ids=lambda section: section.code)
def test_the_membership_in_the_application_query_is_the_requesting_users(db, client, make_user, section):
    application = complete_application()
    url = reverse(section.url_name, args=[application.pk])
    applicant = make_user("applicant")
    client.force_login(applicant)
    assert client.get(url).status_code == 404  # a member of no organisation, or of another
    application.organisation.members.add(applicant)
    assert client.get(url).status_code == 200
    application.organisation.members.remove(applicant)
    assert client.get(url).status_code == 404
